"""Turning one claimed timer into outbox rows: who gets it, in which language, with which text.

The rendered subject, bodies and calendar attachment are stored in the row, so a retry days
later sends exactly what was decided at the time, and a crash never re-renders differently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from engine.clock import to_db
from engine.db.tables import Cycle, Fact, Municipality, Person
from engine.definitions.model import Definition
from engine.i18n import language_of, t
from engine.roles import effective_roles
from engine.service import Loaded, Service
from engine.snapshot import ProgrammeShape
from engine.status import as_commands, build_status
from notifications.ics import DeadlineItem, deadline_calendar
from notifications.links import WebLinks
from notifications.mail import message_id_for
from notifications.outbox import NewMail
from notifications.planning import CYCLE_WIDE
from notifications.render import MailRenderer
from notifications.tables import Timer

TEMPLATE_FOR_KIND = {"enter": "phase_entered", "before": "reminder", "due": "reminder", "overdue": "reminder",
                     "escalation": "reminder", "review": "review", "event": "review",
                     "cycle_started": "cycle_started", "values_due": "values_due",
                     "stale_measures": "stale_measures", "cancel": "calendar_cancelled"}


@dataclass(frozen=True)
class MailSettings:
    sender: str
    domain: str
    public_url: str | None = None
    """``[web] public_url`` without trailing slash: with it, mails link into the web app instead
    of quoting `zyklus` commands."""


def outbox_key(timer: Timer, recipient: str) -> str:
    """(cycle, phase, deadline generation, rule, occurrence, recipient): the reminder's identity."""
    return f"{timer.cycle_id}:{timer.phase or 'cycle'}:{timer.sequence}:{timer.rule}:{timer.occurrence}:{recipient}"


def recipients(people: list[Person], roles: list[str]) -> list[Person]:
    wanted = set(roles)
    seen: dict[str, Person] = {}
    for person in people:
        if effective_roles(person.roles) & wanted:
            seen.setdefault(person.email, person)
    return list(seen.values())


class Composer:
    def __init__(self, service: Service, renderer: MailRenderer, settings: MailSettings) -> None:
        self.service = service
        self.renderer = renderer
        self.settings = settings

    def compose(self, session: Session, timer: Timer, cycle: Cycle, municipality: Municipality,
                people: list[Person], facts: list[Fact], now: dt.datetime,
                extra: Callable[[str], Mapping[str, Any]] | None = None,
                definition: Definition | None = None, held_meetings: Mapping[str, int] | None = None,
                programme: ProgrammeShape | None = None) -> list[NewMail]:
        """``people`` and ``facts`` come from the sweep's batched reads, so the status a mail
        quotes costs no query of its own, and the calendar is built once per language.
        ``definition`` names what the mail speaks of when that is not the cycle's version (the
        cancellation of an entry the version before a migration made).
        ``extra`` adds template variables per language (what a monitoring reminder lists).
        ``held_meetings`` (the sweep's batched read) counts for the workshop guards; read here
        without it. ``programme`` is the cycle's programme structure, batched like ``facts`` (the
        structure guard in the quoted status reads it)."""
        definition = definition or self.service.definition(session, cycle.definition_id)
        stored, timer = timer, as_of_now(session, timer, cycle)
        if held_meetings is None:
            held_meetings = self.service.held_meetings(session, cycle.id)
        loaded = Loaded(municipality, cycle, definition, people, facts, held_meetings, programme or ProgrammeShape())
        statuses: dict[str, dict[str, Any]] = {}
        calendars: dict[str, bytes | None] = {}
        base_roles = set(self._base_roles(definition, timer))
        rows: list[NewMail] = []
        chosen = recipients(people, timer.roles)
        attendees = tuple(person.email for person in chosen)
        for person in chosen:
            lang = language_of(person.language)
            if lang not in statuses:
                statuses[lang] = build_status(loaded, self.service.today(), lang)  # type: ignore[arg-type]
                calendars[lang] = self._ics(timer, definition, municipality, cycle, lang, now, attendees)
            kind = timer.kind
            if kind == "escalation" and effective_roles(person.roles) & base_roles:
                kind = "overdue"  # the coordinators get the overdue text; escalation goes to the others
            context = self._context(timer, kind, definition, municipality, cycle, statuses[lang], person, lang)
            if extra is not None:
                context.update(extra(lang))
            rendered = self.renderer.render(TEMPLATE_FOR_KIND[timer.kind], lang, context)
            key = outbox_key(stored, person.email)  # the reminder's identity, as planned
            rows.append(NewMail(
                key=key, cycle_id=cycle.id, kind=timer.kind, recipient=person.email, recipient_name=person.name,
                language=lang, subject=rendered.subject, text=rendered.text, html=rendered.html,
                ics=calendars[lang],
                calendar_uid=calendar_uid(timer, municipality, cycle, self.settings.domain) if calendars[lang] else None,
                message_id=message_id_for(key, self.settings.domain),
                status="held" if person.digest else "pending", next_attempt_at=to_db(now), created_at=to_db(now)))
        return rows

    @staticmethod
    def _base_roles(definition: Definition, timer: Timer) -> tuple[str, ...]:
        phase = definition.phases.get(timer.phase)
        return tuple(phase.reminders.roles) if phase is not None and phase.reminders else ("coordination",)

    def _context(self, timer: Timer, kind: str, definition: Definition, municipality: Municipality, cycle: Cycle,
                 status: dict[str, Any], person: Person, lang: str) -> dict[str, Any]:
        today = self.service.today()
        public_url = self.settings.public_url
        web = WebLinks(public_url, municipality.ags) if public_url else None
        steps = status.get("steps", [])
        phase_key = timer.phase if timer.phase in definition.phases else cycle.phase
        phase = definition.phases.get(phase_key)
        context: dict[str, Any] = {
            "recipient_name": person.name, "recipient_email": person.email, "municipality": municipality.name,
            "ags": municipality.ags,
            "cycle_number": cycle.number, "kind": kind,
            "phase_label": definition.phase_label(phase_key, lang),  # type: ignore[arg-type]
            "phase_description": phase.description.get(lang) if phase and phase.description else "",  # type: ignore[arg-type]
            "due_on": timer.due_on or cycle.due_on,
            "days_left": (timer.due_on - today).days if timer.due_on else 0,
            "missing": [g["message"] for g in status.get("unmet", [])],
            # a person with a browser gets links; commands only when there is no web app to link to
            "next_steps": [] if web else as_commands(municipality.ags, steps, person.email),
            "links": web.steps(steps, definition, lang) if web else [],  # type: ignore[arg-type]
            "web": web,
        }
        if timer.label is not None:  # a review or event (or the cancellation of one)
            context["event_label"] = self._label(definition, timer, lang)
            context["event_on"] = timer.due_on
        if timer.kind == "cycle_started":
            context["previous_cycle_number"] = cycle.number - 1
        return context

    @staticmethod
    def _label(definition: Definition, timer: Timer, lang: str) -> str:
        key = timer.label or ""
        if timer.phase == CYCLE_WIDE and key in definition.events:
            return definition.events[key].label.get(lang)  # type: ignore[arg-type]
        phase = definition.phases.get(timer.phase)
        if phase is not None and key in phase.reviews:
            return phase.reviews[key].label.get(lang)  # type: ignore[arg-type]
        return key

    def _ics(self, timer: Timer, definition: Definition, municipality: Municipality, cycle: Cycle, lang: str,
             now: dt.datetime, attendees: tuple[str, ...]) -> bytes | None:
        """A REQUEST from the sender to everyone this reminder goes to; a cancellation timer's
        mail carries the CANCEL of the entry it is about."""
        if timer.due_on is None or timer.kind == "cycle_started":
            return None
        item = calendar_item(timer, definition, municipality, cycle, lang, self.settings.domain,
                             organizer=self.settings.sender, attendees=attendees)
        return deadline_calendar([item], stamp=now, method="CANCEL" if timer.kind == "cancel" else "REQUEST")


