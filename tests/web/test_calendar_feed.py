"""*Kalender*: the personal feed behind an unguessable token; a new token ends the old URL, the
feed holds only what the person may read, and icalendar escapes what people typed."""

from __future__ import annotations

import re

from engine_support import AGS, COORDINATOR, OTHER_AGS
from icalendar import Calendar
from sqlmodel import Session, select
from web_support import browser, csrf_of, signed_in

from engine.db.tables import Municipality
from zyklus.app import Application

_FEED = re.compile(r"https?://[^/\s<]+(/kalender/[A-Za-z0-9_-]+\.ics)")


def _new_feed(client) -> tuple[str, str]:
    """Press the button; the page shows the webcal and https address once. Returns (path, html)."""
    answer = client.post("/kalender", data={"csrf": csrf_of(client.get("/kalender").text)})
    assert answer.status_code == 200
    found = _FEED.search(answer.text)
    assert found is not None and "webcal://testserver/kalender/" in answer.text
    return found[1], answer.text


def _summaries(body: bytes) -> list[str]:
    return [str(event["SUMMARY"]) for event in Calendar.from_ical(body).walk("VEVENT")]


def test_the_feed_serves_the_municipalities_the_person_may_read_only(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    path, _html = _new_feed(client)
    feed = browser(door).get(path)  # no session: the token is the credential
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    summaries = _summaries(feed.content)
    assert summaries and all("Erfurt" in s for s in summaries)
    assert not any("Weimar" in s for s in summaries)
    assert door.reminders.calendar(OTHER_AGS)  # Weimar has dates; they are just not this person's


def test_an_administrator_gets_every_municipality_in_one_calendar(door: Application) -> None:
    door.accounts.add("admin@zyklus.example", admin=True)
    path, _html = _new_feed(signed_in(door, "admin@zyklus.example"))
    body = browser(door).get(path).content
    summaries = _summaries(body)
    assert any("Erfurt" in s for s in summaries) and any("Weimar" in s for s in summaries)
    assert body.count(b"BEGIN:VCALENDAR") == 1
    uids = [str(e["UID"]) for e in Calendar.from_ical(body).walk("VEVENT")]
    assert len(uids) == len(set(uids))


def test_a_new_token_ends_the_old_url(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    old, _ = _new_feed(client)
    new, _ = _new_feed(client)
    anonymous = browser(door)
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200


def test_an_unknown_token_is_not_found(door: Application) -> None:
    anonymous = browser(door)
    assert anonymous.get("/kalender/ausgedacht.ics").status_code == 404
    assert anonymous.get("/kalender/" + "x" * 500 + ".ics").status_code == 404


def test_generating_needs_the_csrf_value_and_a_session(door: Application) -> None:
    client = signed_in(door, COORDINATOR)
    assert client.post("/kalender", data={}).status_code == 403
    assert browser(door).get("/kalender").status_code == 303


def test_text_with_line_breaks_and_separators_does_not_break_the_feed(door: Application) -> None:
    """A name with ``\\n``, ``;`` and ``,`` (the service refuses line breaks in new names, a row
    written by hand or an older version may hold one) stays inside its property."""
    with Session(door.service.engine) as session:
        row = session.exec(select(Municipality).where(Municipality.ags == AGS)).one()
        row.name = "Erfurt;\nBEGIN:VEVENT, Stadt"
        session.add(row)
        session.commit()
    client = signed_in(door, COORDINATOR)
    path, _ = _new_feed(client)
    body = browser(door).get(path).content
    assert b"\r\nBEGIN:VEVENT, Stadt" not in body and b"Erfurt\\;\\nBEGIN:VEVENT\\, Stadt" in body.replace(b"\r\n ", b"")
    events = Calendar.from_ical(body).walk("VEVENT")
    assert events and any("Erfurt;\nBEGIN:VEVENT, Stadt" in str(e["SUMMARY"]) + str(e.get("DESCRIPTION", ""))
                          for e in events)
