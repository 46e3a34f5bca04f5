"""One broken reminder never stops the others: it is marked with its error, retried with backoff,
given up after the last attempt (visible to the operator, who can retry it), and every other
reminder of its batch is delivered — on SQLite and PostgreSQL, to a real SMTP server.

The fault is a real one: a municipality whose cycle runs on a definition version stored before
labels were checked, with a line break in a phase label. Running cycles keep their stored
version, so fixing the file does not help; the label would become a second header line of the
subject, and the renderer refuses it. That municipality's reminder sits in the middle of the
batch, with three towns' reminders before it and three after it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable

import pytest
from notification_support import Rig, by_recipient, local, make_settings, pin_a_stored_version_with_a_broken_label
from smtp_server import ScriptedHandler
from sqlalchemy import update
from sqlmodel import Session, select

from engine.clock import to_db
from engine.db.tables import Cycle, DefinitionVersion
from engine.definitions.model import Definition
from engine.migration import apply, plan
from notifications import timers
from notifications.tables import Timer

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

MakeRig = Callable[..., Rig]
T0 = local(2027, 1, 4, 9)
TOWNS = [(f"1605{i:04d}", f"Stadt {i}") for i in range(7)]
BROKEN = 3
"""The fourth of seven towns: its reminder is claimed in the middle of the batch."""
MAX_ATTEMPTS = 3


def coordinator(ags: str) -> str:
    return f"koordination@{ags}.example"


@pytest.fixture
def rig(make_rig: MakeRig, smtp_port: int, tmp_path) -> Rig:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port,
                                 mail={"max_attempts": MAX_ATTEMPTS, "retry_base_seconds": 300}), T0)
    for ags, name in TOWNS:
        rig.service.add_municipality(ags, name, state="TH", kind="stadt")
        rig.service.add_person(ags, name=f"Koordination {name}", email=coordinator(ags), roles=["coordination"])
        rig.service.start_cycle(ags, workflow="kommune", on=T0.date())
    pin_a_stored_version_with_a_broken_label(rig, TOWNS[BROKEN][0], stored_at=T0)
    return rig


def broken_timer(rig: Rig) -> Timer:
    [timer] = [t for t in rig.timers(kind="enter") if t.last_error]
    return timer


def test_a_failing_reminder_is_retried_with_backoff_then_failed_and_the_batch_goes_out(
        rig: Rig, smtp_handler: ScriptedHandler, caplog: pytest.LogCaptureFixture) -> None:
    broken_ags = TOWNS[BROKEN][0]
    enter_ids = [t.id for t in rig.timers(kind="enter")]
    with caplog.at_level(logging.ERROR, logger="zyklus.sweep"):
        report = rig.sweep()

    # every other town's reminder went out, in the same sweep
    mails = by_recipient(smtp_handler)
    assert set(mails) == {coordinator(ags) for ags, _ in TOWNS} - {coordinator(broken_ags)}
    assert all(len(received) == 1 for received in mails.values())
    assert report.delivery == {"sent": 6, "retry": 0, "failed": 0}
    # the broken one was mid-batch, and it is marked with its error, due again after the backoff
    timer = broken_timer(rig)
    assert enter_ids.index(timer.id) == BROKEN
    assert (timer.attempts, timer.claimed_at, timer.outcome) == (1, None, None)
    assert timer.last_error.startswith("RenderFailed: phase_entered (de): HeaderInjectionError: subject of 'phase_entered' renders to more than one")
    assert timer.retry_at == to_db(T0) + dt.timedelta(seconds=300)
    [failure] = report.failures
    assert (failure["what"], failure["id"], failure["ags"], failure["attempts"]) == ("reminder", timer.id,
                                                                                     broken_ags, 1)
    assert rig.outbox(recipient=coordinator(broken_ags)) == []
    [logged] = caplog.records  # with its traceback, for whoever reads the log
    assert logged.name == "zyklus.sweep" and f"reminder #{timer.id} ({broken_ags}" in logged.getMessage()
    assert logged.exc_info is not None and logged.exc_info[0].__name__ == "RenderFailed"

    # before the backoff has passed, the sweep leaves it alone
    assert rig.at(T0 + dt.timedelta(minutes=4)).sweep().failures == []
    assert broken_timer(rig).attempts == 1
    # then it is tried again, and again with twice the wait, and given up after the last attempt
    rig.at(T0 + dt.timedelta(minutes=5)).sweep()
    assert (broken_timer(rig).attempts, broken_timer(rig).retry_at) == (
        2, to_db(T0 + dt.timedelta(minutes=5)) + dt.timedelta(seconds=600))
    report = rig.at(T0 + dt.timedelta(minutes=15)).sweep()
    timer = broken_timer(rig)
    assert (timer.attempts, timer.outcome, timer.retry_at) == (MAX_ATTEMPTS, "failed", None)
    assert timer.claimed_at is not None and report.failures[0]["retry_at"] is None
    assert rig.at(T0 + dt.timedelta(days=1)).sweep().failures == []  # given up: no sweep takes it
    assert broken_timer(rig).attempts == MAX_ATTEMPTS
    assert len(smtp_handler.received) == 6

    # the operator sees it ...
    [shown] = timers.failing(rig.service.engine, failed_only=True)
    assert (shown["id"], shown["ags"], shown["status"], shown["attempts"]) == (timer.id, broken_ags, "failed",
                                                                               MAX_ATTEMPTS)
    # ... moves the cycle off the broken stored version, retries, and the reminder goes out
    apply(rig.service, plan(rig.service, "kommune", "current", ags=broken_ags))
    timers.retry(rig.service.engine, timer.id)
    assert timers.failing(rig.service.engine) == []
    report = rig.at(T0 + dt.timedelta(days=1, minutes=5)).sweep()
    assert report.failures == [] and report.delivery["sent"] == 1
    [late] = by_recipient(smtp_handler)[coordinator(broken_ags)]
    assert late["Subject"] == "Neue Phase: Aufbau der Arbeitsstrukturen (Stadt 3)"
    assert [t.outcome for t in rig.timers(id=timer.id)] == ["queued"]


# --- the restart of one cycle -------------------------------------------------------------------------


def test_a_restart_that_fails_leaves_the_other_towns_next_cycles_and_is_tried_again(
        database_url: str, tmp_path, engine_clock) -> None:
    """Three towns complete their first cycle; the next begins two years after the first began.
    The middle town's cycle runs on a stored version whose file is gone and whose restart names a
    phase that version does not have (stored before that check existed)."""
    from engine_support import COORDINATOR, PHASES, START, record_phase, setup_municipality
    from notification_support import build_rig

    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "zweijahre.toml").write_text(
        'name = "zweijahre"\nextends = "kommune"\n[restart]\nphase = "strategy"\n'
        'anchor = "previous_start"\nafter = "P2Y"\n', encoding="utf-8")
    engine_clock.moment = local(2027, 1, 4, 9)
    rig = build_rig(database_url, engine_clock, make_settings(tmp_path, general={"workflow_dirs": [str(folder)]}))
    towns = [f"1605{i:04d}" for i in range(3)]
    for ags in towns:
        setup_municipality(rig.service, ags, f"Stadt {ags}", start=False)
        rig.service.start_cycle(ags, workflow="zweijahre", on=START)
        on = START
        for phase in PHASES[1:]:
            on += dt.timedelta(days=30)
            record_phase(rig.service, phase, ags=ags, on=on)
            rig.service.advance(ags, actor=COORDINATOR, on=on)
    with Session(rig.service.engine) as session:
        cycle = session.exec(select(Cycle).where(Cycle.number == 1).order_by(Cycle.id)).all()[1]
        body = json.loads(session.get(DefinitionVersion, cycle.definition_id).body)
        body.update(name="verwaist", extends=None)
        body["restart"]["phase"] = "revision"
        orphan = Definition.from_stored(body)
        row = DefinitionVersion(variant="verwaist", version=orphan.version, body=orphan.canonical_json,
                                created_at=to_db(T0))
        session.add(row)
        session.flush()
        session.execute(update(Cycle).where(Cycle.id == cycle.id).values(definition_id=row.id))
        session.commit()

    report = rig.at(local(2029, 1, 4, 7)).sweep(deliver=False)

    assert report.restarted == [(towns[0], 2), (towns[2], 2)]
    [failure] = report.failures
    assert (failure["what"], failure["ags"], failure["error"]) == ("restart", towns[1], "KeyError: 'revision'")
    assert rig.service.status(towns[1])["cycle_status"] == "completed"  # nothing of the attempt was kept
    assert [c["number"] for c in rig.service.cycles(towns[1])] == [1]
    again = rig.at(local(2029, 1, 4, 7, 5)).sweep(deliver=False)
    assert again.restarted == [] and [f["ags"] for f in again.failures] == [towns[1]]
    rig.service.engine.dispose()


# --- one recipient's digest ------------------------------------------------------------------------------


def test_a_digest_that_cannot_be_built_leaves_the_others_and_loses_no_mail(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path) -> None:
    """Anna (German) and John (English) take the digest for both towns. The administrator's English
    digest text divides by zero, so John's collection cannot be rendered; Anna's must not suffer,
    and John must still get every mail of his day (one by one, each rendered when it was due)."""
    from notification_support import ANNA, JOHN, OTHER_AGS, add_erfurt

    templates = tmp_path / "templates"
    (templates / "en").mkdir(parents=True)
    (templates / "en" / "digest.txt.j2").write_text("{{ items|length // 0 }}\n", encoding="utf-8")
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port, general={"template_dir": str(templates)}),
                   local(2026, 12, 15, 9))
    for ags, name in ((TOWNS[0][0], "Erfurt"), (OTHER_AGS, "Weimar")):
        add_erfurt(rig.service, ags=ags, name=name, on=dt.date(2026, 12, 15), people=(ANNA, JOHN),
                   digest_for=(ANNA, JOHN))
    rig.sweep()
    assert {r.status for r in rig.outbox()} == {"held"}

    report = rig.at(local(2026, 12, 16)).sweep()

    mails = by_recipient(smtp_handler)
    [digest] = mails[ANNA]
    assert digest["Subject"] == "Ihre Übersicht vom 16.12.2026: 2 Benachrichtigungen"
    wanted = {r.subject for r in rig.outbox(recipient=JOHN, kind="enter")}
    received = " ".join(m["Subject"] + m.get_body(("plain",)).get_content() for m in mails[JOHN])
    assert len(wanted) == 2 and all(subject in received for subject in wanted)  # nothing lost
    assert "held" not in {r.status for r in rig.outbox()}
    for failure in report.failures:  # (a renderer that falls back to the shipped text sends the digest instead)
        assert (failure["what"], failure["recipient"], failure["mails"]) == ("digest", JOHN, 2)
        assert failure["error"] == "ZeroDivisionError: integer division or modulo by zero"
        assert len(mails[JOHN]) == 2 and {r.status for r in rig.outbox(recipient=JOHN)} == {"sent"}


def test_a_review_reminder_that_fails_still_plans_the_next_review(
        make_rig: MakeRig, smtp_port: int, tmp_path) -> None:
    """The quarterly review of the implementation phase (first on 03.09.2027, announced 27.08.2027)
    has a broken stored label; the next quarter's review is planned all the same."""
    from engine_support import AGS, NOW, drive_to, setup_municipality

    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), NOW)
    setup_municipality(rig.service)
    drive_to(rig.service, "implementation")
    pin_a_stored_version_with_a_broken_label(rig, AGS, stored_at=NOW,
                                             label=("phases", "implementation", "reviews", "quarterly_review", "label"))
    rig.at(local(2027, 6, 3, 9)).sweep()

    report = rig.at(local(2027, 8, 27)).sweep()

    assert [(f["kind"], f["attempts"]) for f in report.failures] == [("review", 1)]
    waiting = rig.timers(kind="review", label="quarterly_review", claimed_at=None)
    assert [(t.occurrence, t.fire_on) for t in waiting if not t.last_error] == [(2, dt.date(2027, 11, 26))]
