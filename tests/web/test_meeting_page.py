"""*Sitzung* through the browser's forms: the coordination changes a meeting (the members get an
update of their calendar entry), cancels it with a reason (the members get the cancellation,
saying why), records the attendance by name, the minutes and the results; every refusal comes
back with what was typed, the message at its field, and nothing written. The core team, the
steering group and the advisor read; another municipality's coordination gets the not-found page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS
from sqlmodel import Session, select
from web_support import (
    ADVISOR,
    CORE_TEAM,
    STEERING,
    WEIMAR_COORDINATOR,
    browser,
    csrf_of,
    post_form,
    signed_in,
)

from notifications.tables import Outbox
from zyklus.app import Application
from zyklus.app import commands as c
from zyklus.app.dto import MeetingDTO

CARLA = "carla.zustimmung@erfurt.de"


def plan(door: Application, starts_at: dt.datetime, place: str = "Rathaus, Raum 101") -> MeetingDTO:
    return door.meetings.add(c.AddMeeting(ags=AGS, actor=COORDINATOR, group="steering_group", starts_at=starts_at,
                                          place=place, agenda="1. Leitlinien\n2. Ziele"))


@pytest.fixture
def today(door: Application) -> MeetingDTO:
    """A steering-group workshop this morning (the clock stands at 04.01.2027, 09:00 in Erfurt)."""
    return plan(door, dt.datetime(2027, 1, 4, 8, 0))


@pytest.fixture
def tomorrow(door: Application) -> MeetingDTO:
    return plan(door, dt.datetime(2027, 1, 5, 17, 0), place="Kaisersaal")


def page_of(meeting: MeetingDTO) -> str:
    return f"/kommunen/{AGS}/sitzungen/{meeting.id}"


def mails(door: Application, kind: str) -> list[Outbox]:
    with Session(door.service.engine) as session:
        return list(session.exec(select(Outbox).where(Outbox.kind == kind)))


def error_at(html: str, form: str, name: str) -> str:
    """The message tied to the field ``name`` of ``form``: the input points to it."""
    found = re.search(rf'<p class="error" id="{form}-{name}-error" role="alert">([^<]*)</p>', html)
    assert found, f"no error at {form}/{name}"
    assert f'aria-describedby="{form}-{name}-error"' in html or f'{form}-{name}-error"' in html
    return found[1]


def test_the_municipality_page_links_each_meeting_to_its_page(door: Application, today: MeetingDTO,
                                                             tomorrow: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    listing = client.get(f"/kommunen/{AGS}").text
    assert f'href="{page_of(today)}">04.01.2027 08:00</a>' in listing
    assert f'href="{page_of(today)}#teilnahme">Teilnahme erfassen</a>' in listing  # its day has come
    assert f'{page_of(tomorrow)}#teilnahme' not in listing
    page = client.get(page_of(today))
    assert page.status_code == 200
    html = page.text
    assert "Steuerungsgruppe am 04.01.2027" in html and "Rathaus, Raum 101" in html
    assert '<p class="text">1. Leitlinien\n2. Ziele</p>' in html
    assert "<dt>Eingeladen</dt><dd>15</dd>" in html  # the whole steering group, nesting included
    for action in ("aendern", "absagen", "teilnahme", "protokoll", "ergebnisse"):
        assert f'action="{page_of(today)}/{action}"' in html
    assert "Verlauf dieser Sitzung" in html and f"geplant – {COORDINATOR}" in html
    assert f'action="{page_of(tomorrow)}/teilnahme"' not in client.get(page_of(tomorrow)).text


def test_a_change_sends_an_update_and_keeps_the_agenda_lines(door: Application, tomorrow: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, page_of(tomorrow), f"{page_of(tomorrow)}/aendern",
                       {"starts_at": "2027-01-06T18:30", "duration": "90", "place": "Kaisersaal, oben",
                        "agenda": "1. Leitlinien\r\n2. Ziele\r\n3. Termine"})
    assert answer.status_code == 303 and answer.headers["location"].endswith("?erledigt=aendern#aendern")
    changed = door.meetings.get(tomorrow.id)
    assert (changed.starts_at.strftime("%d.%m.%Y %H:%M"), changed.duration_minutes, changed.place, changed.sequence) == (
        "06.01.2027 18:30", 90, "Kaisersaal, oben", 1)
    assert changed.agenda == "1. Leitlinien\n2. Ziele\n3. Termine"  # the browser's CRLF stored as LF
    updates = [row for row in mails(door, "meeting") if ":1:request:" in row.key]
    assert len(updates) == 15
    [entry] = [e for e in door.cycles.history(AGS) if e.details.get("action") == "changed"]
    assert entry.details["fields"] == ["agenda", "duration_minutes", "place", "starts_at"]
    assert "Sitzung geändert" in client.get(answer.headers["location"]).text


def test_the_form_sent_unchanged_is_refused_and_sends_nothing(door: Application, tomorrow: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    before = len(mails(door, "meeting"))
    answer = post_form(client, page_of(tomorrow), f"{page_of(tomorrow)}/aendern",
                       {"starts_at": "2027-01-05T17:00", "duration": "120", "place": "Kaisersaal",
                        "agenda": "1. Leitlinien\r\n2. Ziele"})
    assert answer.status_code == 422
    assert 'id="aendern-form-error" role="alert">' in answer.text and "Nichts zu ändern" in answer.text
    assert door.meetings.get(tomorrow.id).sequence == 0 and len(mails(door, "meeting")) == before


@pytest.mark.parametrize(("typed", "field", "says"), [
    ({"starts_at": "2027-02-30T17:00"}, "starts_at", "2027-02-30T17:00"),
    ({"starts_at": ""}, "starts_at", ""),
    ({"duration": "zwei Stunden"}, "duration", "zwei Stunden"),
    ({"duration": "0"}, "duration", "0"),
    ({"place": "   "}, "place", "Ort"),
    ({"agenda": ""}, "agenda", "Tagesordnung"),
])
def test_a_bad_change_is_shown_at_its_field_and_changes_nothing(door: Application, tomorrow: MeetingDTO,
                                                                typed: dict[str, str], field: str, says: str) -> None:
    client = signed_in(door, COORDINATOR)
    form = {"starts_at": "2027-01-06T18:30", "duration": "120", "place": "Kaisersaal", "agenda": "Neu", **typed}
    answer = post_form(client, page_of(tomorrow), f"{page_of(tomorrow)}/aendern", form)
    assert answer.status_code == 422
    assert says in error_at(answer.text, "aendern", field)
    assert 'aria-invalid="true"' in answer.text
    assert door.meetings.get(tomorrow.id) == tomorrow
    if field != "starts_at":
        assert 'value="2027-01-06T18:30"' in answer.text  # what was typed is kept


def test_a_cancellation_with_its_reason_reaches_the_members(door: Application, tomorrow: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, page_of(tomorrow), f"{page_of(tomorrow)}/absagen",
                       {"reason": "Der Kaisersaal ist gesperrt"})
    assert answer.status_code == 303
    cancelled = door.meetings.get(tomorrow.id)
    assert (cancelled.status, cancelled.cancel_reason, cancelled.sequence) == ("cancelled", "Der Kaisersaal ist gesperrt", 1)
    sent = mails(door, "meeting_cancel")
    assert len(sent) == 15 and all("Grund: Der Kaisersaal ist gesperrt" in row.text for row in sent)
    html = client.get(page_of(tomorrow)).text
    assert "<dt>Grund der Absage</dt><dd>Der Kaisersaal ist gesperrt</dd>" in html
    assert "/aendern" not in html and "/absagen" not in html  # a cancelled meeting is not changed again
    assert "abgesagt – anna.koordination@erfurt.de (Der Kaisersaal ist gesperrt)" in html


def test_a_cancellation_without_a_reason_is_refused_at_the_reason(door: Application, tomorrow: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, page_of(tomorrow), f"{page_of(tomorrow)}/absagen", {"reason": "  "})
    assert answer.status_code == 422
    assert "Grund der Absage darf nicht leer sein" in error_at(answer.text, "absagen", "reason")
    assert 'aria-describedby="cancel-hint absagen-reason-error"' in answer.text
    assert door.meetings.get(tomorrow.id).status == "planned" and mails(door, "meeting_cancel") == []


def test_attendance_by_name_names_only_who_consented(door: Application, today: MeetingDTO) -> None:
    door.service.add_person(AGS, name="Carla Zustimmung", email=CARLA, roles=["steering_group"], consent_publish=True)
    client = signed_in(door, COORDINATOR)
    html = client.get(page_of(today)).text
    assert f'name="people" value="{CARLA}"' in html and f'name="people" value="{COORDINATOR}"' in html
    answer = post_form(client, page_of(today), f"{page_of(today)}/teilnahme",
                       {"count": "12", "people": [CARLA, COORDINATOR]})
    assert answer.status_code == 303
    held = door.meetings.get(today.id)
    assert (held.status, held.attendance, held.attendees) == ("held", 12, ["Carla Zustimmung"])
    assert "<dd>12 (Carla Zustimmung)</dd>" in client.get(page_of(today)).text
    assert "/absagen" not in client.get(page_of(today)).text  # a held meeting cannot be cancelled


@pytest.mark.parametrize(("typed", "field", "says"), [
    ({"count": "1", "people": [CARLA, COORDINATOR]}, "count", "1"),
    ({"count": "viele"}, "count", "viele"),
    ({"count": "²"}, "count", "²"),  # a digit to str.isdigit, none to int(): it was a 500
    ({"count": "3", "people": ["niemand@erfurt.de"]}, "people", "niemand@erfurt.de"),
    ({"count": "3", "people": ["kein Name"]}, "people", "kein Name"),
])
def test_bad_attendance_is_shown_at_its_field_and_changes_nothing(door: Application, today: MeetingDTO,
                                                                  typed: dict[str, object], field: str,
                                                                  says: str) -> None:
    door.service.add_person(AGS, name="Carla Zustimmung", email=CARLA, roles=["steering_group"], consent_publish=True)
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, page_of(today), f"{page_of(today)}/teilnahme", typed)  # type: ignore[arg-type]
    assert answer.status_code == 422
    assert says in error_at(answer.text, "teilnahme", field)
    assert door.meetings.get(today.id).attendance is None
    if CARLA in typed.get("people", []):  # type: ignore[operator]
        assert f'value="{CARLA}" checked' in answer.text  # the ticks are kept


def test_attendance_before_the_day_is_refused(door: Application, tomorrow: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, page_of(tomorrow), f"{page_of(tomorrow)}/teilnahme", {"count": "5"})
    assert answer.status_code == 422 and "05.01.2027" in answer.text
    assert door.meetings.get(tomorrow.id).attendance is None


def test_minutes_and_results(door: Application, today: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    assert post_form(client, page_of(today), f"{page_of(today)}/protokoll",
                     {"minutes": "https://erfurt.de/gnk/protokoll-1.pdf"}).status_code == 303
    assert post_form(client, page_of(today), f"{page_of(today)}/ergebnisse",
                     {"results": "Leitlinien beschlossen\r\nZiele bis Juni"}).status_code == 303
    stored = door.meetings.get(today.id)
    assert (stored.minutes, stored.results) == ("https://erfurt.de/gnk/protokoll-1.pdf", "Leitlinien beschlossen\nZiele bis Juni")
    html = client.get(page_of(today)).text
    assert '<a href="https://erfurt.de/gnk/protokoll-1.pdf">' in html
    assert '<p class="text">Leitlinien beschlossen\nZiele bis Juni</p>' in html
    assert "Protokoll erfasst – anna.koordination@erfurt.de" in html


def test_a_file_reference_is_shown_as_text_never_as_a_link(door: Application, today: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    post_form(client, page_of(today), f"{page_of(today)}/protokoll", {"minutes": "javascript:alert(1)"})
    html = client.get(page_of(today)).text
    assert "javascript:alert(1)" in html and 'href="javascript' not in html


@pytest.mark.parametrize(("action", "typed", "field", "says"), [
    ("protokoll", {"minutes": ""}, "minutes", "Protokoll"),
    ("protokoll", {"minutes": "Akte\n61"}, "minutes", "Protokoll"),
    ("ergebnisse", {"results": " \r\n "}, "results", "Ergebnisse"),
    ("ergebnisse", {"results": "Punkt\x07"}, "results", "Ergebnisse"),
])
def test_bad_minutes_or_results_are_shown_at_their_field(door: Application, today: MeetingDTO, action: str,
                                                         typed: dict[str, str], field: str, says: str) -> None:
    client = signed_in(door, COORDINATOR)
    answer = post_form(client, page_of(today), f"{page_of(today)}/{action}", typed)
    assert answer.status_code == 422
    assert says in error_at(answer.text, action, field)
    assert door.meetings.get(today.id) == today


@pytest.mark.parametrize("reader", [CORE_TEAM, STEERING])
def test_the_working_structures_read_and_only_the_coordination_changes(door: Application, today: MeetingDTO,
                                                                       reader: str) -> None:
    client = signed_in(door, reader)
    html = client.get(page_of(today)).text
    assert "Rathaus, Raum 101" in html and "<form method=\"post\" action=\"/kommunen" not in html
    for action, data in (("aendern", {"starts_at": "2027-01-06T18:30", "duration": "120", "place": "Anderswo",
                                      "agenda": "x"}), ("absagen", {"reason": "x"}), ("teilnahme", {"count": "3"}),
                         ("protokoll", {"minutes": "x"}), ("ergebnisse", {"results": "x"})):
        refused = client.post(f"{page_of(today)}/{action}", data={"csrf": csrf_of(html), **data})
        assert refused.status_code == 403, action
    assert door.meetings.get(today.id) == today


def test_the_advisor_reads_in_english(door: Application, today: MeetingDTO) -> None:
    html = signed_in(door, ADVISOR).get(page_of(today)).text
    assert " on 2027-01-04</h2>" in html and "History of this meeting" in html and "/aendern" not in html


def test_another_municipalitys_coordination_gets_not_found(door: Application, today: MeetingDTO) -> None:
    client = signed_in(door, WEIMAR_COORDINATOR)
    assert client.get(page_of(today)).status_code == 404
    assert client.get(f"/kommunen/{OTHER_AGS}/sitzungen/{today.id}").status_code == 404  # not under Weimar either
    unknown = client.get(f"/kommunen/{OTHER_AGS}/sitzungen/999999")
    assert unknown.status_code == 404
    token = csrf_of(client.get(f"/kommunen/{OTHER_AGS}").text)
    for path in (page_of(today), f"/kommunen/{OTHER_AGS}/sitzungen/{today.id}"):
        answer = client.post(f"{path}/absagen", data={"csrf": token, "reason": "Sabotage"})
        assert answer.status_code == 404 and "Rathaus" not in answer.text
    assert door.meetings.get(today.id).status == "planned"


def test_a_form_without_its_csrf_value_is_refused(door: Application, today: MeetingDTO) -> None:
    client = signed_in(door, COORDINATOR)
    answer = client.post(f"{page_of(today)}/absagen", data={"reason": "Kein Token"})
    assert answer.status_code == 403
    forged = client.post(f"{page_of(today)}/absagen", data={"csrf": "gefälscht", "reason": "Falsches Token"})
    assert forged.status_code == 403
    assert door.meetings.get(today.id).status == "planned" and mails(door, "meeting_cancel") == []


def test_signed_out_the_page_asks_to_sign_in(door: Application, today: MeetingDTO) -> None:
    answer = browser(door).get(page_of(today))
    assert answer.status_code == 303 and answer.headers["location"].startswith("/anmelden?next=")
