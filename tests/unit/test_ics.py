"""iCalendar export: parse the output back with icalendar and check the semantics."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Alarm, Calendar

from notifications.ics import PRODID, DeadlineItem, deadline_calendar, deadline_event, method_of

STAMP = datetime.datetime(2027, 3, 1, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))


def item(uid: str = "frist-bestandsaufnahme@zyklus", due: datetime.date = datetime.date(2027, 3, 15)) -> DeadlineItem:
    return DeadlineItem(
        uid=uid,
        sequence=4,
        summary="Frist: Bestandsaufnahme (Musterstadt)",
        description="Bitte schließen Sie die Bestandsaufnahme ab; Details: zyklus status 09162000",
        due=due,
        organizer="noreply@musterstadt.example",
        attendees=("anna.mueller@musterstadt.example", "ben.schulz@musterstadt.example"),
    )


def test_single_deadline_event() -> None:
    raw = deadline_event(
        uid="frist-1@zyklus",
        sequence=2,
        summary="Frist: Bestandsaufnahme",
        description="Zeile 1\nZeile 2, mit Komma; und Semikolon",
        due=datetime.date(2027, 3, 15),
        organizer="noreply@musterstadt.example",
        attendees=["anna.mueller@musterstadt.example"],
        stamp=STAMP,
        method="REQUEST",
    )

    calendar = Calendar.from_ical(raw)
    assert calendar["PRODID"] == PRODID == "-//zyklus//DE"
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0"
    [event] = calendar.events
    assert event.uid == "frist-1@zyklus"
    assert event.sequence == 2
    assert event.start == datetime.date(2027, 3, 15)
    assert event.end == datetime.date(2027, 3, 16)
    assert datetime.datetime(2027, 3, 1, 7, 30, tzinfo=datetime.UTC) == event.DTSTAMP
    assert event.summary == "Frist: Bestandsaufnahme"
    assert event.description == "Zeile 1\nZeile 2, mit Komma; und Semikolon"
    assert event.organizer.email == "noreply@musterstadt.example"
    assert [attendee.email for attendee in event.attendees] == ["anna.mueller@musterstadt.example"]
    assert event["TRANSP"] == "TRANSPARENT"
    [alarm] = event.walk("VALARM")
    assert isinstance(alarm, Alarm)
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.TRIGGER == datetime.timedelta(days=-1)
    assert alarm["DESCRIPTION"] == "Frist: Bestandsaufnahme"


def test_output_is_deterministic() -> None:
    assert deadline_calendar([item()], stamp=STAMP) == deadline_calendar([item()], stamp=STAMP)


def test_many_deadlines_in_one_calendar() -> None:
    items = [item(f"frist-{n}@zyklus", datetime.date(2027, n, 1)) for n in range(1, 13)]

    calendar = Calendar.from_ical(deadline_calendar(items, stamp=STAMP, method=None))

    assert "METHOD" not in calendar
    assert [event.uid for event in calendar.events] == [i.uid for i in items]
    assert [event.start for event in calendar.events] == [i.due for i in items]


def test_event_without_organizer_or_attendees() -> None:
    plain = DeadlineItem(uid="u@zyklus", sequence=0, summary="S", description="D", due=datetime.date(2027, 1, 1))
    [event] = Calendar.from_ical(deadline_calendar([plain], stamp=STAMP)).events
    assert "ORGANIZER" not in event and "ATTENDEE" not in event


def test_request_without_organizer_is_rejected() -> None:
    plain = DeadlineItem(uid="u@zyklus", sequence=0, summary="S", description="D", due=datetime.date(2027, 1, 1))
    with pytest.raises(ValueError, match="organizer"):
        deadline_calendar([plain], stamp=STAMP, method="REQUEST")


def test_naive_stamp_and_empty_calendar_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline_calendar([item()], stamp=datetime.datetime(2027, 3, 1, 8, 30))
    with pytest.raises(ValueError, match="at least one"):
        deadline_calendar([], stamp=STAMP)


@given(due=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(9998, 12, 30)))
def test_all_day_event_spans_exactly_the_due_date(due: datetime.date) -> None:
    [event] = Calendar.from_ical(deadline_calendar([item(due=due)], stamp=STAMP)).events
    assert event.start == due
    assert event.end - event.start == datetime.timedelta(days=1)


def test_cancel_marks_the_event_cancelled_without_an_alarm_and_needs_an_organizer() -> None:
    raw = deadline_calendar([item()], stamp=STAMP, method="CANCEL")

    calendar = Calendar.from_ical(raw)
    assert calendar["METHOD"] == "CANCEL" and method_of(raw) == "CANCEL"
    [event] = calendar.events
    assert event["STATUS"] == "CANCELLED" and event.walk("VALARM") == []
    assert event.organizer.email == "noreply@musterstadt.example"
    assert all(attendee.params["RSVP"] == "FALSE" for attendee in event.attendees)  # no replies wanted
    plain = DeadlineItem(uid="u@zyklus", sequence=1, summary="S", description="D", due=datetime.date(2027, 1, 1))
    with pytest.raises(ValueError, match="METHOD:CANCEL needs an organizer"):
        deadline_calendar([plain], stamp=STAMP, method="CANCEL")


def test_method_of_a_file_without_one_is_publish() -> None:
    assert method_of(deadline_calendar([item()], stamp=STAMP, method=None)) == "PUBLISH"
    assert method_of(deadline_calendar([item()], stamp=STAMP, method="REQUEST")) == "REQUEST"


def _object_model(items: list[DeadlineItem], stamp: datetime.datetime, method: str | None) -> bytes:
    """The same calendar built with icalendar's object model, as notifications/ics.py did before it
    wrote the text itself: the oracle its bytes must equal."""
    from icalendar import Event, vCalAddress
    from icalendar.enums import STATUS, TRANSP

    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    if method is not None:
        calendar.method = method
    for it in items:
        cancelled, meeting = method == "CANCEL", it.starts_at is not None
        attendees = []
        for address in it.attendees:
            attendee = vCalAddress.new(address)
            attendee.params["RSVP"] = "FALSE"
            attendees.append(attendee)
        event = Event.new(uid=it.uid, sequence=it.sequence, stamp=stamp.astimezone(datetime.UTC), summary=it.summary,
                          description=it.description, start=it.starts_at if meeting else it.due,
                          end=it.ends_at if meeting else it.due + datetime.timedelta(days=1),
                          organizer=vCalAddress.new(it.organizer) if it.organizer else None,
                          attendees=attendees or None, location=it.location,
                          transparency=TRANSP.OPAQUE if meeting else TRANSP.TRANSPARENT,
                          status=STATUS.CANCELLED if cancelled else None)
        if not cancelled:
            event.add_component(Alarm.new_display(description=it.summary, trigger=datetime.timedelta(days=-1)))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


# Any text a label, agenda or place may hold, folding boundaries and escapes included; icalendar
# alone reads a literal backslash-N as a line break, which is not RFC 5545 and not ours to copy
# (test_a_literal_backslash_n_stays_text).
_texts = st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["\\", ";", ",", "\n", "\r\n", "\r", "ä", "€", "𝄞", "x" * 70, "\\,", "^"]), min_size=1, max_size=12).map(
    "".join).filter(lambda text: text != "" and "\\N" not in text)
_ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Etc/GMT+1", "UTC", "Etc/UTC")


@st.composite
def _items(draw: st.DrawFn, zone: str) -> DeadlineItem:
    """A deadline, or a meeting in ``zone`` (one zone per calendar: icalendar adds several zones'
    VTIMEZONEs in set order, which varies between processes)."""
    uid, summary = draw(_texts), draw(_texts)
    attendees = tuple(draw(st.lists(st.emails(), max_size=3)))
    organizer = draw(st.sampled_from(["noreply@musterstadt.example", "MAILTO:Rathaus@Musterstadt.example"]))
    sequence = draw(st.integers(0, 10_000))
    if not draw(st.booleans()):
        due = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(9998, 12, 30)))
        return DeadlineItem(uid=uid, sequence=sequence, summary=summary, description=draw(_texts | st.just("")),
                            due=due, organizer=organizer, attendees=attendees)
    start = draw(st.datetimes(min_value=datetime.datetime(1971, 1, 1), max_value=datetime.datetime(2037, 12, 1),
                              timezones=st.just(zoneinfo.ZoneInfo(zone))))
    end = draw(st.none() | st.integers(0, 600).map(lambda minutes: start + datetime.timedelta(minutes=minutes)))
    return DeadlineItem(uid=uid, sequence=sequence, summary=summary, description=draw(_texts | st.just("")),
                        due=start.date(), organizer=organizer, attendees=attendees, starts_at=start, ends_at=end,
                        location=draw(st.none() | st.just("") | _texts))


@st.composite
def _calendars(draw: st.DrawFn) -> list[DeadlineItem]:
    return draw(st.lists(_items(draw(st.sampled_from(_ZONES))), min_size=1, max_size=3))


@settings(deadline=None)  # the profile's examples (50 in `ci`, 300 in `dev`); the object model oracle is slow
@given(items=_calendars(), method=st.sampled_from([None, "PUBLISH", "REQUEST", "CANCEL"]))
def test_the_written_calendar_equals_icalendars_object_model_byte_for_byte(
        items: list[DeadlineItem], method: str | None) -> None:
    written = deadline_calendar(items, stamp=STAMP, method=method)
    assert written == _object_model(items, STAMP, method)
    parsed = Calendar.from_ical(written)
    events = parsed.walk("VEVENT")
    assert [(str(e["UID"]), e["SEQUENCE"]) for e in events] == [
        (it.uid.replace("\r\n", "\n").replace("\r", "\n"), it.sequence) for it in items]
    assert [str(e.get("SUMMARY", "")) for e in events] == [
        it.summary.replace("\r\n", "\n").replace("\r", "\n") for it in items]
    assert all(len(line) <= 75 for line in written.split(b"\r\n"))


def test_a_meeting_starts_at_its_local_time_in_its_zone_and_blocks_the_time() -> None:
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    start = datetime.datetime(2027, 3, 15, 18, 30, tzinfo=berlin)
    meeting = DeadlineItem(uid="m-1@zyklus", sequence=2, summary="Steuerungsgruppe", description="TOP 1; TOP 2",
                           due=start.date(), organizer="noreply@musterstadt.example", attendees=("a@b.example",),
                           starts_at=start, ends_at=start + datetime.timedelta(minutes=90), location="Rathaus, Raum 2")
    raw = deadline_calendar([meeting], stamp=STAMP, method="REQUEST")

    assert b"DTSTART;TZID=Europe/Berlin:20270315T183000\r\n" in raw and b"TRANSP:OPAQUE\r\n" in raw
    calendar = Calendar.from_ical(raw)
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Berlin"]
    [event] = calendar.events
    assert event.start == start and event.end == start + datetime.timedelta(minutes=90)
    assert str(event["LOCATION"]) == "Rathaus, Raum 2"


def test_a_literal_backslash_n_stays_text() -> None:
    """The one intended difference from icalendar's object model, which reads ``\\N`` as a line break."""
    raw = deadline_calendar([item(uid=r"C:\Nutzer@zyklus")], stamp=STAMP)
    assert b"UID:C:\\\\Nutzer@zyklus\r\n" in raw
    assert Calendar.from_ical(raw).events[0].uid == r"C:\Nutzer@zyklus"


def test_an_entry_with_an_alarm_needs_a_summary() -> None:
    """As icalendar refused a DISPLAY alarm without a description; a cancellation has no alarm."""
    untitled = DeadlineItem(uid="u@zyklus", sequence=1, summary="", description="D", due=datetime.date(2027, 1, 1),
                            organizer="noreply@musterstadt.example")
    with pytest.raises(ValueError, match="summary"):
        deadline_calendar([untitled], stamp=STAMP, method="REQUEST")
    assert b"SUMMARY:\r\n" in deadline_calendar([untitled], stamp=STAMP, method="CANCEL")