def current_deadline(session: Session, cycle: Cycle) -> tuple[dt.date | None, int]:
    """The current phase's due date and its calendar generation (SEQUENCE) as they are now: the
    cycle's ``due_on`` and the highest SEQUENCE planned for the phase. `zyklus calendar` and every
    mail composed about the phase's deadline read them here, so they cannot tell different dates."""
    sequence = session.exec(select(func.max(Timer.sequence)).where(
        Timer.cycle_id == cycle.id, Timer.phase == cycle.phase)).one()
    return cycle.due_on, sequence or 0


def as_of_now(session: Session, timer: Timer, cycle: Cycle) -> Timer:
    """The "phase begins" reminder is planned with the due date of the moment the phase was
    entered; a deadline moved before it is sent (`deadline set` right after `advance`) re-plans the
    deadline reminders but not this one. Composed, it announces the deadline as it is then, with
    the entry's current SEQUENCE. Only a copy changes: the timer row stays as planned, and a mail
    already composed keeps its stored text."""
    if timer.kind != "enter" or timer.phase != cycle.phase or cycle.status != "running":
        return timer
    if cycle.due_on == timer.due_on:
        # Unmoved (or moved back): the date is right, and a calendar that holds a later SEQUENCE
        # of the same date keeps it. No query then, so a sweep's reads stay batched.
        return timer
    due_on, sequence = current_deadline(session, cycle)
    if (due_on, sequence) == (timer.due_on, timer.sequence):
        return timer
    return Timer(**{**timer.model_dump(), "due_on": due_on, "sequence": sequence})


def calendar_uid(timer: Timer, municipality: Municipality, cycle: Cycle, domain: str) -> str:
    """Stable per cycle and phase (a deadline) or per cycle, review or event and occurrence;
    reviews and events are the timers that name their definition entry in ``label``."""
    if timer.label is not None:
        return f"zyklus-{municipality.ags}-{cycle.number}-{timer.label}-{timer.occurrence}@{domain}"
    return f"zyklus-{municipality.ags}-{cycle.number}-{timer.phase}@{domain}"


def calendar_item(timer: Timer, definition: Definition, municipality: Municipality, cycle: Cycle, lang: str,
                  domain: str, *, organizer: str | None = None, attendees: tuple[str, ...] = ()) -> DeadlineItem:
    """One calendar entry per deadline or event: the UID is stable for a cycle's phase, the
    SEQUENCE is the deadline's generation, so a moved deadline moves the entry. A review's or
    event's date never moves within its UID (SEQUENCE 0); a cancellation's SEQUENCE is the
    generation after every one the entry had."""
    if timer.label is not None:
        label = Composer._label(definition, timer, lang)
        summary = f"{label} ({municipality.name})"
    else:
        label = definition.phase_label(timer.phase, lang)  # type: ignore[arg-type]
        summary = t("calendar.deadline_summary", lang, label=label, municipality=municipality.name)
    sequence = timer.sequence if timer.label is None or timer.kind == "cancel" else 0
    return DeadlineItem(uid=calendar_uid(timer, municipality, cycle, domain), sequence=sequence, summary=summary,
                        description=t("calendar.description", lang, municipality=municipality.name,
                                      ags=municipality.ags, cycle=cycle.number, label=label),
                        due=timer.due_on,  # type: ignore[arg-type]
                        organizer=organizer, attendees=attendees)


def people_of(session: Session, municipality_id: int) -> list[Person]:
    return list(session.exec(select(Person).where(Person.municipality_id == municipality_id)))
