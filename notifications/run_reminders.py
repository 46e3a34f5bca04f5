"""The reminders of programme runs: before each of a run's events (the network conferences) a
mail with its calendar entry to the coordinators of every municipality taking part on that day,
and once a week a digest for each advisor of what is overdue in their runs.

The event reminders are :class:`~notifications.tables.RunTimer` rows, re-planned in the unit of
work that changed the event or the participants (:class:`RunPlanner`), so a municipality that
leaves gets no more of them and a moved conference's reminders move with it. The sweep claims
them (:meth:`RunMailer.sweep`), like the cycle's timers.

The weekly digest needs no timer row: the outbox key names the advisor and the ISO week, so the
first sweep of a week (from Monday's send hour) writes it and every later sweep of that week
finds it there. A week with nothing overdue gets no mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from engine.clock import to_db
from engine.dates import Duration, subtract
from engine.db.run_tables import ProgrammeRun, RunEvent, RunParticipant
from engine.db.tables import Municipality, Person
from engine.events import DomainEvent, RunChanged, RunEventRemoved
from engine.runs import taking_part
from engine.service import Service
from notifications.compose import Composer, recipients
from notifications.ics import DeadlineItem, deadline_calendar
from notifications.mail import message_id_for
from notifications.outbox import insert_ignoring_duplicates
from notifications.tables import Outbox, RunTimer
from notifications.timers import fire_moment

CONFERENCE_BEFORE = ("P28D", "P7D")
"""When the coordinators hear of a conference: four weeks ahead (to plan who goes) and one week."""
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


def in_run(session: Session, municipality_id: int, on: dt.date) -> bool:
    """Whether a municipality takes part in any run on ``on``: then the run's dates replace the
    conference offsets of its workflow variant."""
    return session.exec(select(RunParticipant.id).where(RunParticipant.municipality_id == municipality_id,
                                                        taking_part(on))).first() is not None


class RunPlanner:
    EVENTS: tuple[type[DomainEvent], ...] = (RunChanged, RunEventRemoved)

    def __init__(self, service: Service, send_hour: int = 7) -> None:
        self.service = service
        self.send_hour = send_hour

    def __call__(self, event: DomainEvent, session: Session) -> None:
        if isinstance(event, RunEventRemoved):
            session.execute(delete(RunTimer).where(col(RunTimer.event_id) == event.event_id))
            return
        assert isinstance(event, RunChanged)
        query = select(RunEvent).where(RunEvent.run_id == event.run_id)
        if event.event_id is not None:
            query = query.where(RunEvent.id == event.event_id)
        for run_event in session.exec(query).all():
            self._plan(session, run_event)

    def _plan(self, session: Session, run_event: RunEvent) -> None:
        """Unclaimed reminders of the event are replaced by those of who takes part on its day."""
        session.execute(delete(RunTimer).where(col(RunTimer.event_id) == run_event.id,
                                               col(RunTimer.claimed_at).is_(None)))
        today = self.service.today()
        done = {(t.municipality_id, t.rule) for t in session.exec(select(RunTimer).where(
            RunTimer.event_id == run_event.id, RunTimer.sequence == run_event.sequence))}
        participants = session.exec(select(RunParticipant.municipality_id).where(
            RunParticipant.run_id == run_event.run_id, taking_part(run_event.on))).all()
        rows = []
        for municipality_id in participants:
            for offset in CONFERENCE_BEFORE:
                fire_on = max(subtract(run_event.on, Duration.parse(offset)), today)
                if run_event.on < today or (municipality_id, offset) in done:
                    continue
                rows.append({"event_id": run_event.id, "municipality_id": municipality_id, "rule": offset,
                             "sequence": run_event.sequence, "fire_on": fire_on,
                             "fire_at": fire_moment(fire_on, self.send_hour, self.service.tz),
                             "claimed_at": None, "outcome": None})
        if rows:
            session.execute(insert(RunTimer), rows)


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
        calendar = deadline_calendar(
            [DeadlineItem(uid=uid, sequence=run_event.sequence, summary=f"{run.name}: {label}",
                          description=f"{run.name}: {label}" + (f", {run_event.place}" if run_event.place else ""),
                          due=run_event.on, organizer=settings.sender,
                          attendees=tuple(p.email for p in chosen))], stamp=now, method="REQUEST")
        out = []
        for person in chosen:
            lang = "en" if person.language == "en" else "de"
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
            lang = "en" if advisor.language == "en" else "de"
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
        lang = "en" if advisor.language == "en" else "de"
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

