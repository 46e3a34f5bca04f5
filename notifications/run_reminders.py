"""The mails of programme runs: the reminder before each of a run's events (the network
conferences) with its calendar entry, to the coordinators of every municipality taking part on
that day; the cancellation of an entry that no longer applies; and once a week a digest for each
advisor of what is overdue in their runs.

The event reminders are :class:`~notifications.tables.RunTimer` rows planned by
notifications/run_timers.py; the sweep claims them (:meth:`RunMailer.sweep`), like the cycle's.

The weekly digest needs no timer row: the outbox key names the advisor and the ISO week, so the
first sweep of a week (from Monday's send hour) writes it and every later sweep of that week
finds it there. A week with nothing overdue gets no mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from engine.clock import to_db
from engine.db.run_tables import ProgrammeRun, RunEvent, RunParticipant
from engine.db.tables import Municipality, Person
from engine.i18n import language_of
from engine.runs import taking_part
from engine.service import Service
from notifications.cancellations import RECEIVED
from notifications.compose import Composer, recipients
from notifications.ics import DeadlineItem, deadline_calendar
from notifications.mail import message_id_for
from notifications.outbox import insert_ignoring_duplicates
from notifications.tables import Outbox, RunTimer
from notifications.timers import fire_moment

ROLES = ("coordination",)


@dataclass(frozen=True)
class Advisor:
    """An advisor as the digest needs them; the door reads them from its accounts."""

    email: str
    name: str
    language: str
    runs: tuple[str, ...]
    """The slugs of the runs they are assigned to."""


AdvisorSource = Callable[[Session], Sequence[Advisor]]


def cancel_entries(session: Session, composer: Composer, run_event: RunEvent, keep: frozenset[str]) -> int:
    """Everyone who received the event's entry for a municipality not in ``keep`` (AGS) gets its
    cancellation (METHOD:CANCEL, the next SEQUENCE); a second cancellation is a no-op."""
    run = session.get(ProgrammeRun, run_event.run_id)
    received = session.exec(select(Outbox).where(
        Outbox.kind == "run_event", col(Outbox.status).in_(RECEIVED),
        col(Outbox.calendar_uid).startswith(f"zyklus-run-{run.slug}-{run_event.key}-"))).all()
    latest: dict[tuple[str, str], Outbox] = {}
    for row in received:
        if _ags_of(row.calendar_uid) not in keep:  # type: ignore[arg-type]
            latest[(row.calendar_uid, row.recipient)] = row  # type: ignore[index]
    if not latest:
        return 0
    now, sequence = composer.service.clock.now(), run_event.sequence + 1
    names = dict(session.exec(select(Municipality.ags, Municipality.name).where(
        col(Municipality.ags).in_({_ags_of(uid) for uid, _ in latest}))).all())
    rows = []
    for (uid, recipient), sent in latest.items():
        rendered = composer.renderer.render("run_event_cancelled", sent.language, {
            "recipient_name": sent.recipient_name, "municipality": names.get(_ags_of(uid), ""), "run_name": run.name,
            "event_label": run_event.topic or run_event.key, "event_on": run_event.on})
        calendar = deadline_calendar([_entry(run, run_event, uid, composer.settings.sender, (recipient,), sequence)],
                                     stamp=now, method="CANCEL")
        key = f"run-cancel:{uid}:{sequence}:{recipient}"
        rows.append(Outbox(key=key, kind="run_event_cancel", recipient=recipient, recipient_name=sent.recipient_name,
                           language=sent.language, subject=rendered.subject, text=rendered.text, html=rendered.html,
                           ics=calendar, calendar_uid=uid, message_id=message_id_for(key, composer.settings.domain),
                           next_attempt_at=to_db(now), created_at=to_db(now)))
    return insert_ignoring_duplicates(session, rows)


def _ags_of(uid: str) -> str:
    """The AGS in ``zyklus-run-{run}-{event}-{AGS}@{domain}``."""
    return uid.rsplit("@", 1)[0][-8:]


def _entry(run: ProgrammeRun, run_event: RunEvent, uid: str, organizer: str, attendees: tuple[str, ...],
           sequence: int) -> DeadlineItem:
    """The event's calendar entry for one municipality: the reminders' REQUEST and the CANCEL."""
    label = run_event.topic or run_event.key
    return DeadlineItem(uid=uid, sequence=sequence, summary=f"{run.name}: {label}",
                        description=f"{run.name}: {label}" + (f", {run_event.place}" if run_event.place else ""),
                        due=run_event.on, organizer=organizer, attendees=attendees)


class RunMailer:
    """The sweep's part for runs: due event reminders, then the advisors' weekly digests."""

    def __init__(self, service: Service, composer: Composer, send_hour: int = 7,
                 advisors: AdvisorSource | None = None) -> None:
        self.service = service
        self.composer = composer
        self.send_hour = send_hour
        self.advisors = advisors

    def sweep(self, now: dt.datetime) -> tuple[int, int]:
        """(reminders queued, digests written)."""
        with Session(self.service.engine, expire_on_commit=False) as session:
            queued = self._reminders(session, now)
            digests = self._digests(session, now) if self.advisors is not None else 0
            session.commit()
        return queued, digests

    # -- event reminders ------------------------------------------------------------------------
    def _reminders(self, session: Session, now: dt.datetime) -> int:
        moment = to_db(now)
        due = list(session.exec(select(RunTimer).where(col(RunTimer.claimed_at).is_(None),
                                                       col(RunTimer.fire_at) <= moment)))
        rows: list[Outbox] = []
        for timer in due:
            run_event = session.get(RunEvent, timer.event_id)
            run = session.get(ProgrammeRun, run_event.run_id)
            outcome = "stale"
            if session.exec(select(RunParticipant.id).where(
                    RunParticipant.run_id == run.id, RunParticipant.municipality_id == timer.municipality_id,
                    taking_part(run_event.on))).first() and run_event.on >= self.service.today():
                outcome = "queued"
                rows += self._compose(session, timer, run, run_event, now)
            timer.claimed_at, timer.outcome = moment, outcome
            session.add(timer)
        return insert_ignoring_duplicates(session, rows)

    def _compose(self, session: Session, timer: RunTimer, run: ProgrammeRun, run_event: RunEvent,
                 now: dt.datetime) -> list[Outbox]:
        municipality = session.get(Municipality, timer.municipality_id)
        people = list(session.exec(select(Person).where(Person.municipality_id == municipality.id)))
        chosen = recipients(people, list(ROLES))
        settings = self.composer.settings
        uid = f"zyklus-run-{run.slug}-{run_event.key}-{municipality.ags}@{settings.domain}"
        label = run_event.topic or run_event.key
        calendar = deadline_calendar([_entry(run, run_event, uid, settings.sender, tuple(p.email for p in chosen),
                                             run_event.sequence)], stamp=now, method="REQUEST")
        out = []
        for person in chosen:
            lang = language_of(person.language)
            rendered = self.composer.renderer.render("run_event", lang, {
                "recipient_name": person.name, "municipality": municipality.name, "ags": municipality.ags,
                "run_name": run.name, "event_label": label, "event_on": run_event.on, "place": run_event.place,
                "days_left": (run_event.on - self.service.today()).days})
            key = f"run:{run.slug}:{run_event.key}:{run_event.sequence}:{timer.rule}:{municipality.ags}:{person.email}"
            out.append(Outbox(key=key, kind="run_event", recipient=person.email, recipient_name=person.name,
                              language=lang, subject=rendered.subject, text=rendered.text, html=rendered.html,
                              ics=calendar, calendar_uid=uid, message_id=message_id_for(key, settings.domain),
                              next_attempt_at=to_db(now), created_at=to_db(now)))
        return out

    # -- the advisors' weekly digest --------------------------------------------------------------
    def _digests(self, session: Session, now: dt.datetime) -> int:
        today = self.service.today()
        monday = today - dt.timedelta(days=today.weekday())
        if to_db(now) < fire_moment(monday, self.send_hour, self.service.tz):
            return 0
        year, week, _ = today.isocalendar()
        label = f"{year}-W{week:02d}"
        rows = []
        for advisor in self.advisors(session):  # type: ignore[misc]
            key = f"run-digest:{advisor.email}:{label}"
            if session.exec(select(Outbox.id).where(Outbox.key == key)).first() is not None:
                continue
            items = self._overdue(session, advisor, today)
            if not items:
                continue
            lang = language_of(advisor.language)
            rendered = self.composer.renderer.render("run_digest", lang, {
                "recipient_name": advisor.name or advisor.email, "week": label, "items": items})
            rows.append(Outbox(key=key, kind="run_digest", recipient=advisor.email,
                               recipient_name=advisor.name or advisor.email, language=lang,
                               subject=rendered.subject, text=rendered.text, html=rendered.html,
                               message_id=message_id_for(key, self.composer.settings.domain),
                               next_attempt_at=to_db(now), created_at=to_db(now)))
        return insert_ignoring_duplicates(session, rows)

    def _overdue(self, session: Session, advisor: Advisor, today: dt.date) -> list[dict[str, object]]:
        """The overdue participants of the advisor's runs, one set-based status read per run."""
        items: list[dict[str, object]] = []
        lang = language_of(advisor.language)
        speaking = self.service.in_language(lang)  # type: ignore[arg-type]
        for run in session.exec(select(ProgrammeRun).where(col(ProgrammeRun.slug).in_(advisor.runs))
                                .order_by(col(ProgrammeRun.slug))):
            ags = session.exec(select(Municipality.ags).join(RunParticipant, col(RunParticipant.municipality_id) == Municipality.id)
                               .where(RunParticipant.run_id == run.id, taking_part(today))).all()
            if not ags:
                continue
            for status in speaking.status_all(ags=ags, overdue=True):
                due_on = dt.date.fromisoformat(status["due_on"])
                items.append({"run": run.name, "municipality": status["name"], "ags": status["ags"],
                              "phase_label": status["phase_label"], "due_on": due_on,
                              "days_overdue": (today - due_on).days})
        return items

