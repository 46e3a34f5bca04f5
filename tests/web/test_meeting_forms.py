"""The municipality page's meetings: a coordinator plans a steering-group meeting with the form
(its invitations wait in the outbox), records the attendance once the day has come, and a form
with a day that does not exist or an empty place answers with its error at that field and keeps
what was typed; an agenda typed over several lines (CRLF from the browser) is stored with LF."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from engine_support import cheap_password_hasher, AGS, COORDINATOR, NOW, setup_municipality
from fastapi.testclient import TestClient

from engine.clock import FixedClock
from notifications.tables import Outbox
from sqlmodel import Session, select
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings
from zyklus.web.app import create_app

PASSWORD = "Nachhaltig-2027"
SECRET = "web-tests-secret-key-0123456789abcdef"


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return html.unescape(found[1])


@pytest.fixture
def client(database_url: str) -> Iterator[tuple[TestClient, object, FixedClock]]:
    clock = FixedClock(NOW)
    door = bootstrap(load_settings(lang="de"), clock, db_url=database_url, require_schema=False,
                     password_hasher=cheap_password_hasher())
    door.service.init_db()
    setup_municipality(door.service)
    issued = door.accounts.issue_link(COORDINATOR)
    assert issued is not None
    door.accounts.set_password(issued.token, PASSWORD)
    with TestClient(create_app(door, door.settings, SECRET)) as http:
        token = csrf_of(http.get("/anmelden").text)
        assert http.post("/anmelden", data={"csrf": token, "email": COORDINATOR, "password": PASSWORD, "next": "/"},
                         follow_redirects=False).status_code == 303
        yield http, door, clock
    door.close()


def plan(http: TestClient, starts_at: str, place: str, agenda: str = "1. Leitlinien",
         group: str = "steering_group"):  # noqa: ANN201
    token = csrf_of(http.get(f"/kommunen/{AGS}").text)
    return http.post(f"/kommunen/{AGS}/sitzungen", follow_redirects=False,
                     data={"csrf": token, "group": group, "starts_at": starts_at, "place": place, "agenda": agenda})


def test_plan_a_meeting_and_record_its_attendance(client) -> None:  # noqa: ANN001
    http, door, _clock = client  # 04.01.2027, 09:00 in Erfurt
    assert plan(http, "2027-01-04T08:00", "Rathaus, Raum 101").status_code == 303  # this morning
    assert plan(http, "2027-01-05T17:00", "Kaisersaal").status_code == 303  # tomorrow
    with Session(door.service.engine) as session:
        invited = session.exec(select(Outbox.recipient).where(Outbox.kind == "meeting")).all()
    assert len(invited) == 2 * 15  # the whole steering group, coordinators and core team included
    page = http.get(f"/kommunen/{AGS}").text
    assert "04.01.2027 08:00" in page and "05.01.2027 17:00" in page and "Kaisersaal" in page
    [this_morning, _tomorrow] = door.meetings.list(AGS)
    # each meeting links to its page; attendance only for the meeting whose day has come
    assert re.findall(r'href="/kommunen/[0-9]+/sitzungen/([0-9]+)"', page) == [str(this_morning.id), str(_tomorrow.id)]
    assert re.findall(r"/sitzungen/([0-9]+)#teilnahme", page) == [str(this_morning.id)]
    answer = http.post(f"/kommunen/{AGS}/sitzungen/{this_morning.id}/teilnahme", follow_redirects=False,
                       data={"csrf": csrf_of(page), "count": "19"})
    assert answer.status_code == 303 and answer.headers["location"].startswith(f"/kommunen/{AGS}/sitzungen/")
    held = door.meetings.get(this_morning.id)
    assert (held.status, held.attendance) == ("held", 19)


def test_a_day_that_does_not_exist_is_shown_beside_the_form(client) -> None:  # noqa: ANN001
    http, door, _clock = client
    token = csrf_of(http.get(f"/kommunen/{AGS}").text)
    answer = http.post(f"/kommunen/{AGS}/sitzungen",
                       data={"csrf": token, "group": "steering_group", "starts_at": "2027-02-30T17:00",
                             "place": "Rathaus", "agenda": "Leitlinien"})
    assert answer.status_code == 422
    assert 'id="meeting-error" role="alert"' in answer.text and "2027-02-30T17:00" in answer.text
    assert 'value="Rathaus"' in answer.text
    assert door.meetings.list(AGS) == []


def test_a_time_the_change_to_summer_time_skips_is_shown_beside_the_form(client) -> None:  # noqa: ANN001
    """Walkthrough #30: 02:30 on 28.03.2027 does not exist in Europe/Berlin; refused, not moved."""
    http, door, _clock = client
    token = csrf_of(http.get(f"/kommunen/{AGS}").text)
    answer = http.post(f"/kommunen/{AGS}/sitzungen",
                       data={"csrf": token, "group": "steering_group", "starts_at": "2027-03-28T02:30",
                             "place": "Rathaus", "agenda": "Leitlinien"})
    assert answer.status_code == 422
    assert 'id="meeting-error" role="alert"' in answer.text
    assert "02:30 gibt es am 28.03.2027 nicht (Umstellung auf Sommerzeit)." in answer.text
    assert door.meetings.list(AGS) == []


def test_an_empty_place_is_shown_at_the_place_and_a_multiline_agenda_is_kept(client) -> None:  # noqa: ANN001
    http, door, _clock = client
    answer = plan(http, "2027-03-01T17:00", " ", "1. Leitlinien\r\n2. Ziele")
    assert answer.status_code == 422
    assert re.search(r'id="meeting-error" role="alert">[^<]*Ort[^<]*</p>\s*<label for="meeting-place">', answer.text)
    assert 'name="place" required value=" " aria-invalid="true" aria-describedby="meeting-error"' in answer.text
    assert door.meetings.list(AGS) == []
    assert plan(http, "2027-03-02T17:00", "Rathaus", "1. Leitlinien\r\n2. Ziele", "core_team").status_code == 303
    assert door.meetings.list(AGS)[-1].agenda == "1. Leitlinien\n2. Ziele"
