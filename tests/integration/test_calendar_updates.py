"""Calendar entries in the mails a real SMTP server received, parsed with `icalendar`: a deadline
arrives as METHOD:REQUEST from the configured sender (ORGANIZER), a moved deadline as a REQUEST
with the same UID and a higher SEQUENCE, and a deadline that no longer applies — the phase was
completed before its due date, or the cycle migrated into another phase — as METHOD:CANCEL with
the same UID, STATUS:CANCELLED and a SEQUENCE above both, planned in the advance's own transaction
and sent only to the people who got the entry. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import email.message
from collections.abc import Callable

import icalendar
import pytest
from notification_support import DOMAIN, SENDER, Rig, by_recipient, local, make_settings
from smtp_server import ScriptedHandler

from engine_support import AGS, COORDINATOR, DEPUTY, NOW, record_phase, setup_municipality

MakeRig = Callable[..., Rig]
UID = f"zyklus-{AGS}-1-application@{DOMAIN}"
COORDINATORS = {COORDINATOR, DEPUTY}


def calendar_of(message: email.message.EmailMessage) -> tuple[str, icalendar.Event, str]:
    """(the calendar's METHOD, its one event, the MIME part's method parameter)."""
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event, part.get_param("method")


def entries(handler: ScriptedHandler, recipient: str) -> list[tuple[str, icalendar.Event, str]]:
    return [calendar_of(m) for m in by_recipient(handler).get(recipient, [])
            if any(p.get_content_type() == "text/calendar" for p in m.iter_attachments())
            and str(calendar_of(m)[1]["UID"]) == UID]


@pytest.fixture
def rig(make_rig: MakeRig, smtp_port: int, tmp_path) -> Rig:
    """Erfurt on gnk-thueringen from 04.01.2027; the first phase is due on 05.04.2027."""
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), NOW)
    setup_municipality(rig.service)
    return rig


def test_request_then_moved_request_then_cancel_share_the_uid_with_rising_sequence(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    rig.at(local(2027, 1, 4, 9)).sweep()  # "the phase begins", with the deadline
    rig.service.set_deadline(AGS, "2027-04-30", actor=COORDINATOR, reason="Ratssitzung verschoben")
    rig.at(local(2027, 3, 31)).sweep()  # 30 days before the moved deadline

    rig.at(local(2027, 4, 1, 10))
    record_phase(rig.service, "application", on=dt.date(2027, 4, 1))
    rig.service.advance(AGS, actor=COORDINATOR, on=dt.date(2027, 4, 1))  # four weeks early
    # the cancellations are rows of the advance's transaction, before anything is sent
    assert {(r.recipient, r.status) for r in rig.outbox(kind="cancel")} == {(c, "pending") for c in COORDINATORS}
    rig.sweep()

    for coordinator in COORDINATORS:
        (first, start), (moved, update), (cancel, cancelled) = [
            ((method, param), event) for method, event, param in entries(smtp_handler, coordinator)]
        assert first == moved == ("REQUEST", "REQUEST") and cancel == ("CANCEL", "CANCEL")
        assert {str(e["UID"]) for e in (start, update, cancelled)} == {UID}
        assert start["SEQUENCE"] < update["SEQUENCE"] < cancelled["SEQUENCE"]
        assert (start.start, update.start, cancelled.start) == (dt.date(2027, 4, 5), dt.date(2027, 4, 30),
                                                                dt.date(2027, 4, 30))
        assert cancelled["STATUS"] == "CANCELLED" and "STATUS" not in start
        for event in (start, update, cancelled):
            assert str(event["ORGANIZER"]) == f"mailto:{SENDER}"
            assert {str(a) for a in event.get("ATTENDEE")} == {f"mailto:{c}" for c in COORDINATORS}
    [mail] = [m for m in by_recipient(smtp_handler)[COORDINATOR] if m["Subject"].startswith("Kalender")]
    assert mail["Subject"] == "Kalendereintrag entfällt: Frist: Bewerbung und Teilnahmebeschluss am 30.04.2027 (Erfurt)"
    text = mail.get_body(("plain",)).get_content()
    assert "die Phase „Bewerbung und Teilnahmebeschluss“ wurde vor diesem Datum abgeschlossen." in text
    # only the people who got the entry are told, once
    told = {rcpt for m in smtp_handler.received for rcpt in m.rcpt_tos if m.message["Subject"].startswith("Kalender")}
    assert told == COORDINATORS
    assert rig.at(local(2027, 4, 2)).sweep().queued == 0


def test_a_phase_completed_after_its_due_date_keeps_its_entry(rig: Rig, smtp_handler: ScriptedHandler) -> None:
    rig.at(local(2027, 1, 4, 9)).sweep()
    rig.at(local(2027, 4, 8, 10))
    record_phase(rig.service, "application", on=dt.date(2027, 4, 8))
    rig.service.advance(AGS, actor=COORDINATOR, on=dt.date(2027, 4, 8))  # three days late

    assert rig.outbox(kind="cancel") == []  # a deadline that passed stays in the calendar as it was


def test_a_cycle_migrated_into_another_phase_cancels_the_old_phases_entry(
        database_url: str, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path, engine_clock) -> None:
    """The administrator's new version drops the application phase; the running cycle is moved
    into the set-up phase, so the application deadline in the calendars no longer applies."""
    from engine.definitions.loader import Catalog
    from engine.migration import apply, plan
    from notification_support import build_rig

    engine_clock.moment = NOW
    rig = build_rig(database_url, engine_clock, make_settings(tmp_path, smtp_port=smtp_port))
    setup_municipality(rig.service)
    rig.at(local(2027, 1, 4, 9)).sweep()
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "gnk-thueringen.toml").write_text(
        'extends = "gnk-thueringen"\ninitial = "setup"\n[phases.application]\nremove = true\n'
        '[transitions.application_done]\nremove = true\n[facts.application]\nremove = true\n'
        '[facts.letter_of_intent]\nremove = true\n[facts.participation_resolution]\nremove = true\n',
        encoding="utf-8")
    rig.service.catalog = Catalog([folder])
    rig.at(local(2027, 2, 1, 10))

    apply(rig.service, plan(rig.service, "gnk-thueringen", "current", ags=AGS, mapping={"application": "setup"}))
    rig.sweep()

    for coordinator in COORDINATORS:
        (first, start), (cancel, cancelled) = [((m, p), e) for m, e, p in entries(smtp_handler, coordinator)]
        assert (first, cancel) == (("REQUEST", "REQUEST"), ("CANCEL", "CANCEL"))
        assert str(cancelled["UID"]) == str(start["UID"]) == UID
        assert cancelled["SEQUENCE"] > start["SEQUENCE"] and cancelled["STATUS"] == "CANCELLED"
    [mail] = [m for m in by_recipient(smtp_handler)[COORDINATOR] if m["Subject"].startswith("Kalender")]
    assert "auf eine neue Version des Ablaufs umgestellt, in der dieser Termin nicht mehr" in mail.get_body(("plain",)).get_content()
    rig.service.engine.dispose()


def test_the_calendar_export_matches_the_mails_and_leaves_out_what_was_cancelled(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    from notifications.calendar_export import export

    rig.at(local(2027, 1, 4, 9)).sweep()
    rig.service.set_deadline(AGS, "2027-04-30", actor=COORDINATOR, reason="Ratssitzung verschoben")
    rig.at(local(2027, 3, 31)).sweep()
    [(_, mailed, _)] = entries(smtp_handler, COORDINATOR)[-1:]
    exported = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(export(rig.service, AGS, DOMAIN, "de")).walk("VEVENT")}
    assert (exported[UID]["SEQUENCE"], exported[UID].start, str(exported[UID]["SUMMARY"])) == (
        mailed["SEQUENCE"], mailed.start, str(mailed["SUMMARY"]))

    record_phase(rig.service, "application", on=dt.date(2027, 3, 31))
    rig.service.advance(AGS, actor=COORDINATOR, on=dt.date(2027, 3, 31))
    rig.sweep()

    exported = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(export(rig.service, AGS, DOMAIN, "de")).walk("VEVENT")}
    assert UID not in exported  # cancelled by mail, so not offered for import either
    setup_uid = f"zyklus-{AGS}-1-setup@{DOMAIN}"
    [(_, entered, _)] = [calendar_of(m) for m in by_recipient(smtp_handler)[COORDINATOR]
                         if m["Subject"].startswith("Neue Phase: Aufbau")]
    assert (str(entered["UID"]), entered["SEQUENCE"], entered.start) == (
        setup_uid, exported[setup_uid]["SEQUENCE"], exported[setup_uid].start)
    assert sum("network_conference" in uid for uid in exported) == 4


def test_leaving_a_phase_early_also_cancels_its_upcoming_review(rig: Rig, smtp_handler: ScriptedHandler) -> None:
    """Implementation (entered 03.06.2027) has a quarterly review on 03.09.2027, announced on
    27.08.2027; the phase is completed on 30.08.2027, before both the review and the deadline."""
    from engine_support import drive_to

    drive_to(rig.service, "implementation")
    rig.at(local(2027, 6, 3, 9)).sweep()
    rig.at(local(2027, 8, 27)).sweep()
    review_uid = f"zyklus-{AGS}-1-quarterly_review-1@{DOMAIN}"
    deadline_uid = f"zyklus-{AGS}-1-implementation@{DOMAIN}"

    rig.at(local(2027, 8, 30, 10))
    record_phase(rig.service, "implementation", on=dt.date(2027, 8, 30))
    rig.service.advance(AGS, actor=COORDINATOR, on=dt.date(2027, 8, 30))
    rig.sweep()

    received: dict[str, list[tuple[str, icalendar.Event]]] = {}
    for message in by_recipient(smtp_handler)[COORDINATOR]:
        if any(p.get_content_type() == "text/calendar" for p in message.iter_attachments()):
            method, event, _ = calendar_of(message)
            received.setdefault(str(event["UID"]), []).append((method, event))
    review = received[review_uid]
    assert [m for m, _ in review] == ["REQUEST", "CANCEL"]
    assert review[1][1]["SEQUENCE"] > review[0][1]["SEQUENCE"] and review[1][1].start == dt.date(2027, 9, 3)
    assert [m for m, _ in received[deadline_uid]][-1] == "CANCEL"
    assert {t.rule for t in rig.timers(kind="cancel")} == {"cancel", "cancel:quarterly_review"}


def test_a_programme_date_the_new_version_drops_is_cancelled(
        database_url: str, smtp_port: int, smtp_handler: ScriptedHandler, tmp_path, engine_clock) -> None:
    """The first network conference (04.03.2027) was announced on 18.02.2027; the administrator's
    new version drops it, and the running cycle is migrated while staying in its phase."""
    from engine.definitions.loader import Catalog
    from engine.migration import apply, plan
    from notification_support import build_rig

    engine_clock.moment = NOW
    rig = build_rig(database_url, engine_clock, make_settings(tmp_path, smtp_port=smtp_port))
    setup_municipality(rig.service)
    rig.at(local(2027, 1, 4, 9)).sweep()
    rig.at(local(2027, 2, 18)).sweep()
    conference = f"zyklus-{AGS}-1-network_conference_1-1@{DOMAIN}"
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "gnk-thueringen.toml").write_text(
        'extends = "gnk-thueringen"\n[events.network_conference_1]\nremove = true\n', encoding="utf-8")
    rig.service.catalog = Catalog([folder])
    rig.at(local(2027, 2, 20, 10))

    apply(rig.service, plan(rig.service, "gnk-thueringen", "current", ags=AGS))
    rig.sweep()

    announced = [calendar_of(m) for m in by_recipient(smtp_handler)[COORDINATOR]
                 if m["Subject"].startswith(("Termin: 1. Netzwerktagung", "Kalendereintrag entfällt"))]
    assert [(method, str(event["UID"])) for method, event, _ in announced] == [
        ("REQUEST", conference), ("CANCEL", conference)]
    assert announced[1][1]["SEQUENCE"] > announced[0][1]["SEQUENCE"]
    [mail] = [m for m in by_recipient(smtp_handler)[COORDINATOR] if m["Subject"].startswith("Kalender")]
    assert mail["Subject"] == "Kalendereintrag entfällt: 1. Netzwerktagung am 04.03.2027 (Erfurt)"
    assert {t.phase for t in rig.timers(kind="cancel")} == {""}  # the deadline of the phase still applies
    rig.service.engine.dispose()


def test_a_phase_begin_mail_composed_after_a_moved_deadline_announces_the_moved_one(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    """Walkthrough #18: the deadline is moved before the first sweep sends "the phase begins".
    That mail is composed after the move, so it names the moved date and carries the entry that
    `zyklus calendar` has (same SEQUENCE), not the one planned when the phase was entered."""
    from notifications.calendar_export import export

    rig.service.set_deadline(AGS, "2027-04-30", actor=COORDINATOR, reason="Ratssitzung später")
    rig.at(local(2027, 1, 4, 9, 5)).sweep()

    [mail] = [m for m in by_recipient(smtp_handler)[COORDINATOR] if m["Subject"].startswith("Neue Phase")]
    text = mail.get_body(("plain",)).get_content()
    assert "30.04.2027" in text and "05.04.2027" not in text
    method, mailed, _ = calendar_of(mail)
    exported = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(export(rig.service, AGS, DOMAIN, "de")).walk("VEVENT")}
    assert method == "REQUEST"
    assert (mailed.start, mailed["SEQUENCE"]) == (exported[UID].start, exported[UID]["SEQUENCE"]) == (
        dt.date(2027, 4, 30), 1)
