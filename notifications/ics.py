"""iCalendar (RFC 5545) export of deadlines as all-day events.

One builder serves both the single-deadline attachment of a reminder mail and
the bulk export (``zyklus calendar AGS > deadlines.ics``), so both always agree
on UID, SEQUENCE and alarm semantics.

Mails carry iTIP (RFC 5546) methods: REQUEST for a deadline (an update when its
SEQUENCE grew) and CANCEL, with the same UID and a higher SEQUENCE, for one that
no longer applies. Both name the ORGANIZER (the configured sender), without which
Outlook does not apply an update to the entry it already has.

The calendar is written as text, property by property, in the order and form icalendar's object
model writes the same calendar (tests/unit/test_ics.py builds it with that model and compares the
bytes): building the model was half of composing a reminder, and the properties here are fixed.
A meeting's VTIMEZONE is icalendar's own, serialised once per zone and process.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PRODID = "-//zyklus//DE"
_METHOD_LINE = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)
_QUOTED_PARAMETER = re.compile(r"[,;:]")


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
    A meeting's zone gets its VTIMEZONE (RFC 5545 3.2.19), before the events as icalendar puts it.
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    stamp_text = f"{stamp.astimezone(datetime.UTC):%Y%m%dT%H%M%S}Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}"]
    if method is not None:
        lines.append(f"METHOD:{_text(method)}")
    events: list[str] = []
    zones: dict[str, None] = {}
    for item in items:
        if method in ("REQUEST", "CANCEL") and item.organizer is None:
            raise ValueError(f"METHOD:{method} needs an organizer (uid {item.uid!r})")
        events += _event(item, stamp_text, zones, cancelled=method == "CANCEL")
    if not events:
        raise ValueError("a calendar needs at least one deadline")
    text = "".join(_fold(line) + "\r\n" for line in lines)
    text += "".join(_vtimezone(tzid) for tzid in zones)
    text += "".join(_fold(line) + "\r\n" for line in events)
    return (text + "END:VCALENDAR\r\n").encode("utf-8")


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


def _event(item: DeadlineItem, stamp: str, zones: dict[str, None], *, cancelled: bool = False) -> list[str]:
    """The VEVENT's lines, unfolded. TRANSPARENT: a deadline must not block the whole day as
    "busy"; a meeting does. RSVP=FALSE: the mail asks for no answer, so clients offer no
    accept/decline replies to a sender that would not read them."""
    if not (item.summary or cancelled):
        raise ValueError(f"the alarm of a calendar entry needs a summary (uid {item.uid!r})")
    lines = ["BEGIN:VEVENT", f"SUMMARY:{_text(item.summary)}"]
    if item.starts_at is None:
        lines += [f"DTSTART;VALUE=DATE:{item.due:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{item.due + datetime.timedelta(days=1):%Y%m%d}"]
    else:
        lines.append(f"DTSTART{_moment(item.starts_at, zones)}")
        if item.ends_at is not None:
            lines.append(f"DTEND{_moment(item.ends_at, zones)}")
    lines += [f"DTSTAMP:{stamp}", f"UID:{_text(item.uid)}", f"SEQUENCE:{int(item.sequence)}"]
    lines += [f"ATTENDEE;RSVP=FALSE:{_address(attendee)}" for attendee in item.attendees]
    lines.append(f"DESCRIPTION:{_text(item.description)}")
    if item.location is not None:
        lines.append(f"LOCATION:{_text(item.location)}")
    if item.organizer:
        lines.append(f"ORGANIZER:{_address(item.organizer)}")
    if cancelled:
        lines.append("STATUS:CANCELLED")
    lines.append("TRANSP:TRANSPARENT" if item.starts_at is None else "TRANSP:OPAQUE")
    if not cancelled:  # a cancelled entry has nothing left to remind of
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{_text(item.summary)}", "TRIGGER:-P1D",
                  "END:VALARM"]
    lines.append("END:VEVENT")
    return lines


def _moment(moment: datetime.datetime, zones: dict[str, None]) -> str:
    """A DATE-TIME's parameters and value: UTC as ``…Z``, any other zone as local time with its
    TZID (noted in ``zones`` for the VTIMEZONE), as icalendar names it."""
    if moment.tzinfo is None:
        raise ValueError(f"a meeting's time must be timezone-aware: {moment!r}")
    value = f"{moment:%Y%m%dT%H%M%S}"
    tzid = _tzid(moment.tzinfo) or moment.tzname()
    if tzid == "UTC":
        return f":{value}Z"
    zones[tzid] = None
    return f";TZID={_parameter(tzid)}:{value}"


@functools.cache
def _tzid(zone: datetime.tzinfo) -> str | None:
    """The zone's TZID as icalendar chooses it among equivalent names (one that equals UTC is "UTC")."""
    from icalendar.timezone.tzid import tzid_from_tzinfo

    return tzid_from_tzinfo(zone)


@functools.cache
def _vtimezone(tzid: str) -> str:
    """The VTIMEZONE icalendar writes for this zone (1970–2038, its default span), as folded text;
    a zone it does not know gets none, as in its object model."""
    from icalendar import Timezone

    try:
        return Timezone.from_tzid(tzid).to_ical().decode("utf-8")
    except ValueError:
        return ""


def _parameter(value: str) -> str:
    """A parameter value, quoted when it holds a separator."""
    return f'"{value}"' if _QUOTED_PARAMETER.search(value) else value


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping (3.3.11): backslash, semicolon and comma escaped, every line break
    (CRLF, LF or a lone CR) written as ``\\n``. Unlike icalendar, a literal backslash-N stays text."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _address(address: str) -> str:
    """A CAL-ADDRESS: the mail address as a ``mailto:`` URI."""
    if any(char in address for char in "\r\n"):
        raise ValueError(f"a calendar address is one line: {address!r}")
    return address if address.lower().startswith("mailto:") else f"mailto:{address}"


def _fold(line: str, limit: int = 75) -> str:
    """RFC 5545 folding (3.1): no physical line longer than 75 octets, the continuation after
    CRLF and one space, never inside a UTF-8 sequence nor right after a backslash (clients
    mis-read an escape split across lines), as icalendar folds."""
    if len(line) < limit and (line.isascii() or len(line.encode("utf-8")) < limit):
        return line  # most lines: an umlaut in a short line needs no walk through its characters
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= limit:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            parts.append("".join(current))
            current, count = ([carried], len(carried)) if carried else ([], 0)
        current.append(char)
        count += size
    parts.append("".join(current))
    return "\r\n ".join(parts)
