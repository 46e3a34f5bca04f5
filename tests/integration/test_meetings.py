"""Meetings of the working structures as a coordinator plans them and the members receive them:
the invitation reaches every member of the structure (the coordinators sit in the steering group
too) over a real SMTP server with METHOD:REQUEST, a change as an update of the same entry (same
UID, higher SEQUENCE), a cancellation as METHOD:CANCEL; attendance names only people who
consented to publication and counts everyone; the strategy phase's workshop guards count held
steering-group meetings, the old `workshop` facts, and both together. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import icalendar
import pytest
from notification_support import SENDER, Rig, by_recipient, local, make_settings
from smtp_server import ScriptedHandler

from engine.errors import InvalidInput, PermissionDenied
from engine.meetings import Meetings
from engine_support import (AGS, COORDINATOR, STEERING_ONLY, Member, drive_to, record, setup_municipality,
                            structure)

MakeRig = Callable[..., Rig]
CORE = "kernteam0@erfurt.de"
PEOPLE = [*structure(), Member("Sigrid Steuerung", STEERING_ONLY, ("steering_group",))]
STEERING = {p.email for p in PEOPLE}  # every role nests into the steering group
CORE_TEAM = {p.email for p in PEOPLE if set(p.roles) & {"coordination", "core_team"}}


@pytest.fixture
def rig(make_rig: MakeRig, smtp_port: int, tmp_path) -> Rig:
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), local(2027, 1, 4, 9))
    setup_municipality(rig.service, people=PEOPLE)
    return rig


def meetings(rig: Rig) -> Meetings:
    return Meetings(rig.service)


def plan(rig: Rig, starts: dt.datetime, group: str = "steering_group", **changes: str):
    return meetings(rig).add(AGS, actor=COORDINATOR, group=group, starts_at=starts,
                             place=changes.get("place", "Rathaus, Raum 101"),
                             agenda=changes.get("agenda", "1. Leitlinien\n2. Ziele"))


def invitations(handler: ScriptedHandler, recipient: str) -> list[tuple[str, icalendar.Event]]:
    out = []
    for message in by_recipient(handler).get(recipient, []):
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                [event] = calendar.walk("VEVENT")
                if str(event["UID"]).startswith("zyklus-meeting-"):
                    out.append((str(calendar["METHOD"]), event))
    return out


def test_invitation_update_and_cancellation_reach_the_members_with_one_uid(
        rig: Rig, smtp_handler: ScriptedHandler) -> None:
    view = plan(rig, dt.datetime(2027, 5, 3, 17, 0))
    # the invitations are rows of the planning transaction, before anything is sent
    assert {(r.recipient, r.status) for r in rig.outbox(kind="meeting")} == {(e, "pending") for e in STEERING}
    rig.sweep()
    meetings(rig).change(view.meeting.id, actor=COORDINATOR, place="Kaisersaal")
    rig.sweep()
    meetings(rig).cancel(view.meeting.id, actor=COORDINATOR, reason="Der Saal ist wegen Wasserschadens gesperrt")
    rig.sweep()

    assert {rcpt for m in smtp_handler.received for rcpt in m.rcpt_tos} == STEERING
    for member in STEERING:
        (first, invite), (second, update), (third, cancel) = invitations(smtp_handler, member)
        assert (first, second, third) == ("REQUEST", "REQUEST", "CANCEL")
        assert len({str(e["UID"]) for e in (invite, update, cancel)}) == 1
        assert invite["SEQUENCE"] < update["SEQUENCE"] < cancel["SEQUENCE"]
        assert invite.start == dt.datetime(2027, 5, 3, 17, 0, tzinfo=invite.start.tzinfo)
        assert invite.start.utcoffset() == dt.timedelta(hours=2)  # summer time in Erfurt
        assert (str(invite["LOCATION"]), str(update["LOCATION"])) == ("Rathaus, Raum 101", "Kaisersaal")
        assert cancel["STATUS"] == "CANCELLED"
        assert str(invite["ORGANIZER"]) == f"mailto:{SENDER}"
    [mail, changed, cancelled] = by_recipient(smtp_handler)[STEERING_ONLY]
    assert mail["Subject"] == "Einladung: Sitzung „Steuerungsgruppe“ am 03.05.2027 um 17:00 (Erfurt)"
    text = mail.get_body(("plain",)).get_content()
    assert "Ort: Rathaus, Raum 101" in text and "1. Leitlinien\n2. Ziele" in text
    assert changed["Subject"].startswith("Geändert: ") and cancelled["Subject"].startswith("Abgesagt: ")
    assert "Grund: Der Saal ist wegen Wasserschadens gesperrt" in cancelled.get_body(("plain",)).get_content()
    assert "Grund:" not in text  # the invitation has no reason to give
    assert "/kommunen/" not in text  # no [web] public_url: no link into the web app


def test_a_core_team_meeting_invites_the_core_team_and_the_coordinators_only(rig: Rig) -> None:
    plan(rig, dt.datetime(2027, 5, 3, 9, 30), group="core_team")
    assert {r.recipient for r in rig.outbox(kind="meeting")} == CORE_TEAM


def test_attendance_names_only_who_consented_and_counts_everyone(rig: Rig) -> None:
    rig.service.add_person(AGS, name="Carla Zustimmung", email="carla@erfurt.de", roles=["steering_group"],
                           consent_publish=True)
    view = plan(rig, dt.datetime(2027, 2, 1, 17, 0))
    with pytest.raises(InvalidInput, match="erst am 01.02.2027"):  # before the day: not yet
        meetings(rig).attend(view.meeting.id, actor=COORDINATOR, count=19, people=["carla@erfurt.de"])
    rig.at(local(2027, 2, 1, 20))
    held = meetings(rig).attend(view.meeting.id, actor=COORDINATOR, count=19,
                                people=["carla@erfurt.de", STEERING_ONLY, CORE])
    assert (held.meeting.attendance, held.named_attendees, held.held) == (19, ("Carla Zustimmung",), True)
    with pytest.raises(InvalidInput, match="kleiner als die 3"):
        meetings(rig).attend(view.meeting.id, actor=COORDINATOR, count=2,
                             people=["carla@erfurt.de", STEERING_ONLY, CORE])
    assert meetings(rig).list(AGS)[0].meeting.attendance == 19  # the refused one changed nothing


def strategy(rig: Rig) -> None:
    """Erfurt in the strategy phase (entered 04.04.2027)."""
    drive_to(rig.service, "strategy")


def hold(rig: Rig, count: int, group: str = "steering_group") -> None:
    rig.at(local(2027, 4, 5, 9))
    ids = [plan(rig, dt.datetime(2027, 4, 10 + i, 17, 0), group=group).meeting.id for i in range(count)]
    rig.at(local(2027, 6, 1, 9))
    for meeting_id in ids:
        meetings(rig).attend(meeting_id, actor=COORDINATOR, count=17)


def unmet(rig: Rig) -> dict[str, int]:
    """The workshop guards still unmet, with what is missing, as `status` and the overview say."""
    one = {g["id"]: g["missing"] for g in rig.service.status(AGS)["unmet"] if g["id"].startswith("workshops")}
    [overview] = rig.service.status_all()
    assert {g["id"]: g["missing"] for g in overview["unmet"] if g["id"].startswith("workshops")} == one
    return one


def test_four_held_steering_group_meetings_satisfy_the_workshop_guards(rig: Rig) -> None:
    strategy(rig)
    assert unmet(rig) == {"workshops": 2, "workshops_usual": 4}
    hold(rig, 4)
    assert unmet(rig) == {}


def test_old_workshop_facts_still_count(rig: Rig) -> None:
    strategy(rig)
    for _ in range(4):
        record(rig.service, "workshop", on=dt.date(2027, 4, 20))
    assert unmet(rig) == {}


def test_facts_and_meetings_count_together(rig: Rig) -> None:
    strategy(rig)
    record(rig.service, "workshop", on=dt.date(2027, 4, 20))
    hold(rig, 2)
    assert unmet(rig) == {"workshops_usual": 1}
    record(rig.service, "workshop", on=dt.date(2027, 6, 1))
    assert unmet(rig) == {}


def test_core_team_planned_and_cancelled_meetings_do_not_count(rig: Rig) -> None:
    strategy(rig)
    hold(rig, 4, group="core_team")
    planned = plan(rig, dt.datetime(2027, 6, 10, 17, 0))  # not held yet
    cancelled = plan(rig, dt.datetime(2027, 6, 11, 17, 0))
    meetings(rig).cancel(cancelled.meeting.id, actor=COORDINATOR)
    assert planned.held is False
    assert unmet(rig) == {"workshops": 2, "workshops_usual": 4}


@pytest.mark.parametrize(("change", "expect"), [
    ({"group": "mayor_office"}, "Unbekannte Arbeitsstruktur 'mayor_office'"),
    ({"agenda": "1. Leitlinien\x1b[31m"}, "Tagesordnung darf keine"),
    ({"place": "Rathaus\nBcc: alle"}, "Ort darf keine"),
])
def test_bad_input_is_one_clear_line_and_writes_nothing(rig: Rig, change: dict[str, str], expect: str) -> None:
    values = {"group": "steering_group", "place": "Rathaus", "agenda": "1. Leitlinien", **change}
    with pytest.raises(InvalidInput) as refused:
        meetings(rig).add(AGS, actor=COORDINATOR, starts_at=dt.datetime(2027, 5, 3, 17), **values)
    assert expect in refused.value.render("de") and "\n" not in refused.value.render("de")
    assert meetings(rig).list(AGS) == [] and rig.outbox(kind="meeting") == []


def test_only_a_coordinator_plans_a_meeting(rig: Rig) -> None:
    with pytest.raises(PermissionDenied):
        meetings(rig).add(AGS, actor=STEERING_ONLY, group="steering_group", starts_at=dt.datetime(2027, 5, 3, 17),
                          place="Rathaus", agenda="Leitlinien")


def test_with_a_public_url_invitation_and_cancellation_link_to_the_meetings_page(make_rig: MakeRig,
                                                                                 tmp_path) -> None:
    rig = make_rig(make_settings(tmp_path, web={"public_url": "https://zyklus.erfurt.example/"}), local(2027, 1, 4, 9))
    setup_municipality(rig.service, people=PEOPLE)
    view = plan(rig, dt.datetime(2027, 5, 3, 17, 0))
    meetings(rig).cancel(view.meeting.id, actor=COORDINATOR)
    page = f"https://zyklus.erfurt.example/kommunen/{AGS}/sitzungen/{view.meeting.id}"
    rows = rig.outbox(kind="meeting") + rig.outbox(kind="meeting_cancel")
    assert len(rows) == 2 * len(STEERING)
    for row in rows:
        assert f"Die Sitzung in zyklus: {page}" in row.text and f'href="{page}"' in row.html


def test_an_edited_invitation_template_counts_without_a_restart(make_rig: MakeRig, tmp_path) -> None:
    """The invitations are written by a composer that lives as long as the process (the web app,
    `zyklus serve`): it looks the administrator's templates up afresh for every meeting, as a sweep does."""
    folder = tmp_path / "vorlagen"
    folder.mkdir()
    subject = folder / "meeting_invitation.subject.j2"
    subject.write_text("Erste Fassung: {{ group_label }}", encoding="utf-8")
    rig = make_rig(make_settings(tmp_path, general={"template_dir": str(folder)}), local(2027, 1, 4, 9))
    setup_municipality(rig.service, people=PEOPLE)
    plan(rig, dt.datetime(2027, 5, 3, 17, 0))
    subject.write_text("Zweite Fassung: {{ group_label }}", encoding="utf-8")
    later = subject.stat().st_mtime_ns + 10**9  # the edit a second later, whatever the file system's granularity
    os.utime(subject, ns=(later, later))

    plan(rig, dt.datetime(2027, 5, 10, 17, 0))

    assert sorted({r.subject for r in rig.outbox(kind="meeting")}) == ["Erste Fassung: Steuerungsgruppe",
                                                                       "Zweite Fassung: Steuerungsgruppe"]
