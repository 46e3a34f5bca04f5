"""iCalendar (RFC 5545) export of deadlines as all-day events.

One builder serves both the single-deadline attachment of a reminder mail and
the bulk export (``zyklus calendar AGS > deadlines.ics``), so both always agree
on UID, SEQUENCE and alarm semantics.

Mails carry iTIP (RFC 5546) methods: REQUEST for a deadline (an update when its
SEQUENCE grew) and CANCEL, with the same UID and a higher SEQUENCE, for one that
no longer applies. Both name the ORGANIZER (the configured sender), without which
Outlook does not apply an update to the entry it already has.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from icalendar import Alarm, Calendar, Event, vCalAddress
from icalendar.enums import STATUS, TRANSP

PRODID = "-//zyklus//DE"
_ALARM_BEFORE = datetime.timedelta(days=-1)
_METHOD_LINE = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


@dataclass(frozen=True)
class DeadlineItem:
    """One deadline; ``uid`` must stay stable and ``sequence`` grow when it changes.

    Calendar clients match updates by UID and only apply them when SEQUENCE
    increases, so the caller derives both from persistent engine state.
    """

    uid: str
    sequence: int
    summary: str
    description: str
    due: datetime.date
    organizer: str | None = None
    attendees: tuple[str, ...] = ()
    starts_at: datetime.datetime | None = None
    """A meeting: its timezone-aware start (``due`` is then its day); None for an all-day deadline."""
    ends_at: datetime.datetime | None = None
    location: str | None = None


def deadline_calendar(
    items: Iterable[DeadlineItem],
    *,
    stamp: datetime.datetime,
    method: str | None = "PUBLISH",
) -> bytes:
    """Serialize deadlines into one VCALENDAR.

    ``stamp`` must be timezone-aware because DTSTAMP is defined in UTC.
    ``method=None`` omits METHOD, which suits a plain file import; "REQUEST" and
    "CANCEL" need an organizer on every item because clients reject iTIP messages
    without one. "CANCEL" marks each event STATUS:CANCELLED.
    An empty calendar is refused: RFC 5545 requires at least one component.
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    stamp_utc = stamp.astimezone(datetime.UTC)
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    if method is not None:
        calendar.method = method
    for item in items:
        if method in ("REQUEST", "CANCEL") and item.organizer is None:
            raise ValueError(f"METHOD:{method} needs an organizer (uid {item.uid!r})")
        calendar.add_component(_event(item, stamp_utc, cancelled=method == "CANCEL"))
    if not calendar.subcomponents:
        raise ValueError("a calendar needs at least one deadline")
    calendar.add_missing_timezones()  # a meeting's TZID needs its VTIMEZONE (RFC 5545 3.2.19)
    return cast(bytes, calendar.to_ical())  # icalendar leaves to_ical unannotated


def deadline_event(
    *,
    uid: str,
    sequence: int,
    summary: str,
    description: str,
    due: datetime.date,
    organizer: str | None,
    attendees: Sequence[str],
    stamp: datetime.datetime,
    method: str = "PUBLISH",
) -> bytes:
    """A calendar with a single deadline, as attached to a reminder mail."""
    item = DeadlineItem(
        uid=uid,
        sequence=sequence,
        summary=summary,
        description=description,
        due=due,
        organizer=organizer,
        attendees=tuple(attendees),
    )
    return deadline_calendar([item], stamp=stamp, method=method)


def method_of(ics: bytes) -> str:
    """The METHOD of a stored attachment, for its MIME part's ``method`` parameter (RFC 6047
    wants both to agree); a file without one is published. Read from the line itself: parsing
    the whole calendar for it would cost more than building the mail."""
    found = _METHOD_LINE.search(ics)
    return found[1].decode("ascii") if found else "PUBLISH"


def _event(item: DeadlineItem, stamp: datetime.datetime, *, cancelled: bool = False) -> Event:
    # TRANSPARENT: a deadline must not block the whole day as "busy"; a meeting does.
    meeting = item.starts_at is not None
    event = Event.new(
        uid=item.uid,
        sequence=item.sequence,
        stamp=stamp,
        summary=item.summary,
        description=item.description,
        start=item.starts_at if meeting else item.due,
        end=item.ends_at if meeting else item.due + datetime.timedelta(days=1),
        organizer=vCalAddress.new(item.organizer) if item.organizer else None,
        attendees=[_attendee(attendee) for attendee in item.attendees] or None,
        location=item.location,
        transparency=TRANSP.OPAQUE if meeting else TRANSP.TRANSPARENT,
        status=STATUS.CANCELLED if cancelled else None,
    )
    if not cancelled:  # a cancelled entry has nothing left to remind of
        event.add_component(Alarm.new_display(description=item.summary, trigger=_ALARM_BEFORE))
    return event


def _attendee(address: str) -> vCalAddress:
    """A deadline asks for no answer: RSVP=FALSE keeps clients from offering accept/decline replies
    to a sender that would not read them."""
    attendee = vCalAddress.new(address)
    attendee.params["RSVP"] = "FALSE"
    return attendee
