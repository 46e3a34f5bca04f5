"""Invitations to meetings of the working structures, with a calendar entry for each member.

Subscribed to :class:`engine.events.MeetingAnnounced`, so in the very transaction that plans,
changes or cancels a meeting every member of its working structure (roles nest: the
coordinators are members of the core team and the steering group too) gets an outbox row; the
next delivery sends them. The entry's UID is the meeting's and never changes; its SEQUENCE is the
meeting's, raised by every change, so a change arrives as an update (METHOD:REQUEST) of the entry
the calendar has, and a cancellation as METHOD:CANCEL with STATUS:CANCELLED. Invitations are
never held for a digest: a calendar entry that arrives a day late is of little use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from engine.clock import to_db
from engine.db.meeting_tables import Meeting
from engine.db.tables import Cycle, Municipality
from engine.events import DomainEvent, MeetingAnnounced
from engine.i18n import language_of, t

if TYPE_CHECKING:
    from engine.service import Service
    from notifications.compose import Composer

TEMPLATES = {"request": "meeting_invitation", "cancel": "meeting_cancelled"}
KINDS = {"request": "meeting", "cancel": "meeting_cancel"}
"""Outbox kinds (``Outbox.kind``)."""


def meeting_uid(meeting_id: int, domain: str) -> str:
    return f"zyklus-meeting-{meeting_id}@{domain}"


class MeetingInvitations:
    EVENTS: tuple[type[DomainEvent], ...] = (MeetingAnnounced,)

    def __init__(self, service: "Service", make_composer: Callable[[], "Composer"]) -> None:
        self.service = service
        self._make_composer = make_composer
        self._composer: Composer | None = None

    @property
    def composer(self) -> "Composer":
        """Built on the first meeting: most commands never need jinja2 and iCalendar."""
        if self._composer is None:
            self._composer = self._make_composer()
        return self._composer

    def __call__(self, event: DomainEvent, session: Session) -> None:
        assert isinstance(event, MeetingAnnounced)
        from notifications.compose import people_of, recipients
        from notifications.mail import message_id_for
        from notifications.outbox import insert_ignoring_duplicates

        self.composer.renderer.reload()  # an administrator's edit counts without a restart, as in a sweep
        meeting = session.get(Meeting, event.meeting_id)
        cycle = session.get(Cycle, meeting.cycle_id)
        municipality = session.get(Municipality, cycle.municipality_id)
        invited = recipients(people_of(session, municipality.id), [meeting.structure])
        settings, now = self.composer.settings, self.service.clock.now()
        attendees = tuple(person.email for person in invited)
        calendars: dict[str, bytes] = {}
        rows = []
        for person in invited:
            lang = language_of(person.language)
            if lang not in calendars:
                calendars[lang] = self._ics(meeting, municipality, lang, event.method, now, attendees)
            rendered = self.composer.renderer.render(TEMPLATES[event.method], lang,
                                                     self._context(meeting, municipality, cycle, person.name,
                                                                   lang, event.method))
            key = f"meeting:{meeting.id}:{meeting.sequence}:{event.method}:{person.email}"
            rows.append(self._row(key, cycle, person, lang, rendered, calendars[lang], meeting, event.method,
                                  now, message_id_for(key, settings.domain)))
        insert_ignoring_duplicates(session, rows)

    def _row(self, key: str, cycle: Cycle, person: Any, lang: str, rendered: Any, ics: bytes, meeting: Meeting,
             method: str, now: dt.datetime, message_id: str) -> Any:
        from notifications.tables import Outbox

        return Outbox(key=key, cycle_id=cycle.id, kind=KINDS[method], recipient=person.email,
                      recipient_name=person.name, language=lang, subject=rendered.subject, text=rendered.text,
                      html=rendered.html, ics=ics, calendar_uid=meeting_uid(meeting.id, self.composer.settings.domain),
                      message_id=message_id, status="pending", next_attempt_at=to_db(now), created_at=to_db(now))

    def _local(self, meeting: Meeting) -> dt.datetime:
        """The start in the configured zone: the calendar entry's TZID and the mail's time."""
        return meeting.starts_at.astimezone(self.service.tz)

    def _context(self, meeting: Meeting, municipality: Municipality, cycle: Cycle, name: str, lang: str,
                 method: str) -> dict[str, Any]:
        from notifications.links import WebLinks

        public_url = self.composer.settings.public_url
        return {"page": WebLinks(public_url, municipality.ags).meeting(meeting.id) if public_url else None,"recipient_name": name, "municipality": municipality.name, "ags": municipality.ags,
                "cycle_number": cycle.number, "group_label": t(f"role.{meeting.structure}", lang),  # type: ignore[arg-type]
                "meeting_on": self._local(meeting).date(), "meeting_time": self._local(meeting).strftime("%H:%M"),
                "place": meeting.place, "agenda": meeting.agenda, "update": method == "request" and meeting.sequence > 0,
                "reason": meeting.cancel_reason if method == "cancel" else None}

    def _ics(self, meeting: Meeting, municipality: Municipality, lang: str, method: str, now: dt.datetime,
             attendees: tuple[str, ...]) -> bytes:
        from notifications.ics import DeadlineItem, deadline_calendar

        start = self._local(meeting)
        group = t(f"role.{meeting.structure}", lang)  # type: ignore[arg-type]
        summary = t("mail.meeting.summary", lang, group=group, municipality=municipality.name)  # type: ignore[arg-type]
        item = DeadlineItem(uid=meeting_uid(meeting.id, self.composer.settings.domain), sequence=meeting.sequence,
                            summary=summary, description=meeting.agenda, due=start.date(),
                            organizer=self.composer.settings.sender, attendees=attendees, starts_at=start,
                            ends_at=start + dt.timedelta(minutes=meeting.duration_minutes), location=meeting.place)
        return deadline_calendar([item], stamp=now, method="CANCEL" if method == "cancel" else "REQUEST")
