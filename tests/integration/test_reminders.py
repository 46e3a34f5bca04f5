"""Reminders of a running cycle, from the engine's events to a real SMTP server (aiosmtpd).

Each test builds the service with the reminder planner subscribed and a sweeper on a SQLite file
in tmp_path, and travels in time by moving a FixedClock: a sweep "at 07:00 on 1 March 2027" is
one call, never a wait.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from notification_support import (AGS, ANNA, DOMAIN, JOHN, KAI, OLGA, OTHER_AGS, SIGRID, Rig, add_erfurt,
                                  by_recipient, local, make_settings, parts, the_event)
from smtp_server import ScriptedHandler

from engine_support import COORDINATOR, NOW, drive_to, record_phase, setup_municipality
from engine.dates import Duration, add
from notifications.mail import message_id_for

MakeRig = Callable[..., Rig]
START = dt.date(2026, 12, 15)
"""With the generic workflow (first phase: three months) the deadline is Monday, 15.03.2027."""
DUE = dt.date(2027, 3, 15)
SETUP_UID = f"zyklus-{AGS}-1-setup@{DOMAIN}"


@pytest.fixture
def rig(make_rig: MakeRig, smtp_port: int, tmp_path) -> Rig:
    """Erfurt in the generic workflow, cycle started on 15.12.2026 at 09:00 local time."""
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), local(2026, 12, 15, 9))
    add_erfurt(rig.service, on=START)
    return rig


# --- content: recipients, language, dates, HTML, calendar -------------------------------------------


def test_phase_entered_mail_goes_to_the_coordinators_with_what_is_missing(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    report = rig.sweep()

    assert report.delivery == {"sent": 2, "retry": 0, "failed": 0}
    mails = by_recipient(smtp_handler)
    assert set(mails) == {ANNA, JOHN}  # coordination only: not the core team, mayor or steering group
    [german] = mails[ANNA]
    assert german["Subject"] == "Neue Phase: Aufbau der Arbeitsstrukturen (Erfurt)"
    assert german["From"] == "zyklus@erfurt.example" and german["To"] == ANNA
    assert german["Content-Language"] == "de"
    text, html, calendar = parts(german)
    assert text.startswith("Guten Tag Anna Koordination,")
    assert "Die Phase soll bis zum 15.03.2027 abgeschlossen sein." in text
    # what the phase still needs (the unmet guards) and the commands that meet them
    assert "Für den Abschluss der Phase sind folgende Voraussetzungen zu erfüllen:" in text
    assert f"zyklus record {AGS} public_information --as" in text
    assert "<strong>15.03.2027</strong>" in html and "<h1" in html
    event = the_event(calendar)
    assert str(event["UID"]) == SETUP_UID and event["SEQUENCE"] == 0
    assert event.start == DUE
    [english] = mails[JOHN]
    assert english["Subject"] == "New phase: Setting up working structures (Erfurt)"
    assert english["Content-Language"] == "en"
    assert parts(english)[0].startswith("Hello John Coordinator,")


def test_deadline_reminder_in_german_and_english_with_a_calendar_entry(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    rig.sweep()
    smtp_handler.received.clear()

    rig.at(local(2027, 3, 1)).sweep()  # 14 days before the deadline, 07:00

    mails = by_recipient(smtp_handler)
    assert set(mails) == {ANNA, JOHN}
    [german] = mails[ANNA]
    assert german["Subject"] == "Erinnerung: Aufbau der Arbeitsstrukturen – Frist am 15.03.2027 (Erfurt)"
    text, html, calendar = parts(german)
    assert "endet die Frist am 15.03.2027. Bis dahin bleiben noch 14 Tage." in text
    assert "Mit freundlichen Grüßen" in text
    assert "<strong>15.03.2027</strong>" in html
    event = the_event(calendar)
    assert (str(event["UID"]), event["SEQUENCE"], event.start) == (SETUP_UID, 0, DUE)
    assert str(event["SUMMARY"]) == "Frist: Aufbau der Arbeitsstrukturen (Erfurt)"
    [english] = mails[JOHN]
    assert english["Subject"] == "Reminder: Setting up working structures due on 2027-03-15 (Erfurt)"
    english_text, _, english_calendar = parts(english)
    assert "14 days remain" in english_text and "März" not in english_text
    english_event = the_event(english_calendar)
    assert str(english_event["UID"]) == SETUP_UID  # one calendar entry per deadline, whatever the language
    assert str(english_event["SUMMARY"]) == "Deadline: Setting up working structures (Erfurt)"
    # the Message-ID is derived from the outbox key
    row = rig.outbox(recipient=ANNA, kind="before")[0]
    assert german["Message-ID"] == row.message_id == message_id_for(row.key, DOMAIN)


def test_escalation_adds_core_team_and_mayor_office(rig: Rig, smtp_handler: ScriptedHandler) -> None:
    rig.sweep()
    rig.at(local(2027, 3, 22)).sweep()  # one week overdue: still only the coordinators
    assert Counter(r for m in smtp_handler.received[2:] for r in m.rcpt_tos) == Counter({ANNA: 1, JOHN: 1})
    assert by_recipient(smtp_handler)[ANNA][-1]["Subject"] == "Frist überschritten: Aufbau der Arbeitsstrukturen (Erfurt)"
    smtp_handler.received.clear()

    rig.at(local(2027, 3, 29)).sweep()  # 14 days overdue: escalation

    mails = by_recipient(smtp_handler)
    assert set(mails) == {ANNA, JOHN, KAI, OLGA}  # never the steering group alone
    assert SIGRID not in mails
    assert mails[KAI][0]["Subject"] == "Eskalation: Aufbau der Arbeitsstrukturen seit 14 Tagen überfällig (Erfurt)"
    assert mails[OLGA][0]["Subject"] == mails[KAI][0]["Subject"]
    assert "weil Sie als Ansprechperson für Eskalationen hinterlegt sind" in parts(mails[OLGA][0])[0]
    # the coordinators keep getting the overdue text, in their language
    assert mails[ANNA][0]["Subject"] == "Frist überschritten: Aufbau der Arbeitsstrukturen (Erfurt)"
    assert mails[JOHN][0]["Subject"] == "Deadline missed: Setting up working structures (Erfurt)"
    assert "14 days ago" in parts(mails[JOHN][0])[0]
    for messages in mails.values():
        assert the_event(parts(messages[0])[2]).start == DUE


# --- due dates on holidays and weekends ---------------------------------------------------------------


@pytest.mark.parametrize(("start", "catholic", "computed", "moved_to"), [
    (dt.date(2028, 7, 3), False, dt.date(2028, 10, 3), dt.date(2028, 10, 4)),  # Tag der Deutschen Einheit (Tue)
    (dt.date(2027, 3, 13), False, dt.date(2027, 6, 13), dt.date(2027, 6, 14)),  # a Sunday
    (dt.date(2026, 11, 30), False, dt.date(2027, 2, 28), dt.date(2027, 3, 1)),  # 30 Nov + 3 months, a Sunday
    (dt.date(2027, 2, 27), True, dt.date(2027, 5, 27), dt.date(2027, 5, 28)),  # Fronleichnam, Eichsfeld only
    (dt.date(2027, 2, 27), False, dt.date(2027, 5, 27), dt.date(2027, 5, 27)),  # ... a working day elsewhere
], ids=["3-october", "sunday", "month-end-sunday", "fronleichnam-catholic", "fronleichnam-elsewhere"])
def test_due_date_on_a_holiday_or_sunday_moves_to_the_next_working_day(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path,
        start: dt.date, catholic: bool, computed: dt.date, moved_to: dt.date) -> None:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), local(start.year, start.month, start.day, 9))
    add_erfurt(rig.service, on=start, people=(ANNA,), catholic=catholic)

    [cycle] = [rig.service.status(AGS)]
    assert dt.date.fromisoformat(cycle["due_on"]) == moved_to
    assert add(start, Duration(months=3)) == computed  # the phase's three months, before moving
    rig.sweep()
    reminder_day = moved_to - dt.timedelta(days=3)
    rig.at(local(reminder_day.year, reminder_day.month, reminder_day.day)).sweep()

    enter, before = by_recipient(smtp_handler)[ANNA]
    assert f"Frist am {moved_to:%d.%m.%Y}" in before["Subject"]
    assert the_event(parts(before)[2]).start == moved_to
    assert the_event(parts(enter)[2]).start == moved_to


# --- a changed deadline ---------------------------------------------------------------------------------


def test_changed_deadline_moves_the_calendar_entry_and_replaces_unsent_reminders(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    rig.sweep()
    rig.at(local(2027, 3, 1)).sweep()
    first = the_event(parts(by_recipient(smtp_handler)[ANNA][-1])[2])
    assert (first["SEQUENCE"], first.start) == (0, DUE)
    old_unclaimed = {t.rule for t in rig.timers(sequence=0, claimed_at=None)}
    assert {"before:P3D", "due", "overdue"} <= old_unclaimed

    rig.at(local(2027, 3, 2, 10))
    rig.service.set_deadline(AGS, "2027-04-15", actor=ANNA, reason="Ratssitzung verschoben")

    # the unsent reminders of the old deadline are gone; what was sent stays on record
    assert rig.timers(sequence=0, claimed_at=None) == []
    assert {t.rule for t in rig.timers(sequence=0)} == {"enter", "before:P30D", "before:P14D"}
    assert {(t.rule, t.fire_on) for t in rig.timers(sequence=1, kind="before")} == {
        ("before:P30D", dt.date(2027, 3, 16)), ("before:P14D", dt.date(2027, 4, 1)),
        ("before:P3D", dt.date(2027, 4, 12))}
    smtp_handler.received.clear()

    rig.at(local(2027, 3, 12)).sweep()  # the old 3-day reminder would have fired today
    assert smtp_handler.received == []
    rig.at(local(2027, 3, 16)).sweep()

    [moved] = by_recipient(smtp_handler)[ANNA]
    assert moved["Subject"] == "Erinnerung: Aufbau der Arbeitsstrukturen – Frist am 15.04.2027 (Erfurt)"
    event = the_event(parts(moved)[2])
    assert str(event["UID"]) == str(first["UID"]) == SETUP_UID
    assert event["SEQUENCE"] == 1 > first["SEQUENCE"]
    assert event.start == dt.date(2027, 4, 15)
    # a second change grows the SEQUENCE again
    rig.service.set_deadline(AGS, "2027-04-29", actor=JOHN, reason="Sondersitzung")
    rig.at(local(2027, 4, 15)).sweep()
    again = the_event(parts(by_recipient(smtp_handler)[ANNA][-1])[2])
    assert (str(again["UID"]), again["SEQUENCE"], again.start) == (SETUP_UID, 2, dt.date(2027, 4, 29))


# --- the digest ---------------------------------------------------------------------------------------------


def _two_towns(make_rig: MakeRig, tmp_path, smtp_port: int, moment: dt.datetime) -> Rig:
    """Anna (digest) and John coordinate both Erfurt and Weimar; both cycles run in step."""
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), moment)
    add_erfurt(rig.service, on=START, people=(ANNA, JOHN), digest_for=(ANNA,))
    add_erfurt(rig.service, on=START, people=(ANNA, JOHN), digest_for=(ANNA,), ags=OTHER_AGS, name="Weimar")
    return rig


def test_digest_collects_a_days_reminders_in_one_mail(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path) -> None:
    rig = _two_towns(make_rig, tmp_path, smtp_port, local(2026, 12, 15, 9))

    rig.sweep()  # the phase-entered mails of both towns
    assert {r: len(m) for r, m in by_recipient(smtp_handler).items()} == {JOHN: 2}  # Anna's wait
    assert {r.status for r in rig.outbox(recipient=ANNA)} == {"held"}
    rig.at(local(2026, 12, 15, 18)).sweep()
    assert ANNA not in by_recipient(smtp_handler)

    rig.at(local(2026, 12, 16)).sweep()  # next morning, 07:00

    [digest] = by_recipient(smtp_handler)[ANNA]
    assert digest["Subject"] == "Ihre Übersicht vom 16.12.2026: 2 Benachrichtigungen"
    text, html, _ = parts(digest)
    assert "Neue Phase: Aufbau der Arbeitsstrukturen (Erfurt)" in text
    assert "Neue Phase: Aufbau der Arbeitsstrukturen (Weimar)" in text
    assert html.count("<h2") == 2
    assert {r.status for r in rig.outbox(recipient=ANNA, kind="enter")} == {"digested"}

    smtp_handler.received.clear()
    rig.at(local(2027, 3, 1)).sweep()  # both towns' 14-day reminders on the same morning
    mails = by_recipient(smtp_handler)
    assert len(mails[JOHN]) == 2
    [digest] = mails[ANNA]
    assert digest["Subject"] == "Ihre Übersicht vom 01.03.2027: 2 Benachrichtigungen"
    assert "Frist am 15.03.2027 (Weimar)" in parts(digest)[0]


def test_digest_of_the_morning_reminders_goes_out_the_same_day(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path) -> None:
    """`zyklus serve` sweeps every few minutes, not exactly at 07:00:00: reminders that fell due at
    07:00 belong in that morning's digest, not in the next day's."""
    rig = _two_towns(make_rig, tmp_path, smtp_port, local(2026, 12, 15, 9))
    rig.sweep()
    rig.at(local(2026, 12, 16, 7, 4)).sweep()
    smtp_handler.received.clear()

    rig.at(local(2027, 3, 1, 7, 4)).sweep()

    [digest] = by_recipient(smtp_handler)[ANNA]
    assert digest["Subject"] == "Ihre Übersicht vom 01.03.2027: 2 Benachrichtigungen"
    rig.at(local(2027, 3, 1, 18)).sweep()
    assert len(by_recipient(smtp_handler)[ANNA]) == 1  # one mail per day


# --- catching up ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [200, 2])
def test_jumping_far_ahead_sends_one_mail_about_the_deadline(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path, batch_size: int) -> None:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port, mail={"batch_size": batch_size}),
                   local(2026, 12, 15, 9))
    add_erfurt(rig.service, on=START)
    rig.sweep()
    smtp_handler.received.clear()

    # the server was down from December to mid-April: 3 reminders before, 1 on the due date,
    # 4 overdue (3 of them escalating) all fell due in between
    report = rig.at(local(2027, 4, 12, 9)).sweep()

    assert report.claimed == 8
    mails = by_recipient(smtp_handler)
    assert Counter({r: len(m) for r, m in mails.items()}) == Counter({ANNA: 1, JOHN: 1, KAI: 1, OLGA: 1})
    assert "seit 28 Tagen" in mails[KAI][0]["Subject"]  # where things stand now, the latest reminder
    assert {t.outcome for t in rig.timers(kind="before")} | {t.outcome for t in rig.timers(kind="due")} == {"missed"}
    assert rig.sweep().queued == 0


# --- recurring reviews and programme events ---------------------------------------------------------------


def test_quarterly_review_rolls_forward_after_each_occurrence(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path) -> None:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), NOW)
    setup_municipality(rig.service)  # gnk-thueringen, started 04.01.2027
    entered = drive_to(rig.service, "implementation")
    assert entered == dt.date(2027, 6, 3)
    [first] = rig.timers(kind="review", label="quarterly_review")
    assert (first.occurrence, first.fire_on, first.due_on) == (1, dt.date(2027, 8, 27), dt.date(2027, 9, 3))
    rig.at(local(2027, 6, 3, 9)).sweep()
    smtp_handler.received.clear()

    rig.at(local(2027, 8, 27)).sweep()

    review = [m for m in by_recipient(smtp_handler)[COORDINATOR] if m["Subject"].startswith("Termin: Quartal")]
    assert [m["Subject"] for m in review] == [
        "Termin: Quartalsweise Überprüfung des Umsetzungsstands am 03.09.2027 (Erfurt)"]
    assert "Der Termin ist in 7 Tagen." in parts(review[0])[0]
    assert the_event(parts(review[0])[2]).start == dt.date(2027, 9, 3)
    second = [t for t in rig.timers(kind="review", label="quarterly_review") if t.claimed_at is None]
    assert [(t.occurrence, t.fire_on, t.due_on) for t in second] == [(2, dt.date(2027, 11, 26), dt.date(2027, 12, 3))]
    smtp_handler.received.clear()

    rig.at(local(2027, 11, 26)).sweep()

    assert [m["Subject"] for m in by_recipient(smtp_handler)[COORDINATOR]] == [
        "Termin: Quartalsweise Überprüfung des Umsetzungsstands am 03.12.2027 (Erfurt)"]
    assert [t.occurrence for t in rig.timers(kind="review", label="quarterly_review", claimed_at=None)] == [3]
    # the annual report is planned alongside, a year after the phase began
    assert [(t.rule, t.due_on) for t in rig.timers(kind="review", label="annual_monitoring")] == [
        ("review:annual_monitoring:P30D", dt.date(2028, 6, 3)), ("review:annual_monitoring:P7D", dt.date(2028, 6, 3))]


def test_reviews_catch_up_in_one_sweep_after_a_long_downtime(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path) -> None:
    """A year without sweeps: past review dates are not mailed, and the series continues with the
    next review still ahead at once, not one missed occurrence per sweep."""
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), NOW)
    setup_municipality(rig.service)
    drive_to(rig.service, "implementation")  # entered 03.06.2027: reviews on 3 Sep, 3 Dec, 3 Mar ...

    rig.at(local(2028, 5, 31)).sweep()

    subjects = [r.message["Subject"] for r in smtp_handler.received]
    assert not any("Quartal" in s for s in subjects)  # 3 Sep, 3 Dec and 3 Mar are past
    annual = [r.rcpt_tos for r in smtp_handler.received if "Monitoringbericht am 03.06.2028" in r.message["Subject"]]
    assert len(annual) == len(set(annual)) == 6  # 3 days ahead: one mail to each of coordination and core team
    pending = rig.timers(kind="review", label="quarterly_review", claimed_at=None)
    assert [(t.occurrence, t.due_on) for t in pending] == [(4, dt.date(2028, 6, 3))]
    smtp_handler.received.clear()

    rig.sweep()  # the next sweep reminds of the review still ahead, and plans the one after

    assert {r.message["Subject"] for r in smtp_handler.received} == {
        "Termin: Quartalsweise Überprüfung des Umsetzungsstands am 03.06.2028 (Erfurt)"}
    pending = rig.timers(kind="review", label="quarterly_review", claimed_at=None)
    assert [(t.occurrence, t.due_on) for t in pending] == [(5, dt.date(2028, 9, 3))]


def test_network_conferences_are_reminded_in_the_first_cycle_only(
        make_rig: MakeRig, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path) -> None:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), NOW)
    setup_municipality(rig.service)
    events = rig.timers(kind="event")
    assert sorted({(t.label, t.due_on) for t in events}) == [
        ("network_conference_1", dt.date(2027, 3, 4)), ("network_conference_2", dt.date(2027, 9, 4)),
        ("network_conference_3", dt.date(2028, 3, 4)), ("network_conference_4", dt.date(2028, 9, 4))]
    rig.sweep()
    smtp_handler.received.clear()

    rig.at(local(2027, 2, 18)).sweep()  # 14 days before the first conference

    [mail] = by_recipient(smtp_handler)[COORDINATOR]
    assert mail["Subject"] == "Termin: 1. Netzwerktagung am 04.03.2027 (Erfurt)"
    event = the_event(parts(mail)[2])
    assert str(event["UID"]) == f"zyklus-{AGS}-1-network_conference_1-1@{DOMAIN}"
    assert event.start == dt.date(2027, 3, 4)

    # complete the first cycle; the second begins at once (strategy revision) without conferences
    on = drive_to(rig.service, "evaluation") + dt.timedelta(days=30)
    record_phase(rig.service, "evaluation", on=on)
    rig.service.advance(AGS, actor=COORDINATOR, on=on)
    second = [t for t in rig.timers() if t.cycle_id != events[0].cycle_id]
    assert second and not [t for t in second if t.kind == "event"]
    assert "cycle_started" in {t.kind for t in second}
    assert rig.timers(kind="event", claimed_at=None) == []  # the first cycle's are dropped
