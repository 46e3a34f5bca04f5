"""Meetings of the working structures: plan, change, cancel, record attendance, minutes, results.

The seeds have the action programme worked out "im Rahmen von mehreren Workshops der
Steuerungsgruppe". A meeting is planned for one working structure of the municipality's running
cycle; its members (roles nest: the coordinators sit in the core team and the steering group
too) are invited by mail with a calendar entry. Planning, changing and cancelling publish
:class:`engine.events.MeetingAnnounced` inside the unit of work, so the notifications add-on
writes the invitations' outbox rows in the same transaction (the durable row first); the next
delivery sends them.

A meeting counts as **held** once its day has come and its attendance was recorded: that is
what the "several workshops" guards count (``fact_count`` with ``meetings = "steering_group"``,
engine/guards.py), together with the old ``workshop`` facts, which stay valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from engine import validate
from engine.clock import stamp
from engine.db.meeting_tables import Meeting
from engine.db.tables import Cycle, Municipality, Person
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.events import MeetingAnnounced
from engine.i18n import format_date, m, t
from engine.roles import STRUCTURES, effective_roles
from engine.service import Service

MAX_ATTENDANCE = 10_000


def structure(value: str, lang: str = "de") -> str:
    if value not in STRUCTURES:
        raise InvalidInput(m("meeting.group_invalid", lang, value=value, allowed=", ".join(STRUCTURES)))
    return value


def local_day(meeting: Meeting, tz: dt.tzinfo) -> dt.date:
    return meeting.starts_at.astimezone(tz).date()


def is_held(meeting: Meeting, today: dt.date, tz: dt.tzinfo) -> bool:
    return meeting.status == "planned" and meeting.attendance is not None and local_day(meeting, tz) <= today


def held_counts(session: Session, cycle_ids: Iterable[int] | Any, today: dt.date,
                tz: dt.tzinfo) -> dict[int, dict[str, int]]:
    """Held meetings per cycle and structure, in one grouped read. ``cycle_ids`` is a list of
    ids or a select of them (the overview passes its query, so no list of ids travels)."""
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    rows = session.exec(select(Meeting.cycle_id, Meeting.structure, func.count())
                        .where(col(Meeting.cycle_id).in_(cycle_ids), Meeting.status == "planned",
                               col(Meeting.attendance).is_not(None), col(Meeting.starts_at) < tomorrow)
                        .group_by(col(Meeting.cycle_id), col(Meeting.structure))).all()
    out: dict[int, dict[str, int]] = {}
    for cycle_id, kind, count in rows:
        out.setdefault(cycle_id, {})[kind] = count
    return out


@dataclass(frozen=True)
class MeetingView:
    """A meeting as the door shows it: the row with its municipality, cycle and the names of the
    attendees who consented to publication (in the order they were recorded)."""

    meeting: Meeting
    ags: str
    cycle: int
    held: bool
    named_attendees: tuple[str, ...]
    invited: int
    """Registered members of the structure now: who an invitation goes to."""


class Meetings:
    """The meeting use cases on the service's unit of work, each one transaction."""

    def __init__(self, service: Service) -> None:
        self.service = service

    # -- writing ------------------------------------------------------------------------------
    def add(self, ags: str, *, actor: str, group: str, starts_at: dt.datetime, place: str, agenda: str,
            duration_minutes: int = 120) -> MeetingView:
        s = self.service
        group = structure(group, s.lang)
        place, agenda = self._place(place), self._agenda(agenda)
        duration_minutes = self._duration(duration_minutes)
        starts_at = self._moment(starts_at)
        with s.unit(ags) as session:
            loaded = s.load(session, ags)
            person = self._coordinator(loaded.people, actor, loaded.municipality.ags)
            now = stamp(s.clock)
            row = Meeting(cycle_id=loaded.cycle.id, structure=group, starts_at=starts_at,
                          duration_minutes=duration_minutes, place=place, agenda=agenda, actor=person.email,
                          created_at=now, changed_at=now)
            session.add(row)
            session.flush()
            self._on_record(session, loaded.cycle, row, person.email, "added")
            s.publish(MeetingAnnounced(loaded.cycle.id, loaded.municipality.ags, loaded.cycle.number, row.id,
                                       "request"), session)
            return self._view(session, row, loaded.municipality, loaded.cycle)

    def change(self, meeting_id: int, *, actor: str, starts_at: dt.datetime | None = None,
               place: str | None = None, agenda: str | None = None,
               duration_minutes: int | None = None) -> MeetingView:
        """A new time, place, agenda or length: the members get an update of the same calendar
        entry (same UID, higher SEQUENCE)."""
        s = self.service
        changes: dict[str, Any] = {}
        if starts_at is not None:
            changes["starts_at"] = self._moment(starts_at)
        if place is not None:
            changes["place"] = self._place(place)
        if agenda is not None:
            changes["agenda"] = self._agenda(agenda)
        if duration_minutes is not None:
            changes["duration_minutes"] = self._duration(duration_minutes)
        if not changes:
            raise InvalidInput(m("meeting.nothing_to_change", s.lang))
        with s.unit() as session:
            row, municipality, cycle = self._meeting(session, meeting_id, actor)
            self._planned(row)
            for name, value in changes.items():
                setattr(row, name, value)
            row.sequence += 1
            row.changed_at = stamp(s.clock)
            self._on_record(session, cycle, row, actor, "changed", sorted(changes))
            s.publish(MeetingAnnounced(cycle.id, municipality.ags, cycle.number, row.id, "request"), session)
            return self._view(session, row, municipality, cycle)

    def cancel(self, meeting_id: int, *, actor: str, reason: str | None = None) -> MeetingView:
        """The members get the cancellation of their calendar entry, with the reason if one is
        given (one line: it is shown in the mail and the history)."""
        s = self.service
        if reason is not None:
            reason = validate.single_line(reason, t("meeting.field.cancel_reason", s.lang), s.lang, limit=1000)
        with s.unit() as session:
            row, municipality, cycle = self._meeting(session, meeting_id, actor)
            self._planned(row)
            if row.attendance is not None:
                raise InvalidInput(m("meeting.already_held", s.lang, id=row.id))
            row.status, row.sequence, row.changed_at = "cancelled", row.sequence + 1, stamp(s.clock)
            row.cancel_reason = reason
            self._on_record(session, cycle, row, actor, "cancelled", reason=reason)
            s.publish(MeetingAnnounced(cycle.id, municipality.ags, cycle.number, row.id, "cancel"), session)
            return self._view(session, row, municipality, cycle)

    def attend(self, meeting_id: int, *, actor: str, count: int, people: Sequence[str] = ()) -> MeetingView:
        """How many took part (always shown) and which registered people (named only with their
        consent). Recorded once the meeting's day has come; from then on it counts as held."""
        s = self.service
        if not 0 <= count <= MAX_ATTENDANCE:
            raise InvalidInput(m("meeting.count_invalid", s.lang, value=count, limit=MAX_ATTENDANCE))
        emails = list(dict.fromkeys(validate.email(e, s.lang) for e in people))
        if len(emails) > count:
            raise InvalidInput(m("meeting.count_below_people", s.lang, count=count, people=len(emails)))
        with s.unit() as session:
            row, municipality, cycle = self._meeting(session, meeting_id, actor)
            self._planned(row)
            if local_day(row, s.tz) > s.today():
                raise InvalidInput(m("meeting.not_yet", s.lang, id=row.id,
                                     on=format_date(local_day(row, s.tz), s.lang)))
            registered = {p.email: p for p in self._people(session, municipality.id)}
            unknown = [e for e in emails if e not in registered]
            if unknown:
                raise InvalidInput(m("person.unknown", s.lang, email=unknown[0], ags=municipality.ags))
            row.attendance, row.attendees = count, [registered[e].id for e in emails]
            row.changed_at = stamp(s.clock)
            self._on_record(session, cycle, row, actor, "attendance", details={"count": count})
            return self._view(session, row, municipality, cycle)

    def minutes(self, meeting_id: int, *, actor: str, reference: str) -> MeetingView:
        reference = validate.single_line(reference, t("meeting.field.minutes", self.service.lang),
                                         self.service.lang, limit=1000)
        return self._note(meeting_id, actor, "minutes", reference)

    def results(self, meeting_id: int, *, actor: str, text: str) -> MeetingView:
        text = validate.text(text, t("meeting.field.results", self.service.lang), self.service.lang)
        if not text:
            raise InvalidInput(m("text.empty", self.service.lang, field=t("meeting.field.results", self.service.lang)))
        return self._note(meeting_id, actor, "results", text)

    def _note(self, meeting_id: int, actor: str, name: str, value: str) -> MeetingView:
        with self.service.unit() as session:
            row, municipality, cycle = self._meeting(session, meeting_id, actor)
            setattr(row, name, value)
            row.changed_at = stamp(self.service.clock)
            self._on_record(session, cycle, row, actor, name)
            return self._view(session, row, municipality, cycle)

    # -- reading --------------------------------------------------------------------------------
    def list(self, ags: str) -> list[MeetingView]:
        """Every meeting of the municipality, of all its cycles, in the order of their dates."""
        s = self.service
        with Session(s.engine) as session:
            municipality = s.municipality_in(session, ags)
            rows = session.exec(select(Meeting, Cycle).join(Cycle, col(Meeting.cycle_id) == Cycle.id)
                                .where(Cycle.municipality_id == municipality.id)
                                .order_by(col(Meeting.starts_at), col(Meeting.id))).all()
            people = self._people(session, municipality.id)
            return [self._view(session, row, municipality, cycle, people) for row, cycle in rows]

    def get(self, meeting_id: int) -> MeetingView:
        with Session(self.service.engine) as session:
            row, municipality, cycle = self._find(session, meeting_id)
            return self._view(session, row, municipality, cycle)

    # -- helpers --------------------------------------------------------------------------------
    def _moment(self, starts_at: dt.datetime) -> dt.datetime:
        """A start typed without zone is local time in the configured zone; one the change to
        summer time skips is refused (validate.in_zone)."""
        validate.in_range(starts_at.date(), starts_at.isoformat(), self.service.lang)
        return starts_at if starts_at.tzinfo else validate.in_zone(starts_at, self.service.tz, self.service.lang)

    def _place(self, place: str) -> str:
        return validate.single_line(place, t("meeting.field.place", self.service.lang), self.service.lang)

    def _agenda(self, agenda: str) -> str:
        agenda = validate.text(agenda, t("meeting.field.agenda", self.service.lang), self.service.lang)
        if not agenda:
            raise InvalidInput(m("text.empty", self.service.lang, field=t("meeting.field.agenda", self.service.lang)))
        return agenda

    def _duration(self, minutes: int) -> int:
        if not 1 <= minutes <= 24 * 60:
            raise InvalidInput(m("meeting.duration_invalid", self.service.lang, value=minutes))
        return minutes

    def _planned(self, row: Meeting) -> None:
        if row.status == "cancelled":
            raise InvalidInput(m("meeting.cancelled", self.service.lang, id=row.id))

    def _find(self, session: Session, meeting_id: int) -> tuple[Meeting, Municipality, Cycle]:
        validate.identifier(meeting_id, "ID", self.service.lang)
        row = session.get(Meeting, meeting_id)
        if row is None:
            raise NotFound(m("meeting.unknown", self.service.lang, id=meeting_id))
        cycle = session.get(Cycle, row.cycle_id)
        return row, session.get(Municipality, cycle.municipality_id), cycle

    def _meeting(self, session: Session, meeting_id: int, actor: str) -> tuple[Meeting, Municipality, Cycle]:
        """The meeting, its municipality and cycle, with the actor checked as a coordinator."""
        row, municipality, cycle = self._find(session, meeting_id)
        self._coordinator(self._people(session, municipality.id), actor, municipality.ags)
        return row, municipality, cycle

    @staticmethod
    def _people(session: Session, municipality_id: int) -> list[Person]:
        return list(session.exec(select(Person).where(Person.municipality_id == municipality_id)))

    def _coordinator(self, people: Sequence[Person], actor: str, ags: str) -> Person:
        """Meetings are planned and recorded by the coordination, who run the working structures."""
        s = self.service
        email = validate.email(actor, s.lang)
        person = next((p for p in people if p.email == email), None)
        if person is None:
            raise PermissionDenied(m("person.unknown", s.lang, email=email, ags=ags))
        if "coordination" not in effective_roles(person.roles):
            raise PermissionDenied(m("permission.denied", s.lang, email=email, trigger="meeting",
                                     roles=t("role.coordination", s.lang)))
        return person

    def _on_record(self, session: Session, cycle: Cycle, row: Meeting, actor: str, action: str,
                   fields: Sequence[str] = (), details: Mapping[str, Any] | None = None,
                   reason: str | None = None) -> None:
        """Every change of a meeting is in the cycle's history, with who made it (and why, for a
        cancellation)."""
        self.service.add_history(session, cycle, on=self.service.today(), actor=validate.email(actor, self.service.lang),
                                 kind="meeting", trigger=row.structure, from_phase=cycle.phase,
                                 to_phase=cycle.phase, reason=reason,
                                 details={"meeting": row.id, "action": action,
                                          **({"fields": list(fields)} if fields else {}), **(details or {})})

    def _view(self, session: Session, row: Meeting, municipality: Municipality, cycle: Cycle,
              people: Sequence[Person] | None = None) -> MeetingView:
        """Attendees are named only with their consent to publication, read now: consent given
        or withdrawn later counts; an erased person's id finds nobody."""
        people = people if people is not None else self._people(session, municipality.id)
        names = {p.id: p.name for p in people if p.consent_publish}
        invited = sum(1 for p in people if row.structure in effective_roles(p.roles))
        return MeetingView(row, municipality.ags, cycle.number, is_held(row, self.service.today(), self.service.tz),
                           tuple(names[i] for i in row.attendees if i in names), invited)

