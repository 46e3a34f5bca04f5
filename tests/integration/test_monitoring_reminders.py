"""Monitoring reminders, from the programme's events to a real SMTP server (aiosmtpd): yearly
indicator values that are still missing, and measures whose status has not changed.

Erfurt runs the generic cycle from 4 January 2027; indicators' values are due on 31 March
(reminders on 17 and 31 March), measures are stale after 180 days. Time travel is a FixedClock
the test moves; nothing sleeps. Runs on SQLite, and on PostgreSQL when ZYKLUS_TEST_PG is set.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from notification_support import (AGS, ANNA, JOHN, KAI, OLGA, Rig, add_erfurt, build_rig, by_recipient, local,
                                  make_settings, parts)
from smtp_server import ScriptedHandler
from test_outbox_dispatch import race  # two sweepers in two threads, released together

from engine.clock import FixedClock
from engine.indicators.programme import Programme
from engine.migration import CURRENT, apply
from engine.migration import plan as migration_plan
from engine_support import COORDINATOR, drive_to, record_phase, setup_municipality

MakeRig = Callable[..., Rig]
D = dt.date
START = D(2027, 1, 4)
VALUES = "values_due"
STALE = "stale_measures"


@pytest.fixture
def rig(make_rig: MakeRig, smtp_port: int, tmp_path: Path) -> Rig:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), local(2027, 1, 4, 9))
    add_erfurt(rig.service, on=START)
    rig.sweep()  # the "phase begins" mails of the cycle's start are not what these tests are about
    return rig


def programme(rig: Rig) -> Programme:
    return Programme(rig.service)


def waiting(rig: Rig, kind: str) -> list[dt.date]:
    return [t.fire_on for t in rig.timers(kind=kind, claimed_at=None)]


def received(handler: ScriptedHandler, kind: str) -> dict[str, list]:
    """The monitoring mails each address got (the phase reminders of the same days left out)."""
    start = {VALUES: ("Indikatorwerte", "Indicator values"), STALE: ("Maßnahme", "measure")}[kind]
    return {to: [m for m in mails if any(word in m["Subject"] for word in start)]
            for to, mails in by_recipient(handler).items()
            if any(any(word in m["Subject"] for word in start) for m in mails)}


# --- indicator values ------------------------------------------------------------------------------------


def test_missing_values_are_listed_in_one_mail_per_coordinator(rig: Rig, smtp_handler: ScriptedHandler) -> None:
    plan = programme(rig)
    plan.adopt(AGS, ["thg-haushalte", "ee-strom-anteil", "kinderarmut"], actor=ANNA)
    plan.add(AGS, {"id": "rad", "name": "Rad & Bus <Anteil>", "sdg": "11", "unit": "%", "direction": "increase"},
             actor=ANNA)
    plan.add(AGS, {"id": "sommer", "name": "Badegewässer", "sdg": "6", "unit": "%", "direction": "increase",
                   "values_due": "06-30"}, actor=ANNA)
    # The catalogue's indicators come from official statistics published two years later
    # (publication_lag 2): on 31 March 2027 they ask for 2025; the own ones (lag 1) for 2026.
    plan.record(AGS, "kinderarmut", "2025", "12,5", actor=ANNA)  # recorded early: not asked for
    assert waiting(rig, VALUES) == [D(2027, 3, 17), D(2027, 3, 31), D(2027, 6, 16), D(2027, 6, 30),
                                    D(2028, 3, 17), D(2028, 3, 31)]  # (the last two: kinderarmut's 2026)
    smtp_handler.received.clear()

    rig.at(local(2027, 3, 17)).sweep()  # 14 days before 31 March, 07:00

    mails = received(smtp_handler, VALUES)
    assert set(mails) == {ANNA, JOHN}  # the coordinators: not the core team, mayor or steering group
    [german] = mails[ANNA]  # one mail, however many indicators
    assert german["Subject"] == "Indikatorwerte: 3 fehlen noch, Stichtag 31.03.2027 (Erfurt)"
    text, html, calendar = parts(german)
    assert text.startswith("Guten Tag Anna Koordination,")
    assert "Fällig am 31.03.2027, in 14 Tagen:" in text
    for key, year in (("thg-haushalte", 2025), ("ee-strom-anteil", 2025), ("rad", 2026)):
        assert f"    zyklus indicator record {AGS} {key} {year} WERT --as {ANNA}\n" in text
    assert "kinderarmut" not in text and "sommer" not in text
    assert "Treibhausgasemissionen" in text and "Wert für 2025 in" in text and "Wert für 2026 in" in text
    assert "Rad & Bus <Anteil> (rad)" in text and "Rad &amp; Bus &lt;Anteil&gt; (rad)" in html
    assert "<strong>31.03.2027</strong>" in html and calendar is None
    [english] = mails[JOHN]
    assert english["Subject"] == "Indicator values: 3 still missing, due 2027-03-31 (Erfurt)"
    assert f"zyklus indicator record {AGS} rad 2026 VALUE --as {JOHN}" in parts(english)[0]
    assert [t.outcome for t in rig.timers(kind=VALUES, fire_on=D(2027, 3, 17))] == ["queued"]


def test_a_value_recorded_before_the_date_is_not_asked_for_and_next_year_is_planned(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    plan = programme(rig)
    plan.adopt(AGS, ["thg-haushalte"], actor=ANNA)
    assert waiting(rig, VALUES) == [D(2027, 3, 17), D(2027, 3, 31)]

    rig.at(local(2027, 2, 1, 10))
    plan.record(AGS, "thg-haushalte", "2025", "6,8", actor=ANNA)  # the year due in 2027 (lag 2)

    assert waiting(rig, VALUES) == [D(2028, 3, 17), D(2028, 3, 31)]  # this year's are gone
    rig.at(local(2027, 3, 17)).sweep()
    rig.at(local(2027, 3, 31)).sweep()
    assert rig.outbox(kind=VALUES) == [] and received(smtp_handler, VALUES) == {}

    rig.at(local(2028, 3, 17)).sweep()  # next year the 2026 value is due

    [mail] = received(smtp_handler, VALUES)[ANNA]
    assert f"zyklus indicator record {AGS} thg-haushalte 2026 WERT --as {ANNA}" in parts(mail)[0]


def test_reminded_before_and_on_the_day_then_next_year(rig: Rig, smtp_handler: ScriptedHandler) -> None:
    programme(rig).adopt(AGS, ["thg-haushalte"], actor=ANNA)
    rig.at(local(2027, 3, 17)).sweep()
    smtp_handler.received.clear()

    rig.at(local(2027, 3, 31)).sweep()

    [mail] = received(smtp_handler, VALUES)[ANNA]
    assert "Fällig heute, am 31.03.2027:" in parts(mail)[0]
    assert waiting(rig, VALUES) == [D(2028, 3, 17), D(2028, 3, 31)]  # the sweep planned next year's
    assert [(t.fire_on, t.outcome) for t in rig.timers(kind=VALUES) if t.claimed_at] == [
        (D(2027, 3, 17), "queued"), (D(2027, 3, 31), "queued")]


def test_a_late_reminder_sends_nothing_when_the_value_came_meanwhile(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    """The scheduler was down on 17 March; the value was recorded on the 19th: the reminder that
    fires on the 20th finds nothing left to ask for."""
    plan = programme(rig)
    plan.adopt(AGS, ["thg-haushalte"], actor=ANNA)
    rig.at(local(2027, 3, 19, 10))
    plan.record(AGS, "thg-haushalte", "2025", "6,8", actor=ANNA)

    report = rig.at(local(2027, 3, 20, 8)).sweep()

    assert report.satisfied == 1 and received(smtp_handler, VALUES) == {}
    assert [(t.fire_on, t.outcome) for t in rig.timers(kind=VALUES) if t.claimed_at] == [
        (D(2027, 3, 17), "satisfied")]


# --- stale measures --------------------------------------------------------------------------------------


def test_a_stale_measure_is_reminded_never_a_done_or_dropped_one(rig: Rig, smtp_handler: ScriptedHandler) -> None:
    plan = programme(rig)
    plan.add_measure(AGS, "m-pv", title="PV auf Schuldächern", theme_field="Klima", responsible="Hochbauamt",
                     actor=ANNA)
    plan.add_measure(AGS, "m-rad", title="Radwegenetz", theme_field="Mobilität", actor=ANNA)
    plan.add_measure(AGS, "m-alt", title="Altes Projekt", theme_field="Mobilität", actor=ANNA)
    plan.add_measure(AGS, "m-weg", title="Verworfen", theme_field="Mobilität", actor=ANNA)
    rig.at(local(2027, 2, 1, 10))
    plan.set_measure_status(AGS, "m-alt", "done", actor=ANNA)
    plan.set_measure_status(AGS, "m-weg", "dropped", actor=ANNA)
    assert waiting(rig, STALE) == [D(2027, 7, 3)]  # one timer for the two measures of one day

    rig.at(local(2027, 7, 2)).sweep()
    assert received(smtp_handler, STALE) == {}  # 179 days: not yet
    rig.at(local(2027, 7, 3)).sweep()

    mails = received(smtp_handler, STALE)
    assert set(mails) == {ANNA, JOHN}
    [german] = mails[ANNA]
    assert german["Subject"] == "2 Maßnahmen ohne neuen Stand (Erfurt)"
    text, html, _ = parts(german)
    assert ("  - PV auf Schuldächern (m-pv): geplant seit dem 04.01.2027, seit 180 Tagen; zuständig: Hochbauamt\n"
            f"    zyklus measure status {AGS} m-pv STAND --as {ANNA}\n") in text
    assert f"zyklus measure status {AGS} m-rad STAND --as {ANNA}" in text
    assert "m-alt" not in text and "m-weg" not in text
    assert "<strong>04.01.2027</strong>" in html
    assert "planned since 4 January 2027, for 180 days" in parts(mails[JOHN][0])[0]
    assert waiting(rig, STALE) == [D(2027, 12, 30)]  # still unchanged after another 180 days: again

    smtp_handler.received.clear()
    rig.at(local(2029, 6, 1)).sweep()  # after a long downtime: one mail, still without the done one
    [late] = received(smtp_handler, STALE)[ANNA]
    assert "seit 879 Tagen" in parts(late)[0] and "m-alt" not in parts(late)[0] and "m-weg" not in parts(late)[0]


def test_a_status_change_moves_the_reminder(rig: Rig, smtp_handler: ScriptedHandler) -> None:
    plan = programme(rig)
    plan.add_measure(AGS, "m-pv", title="PV auf Schuldächern", theme_field="Klima", actor=ANNA)
    rig.at(local(2027, 5, 1, 10))
    plan.set_measure_status(AGS, "m-pv", "in_progress", actor=ANNA)
    assert waiting(rig, STALE) == [D(2027, 10, 28)]

    rig.at(local(2027, 7, 3)).sweep()
    assert received(smtp_handler, STALE) == {}  # it changed meanwhile

    rig.at(local(2027, 10, 28)).sweep()
    [mail] = received(smtp_handler, STALE)[ANNA]
    assert "PV auf Schuldächern (m-pv): in Umsetzung seit dem 01.05.2027, seit 180 Tagen" in parts(mail)[0]

    rig.at(local(2027, 11, 1, 10))
    plan.set_measure_status(AGS, "m-pv", "done", actor=ANNA)
    assert waiting(rig, STALE) == []  # done: nothing more to ask


def test_measures_of_one_day_change_apart(rig: Rig, smtp_handler: ScriptedHandler) -> None:
    """Two measures share a reminder day; one of them changes: the day stays for the other, and
    its mail lists only that one."""
    plan = programme(rig)
    plan.add_measure(AGS, "m-pv", title="PV auf Schuldächern", theme_field="Klima", actor=ANNA)
    plan.add_measure(AGS, "m-rad", title="Radwegenetz", theme_field="Mobilität", actor=ANNA)
    rig.at(local(2027, 3, 1, 10))
    plan.set_measure_status(AGS, "m-rad", "delayed", note="Fördermittel fehlen", actor=ANNA)
    assert waiting(rig, STALE) == [D(2027, 7, 3), D(2027, 8, 28)]

    rig.at(local(2027, 7, 3)).sweep()

    [mail] = received(smtp_handler, STALE)[ANNA]
    assert mail["Subject"] == "1 Maßnahme ohne neuen Stand (Erfurt)"
    assert "m-pv" in parts(mail)[0] and "m-rad" not in parts(mail)[0]


# --- concurrency, cycles, rules ------------------------------------------------------------------------------


def test_two_sweeps_at_once_send_one_mail(make_rig: MakeRig, rig: Rig, smtp_handler: ScriptedHandler,
                                          tmp_path: Path) -> None:
    plan = programme(rig)
    plan.adopt(AGS, ["thg-haushalte", "ee-strom-anteil"], actor=ANNA)
    plan.add_measure(AGS, "m-pv", title="PV auf Schuldächern", theme_field="Klima", actor=ANNA)
    smtp_handler.received.clear()
    moment = local(2027, 7, 3, 9)  # the values' reminders (after downtime) and the measure's, all due
    workers = [make_rig(rig.settings, moment), make_rig(rig.settings, moment)]

    race(workers)

    for kind in (VALUES, STALE):
        mails = received(smtp_handler, kind)
        assert Counter({to: len(m) for to, m in mails.items()}) == Counter({ANNA: 1, JOHN: 1}), kind
    # after downtime the reminder of the 31st supersedes the one of the 17th: one mail, not two
    assert sorted(t.outcome for t in rig.timers(kind=VALUES) if t.claimed_at) == ["queued", "superseded"]
    [values] = received(smtp_handler, VALUES)[ANNA]
    assert "Fällig seit dem 31.03.2027:" in parts(values)[0]


def test_a_completed_cycle_has_none_and_the_next_one_inherits_them(
        make_rig: MakeRig, smtp_port: int, tmp_path: Path) -> None:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), local(2027, 1, 4, 9))
    setup_municipality(rig.service)  # gnk-thueringen: evaluation restarts the cycle at once
    plan = programme(rig)
    plan.adopt(AGS, ["thg-haushalte"], actor=COORDINATOR)
    plan.add_measure(AGS, "m-pv", title="PV auf Schuldächern", theme_field="Klima", actor=COORDINATOR)
    plan.add_measure(AGS, "m-alt", title="Altes Projekt", theme_field="Klima", actor=COORDINATOR)
    plan.set_measure_status(AGS, "m-alt", "done", actor=COORDINATOR)
    [first] = {t.cycle_id for t in rig.timers(kind=VALUES)}

    on = drive_to(rig.service, "evaluation") + dt.timedelta(days=30)
    rig.at(local(on.year, on.month, on.day, 10))
    record_phase(rig.service, "evaluation", on=on)
    rig.service.advance(AGS, actor=COORDINATOR, on=on)  # cycle 1 completes, cycle 2 begins

    assert [t for t in rig.timers(claimed_at=None) if t.cycle_id == first and t.kind in (VALUES, STALE)] == []
    second = [t for t in rig.timers(claimed_at=None) if t.cycle_id != first]
    # the carried indicator asks for 2027's value next March; the carried open measure (unchanged
    # since 4 January) is reminded after its second span; the done one stayed behind
    assert sorted(t.fire_on for t in second if t.kind == VALUES) == [D(2028, 3, 17), D(2028, 3, 31)]
    assert [t.fire_on for t in second if t.kind == STALE] == [D(2027, 12, 30)]


def write_variant(folder: Path, monitoring: str) -> None:
    folder.mkdir(exist_ok=True)
    header = 'schema = 1\nname = "kommune-eng"\nextends = "kommune"\nlabel = "Eng begleitet"\n'
    (folder / "kommune-eng.toml").write_text(f"{header}\n[monitoring]\n{monitoring}\n", encoding="utf-8")


def test_a_variant_sets_its_own_rules_and_a_migration_replans_by_new_ones(
        database_url: str, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    write_variant(folder, 'values_due_before = ["P30D"]\nstale_measures_after = "P3M"\nroles = ["core_team"]')
    rig = build_rig(database_url, FixedClock(local(2027, 1, 4, 9)),
                    make_settings(tmp_path, smtp_port=smtp_port, general={"workflow_dirs": [str(folder)]}))
    try:
        add_erfurt(rig.service, workflow="kommune-eng", on=START)
        plan_ = programme(rig)
        plan_.adopt(AGS, ["thg-haushalte"], actor=ANNA)
        plan_.add_measure(AGS, "m-pv", title="PV auf Schuldächern", theme_field="Klima", actor=ANNA)
        assert waiting(rig, VALUES) == [D(2027, 3, 1)]  # only 30 days before
        assert waiting(rig, STALE) == [D(2027, 4, 4)]  # three months
        smtp_handler.received.clear()

        rig.at(local(2027, 3, 1)).sweep()

        # the core team, which the coordinators count in; never the mayor's office
        assert set(received(smtp_handler, VALUES)) == {ANNA, JOHN, KAI} and OLGA not in by_recipient(smtp_handler)

        # the administrator changes the rules; migrating the running cycle re-plans by the new ones
        write_variant(folder, 'values_due_before = ["P7D"]\nstale_measures_after = "P1M"')
        apply(rig.service, migration_plan(rig.service, "kommune-eng", CURRENT, ags=AGS), actor="it@erfurt.de")
        assert waiting(rig, VALUES) == [D(2027, 3, 24)]
        assert waiting(rig, STALE) == [D(2027, 3, 4)]
    finally:
        rig.service.engine.dispose()
