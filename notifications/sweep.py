"""One sweep: claim due timers, write outbox rows, start due cycles, build digests, deliver.

The cost follows what is due, not how many cycles exist: timers are found through an index on
(claimed_at, fire_at) in batches, and a batch's cycles, people, facts and held meetings are read in one query
each. Each batch is claimed and turned into outbox rows in one transaction, so a crash leaves
either nothing or a complete batch; a second sweep at the same moment finds nothing unclaimed and
its inserts hit the outbox's unique key.

Inside a batch every reminder stands alone: one that raises (a stored definition whose label
breaks the subject, a template that fails for one cycle) is marked with its error and retried
with the mail backoff, while every other reminder of the batch goes out. Its own writes (the next
review, the next monitoring day, planned before composing) run in a SAVEPOINT; the outbox rows of
the batch are inserted together, and only when that insert fails reminder by reminder, to find the
bad one. The same holds for the restart of one cycle and for one recipient's digest.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from engine.clock import to_db
from engine.db.programme_shape import programme_shapes_of
from engine.db.tables import Cycle, Fact, Municipality, Person
from engine.meetings import held_counts
from engine.service import Service
from engine.snapshot import ProgrammeShape
from notifications.compose import Composer
from notifications.mail import message_id_for
from notifications.monitoring import KINDS as MONITORING_KINDS
from notifications.outbox import NewMail, RetryPolicy, Transport, clear_old_bodies, dispatch, insert_ignoring_duplicates
from notifications.planning import CYCLE_WIDE, plan_review
from notifications.run_reminders import RunMailer
from notifications.run_timers import in_run
from notifications.tables import Outbox, Timer
from notifications.timers import DEADLINE_KINDS, TimerPlanner, fire_moment

log = logging.getLogger("zyklus.sweep")
_ERROR_LIMIT = 500


def one_line(exc: BaseException) -> str:
    """What an operator reads in `zyklus timers --failed`: the exception's type and first line."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= _ERROR_LIMIT else text[:_ERROR_LIMIT - 1] + "…"


@dataclass
class SweepReport:
    now: dt.datetime
    claimed: int = 0
    queued: int = 0
    superseded: int = 0
    stale: int = 0
    satisfied: int = 0
    """Monitoring reminders that found nothing left to ask for, so sent nothing."""
    restarted: list[tuple[str, int]] = field(default_factory=list)
    digests: int = 0
    delivery: dict[str, int] = field(default_factory=dict)
    planned_mails: list[dict[str, str]] = field(default_factory=list)
    template_errors: list[str] = field(default_factory=list)
    """Administrator templates that failed; the shipped ones were used instead."""
    bodies_cleared: int = 0
    """Sent mails whose texts the retention setting removed ([mail] retention_days)."""
    failures: list[dict[str, Any]] = field(default_factory=list)
    """Reminders, restarts and digests that raised in this sweep (each also logged with its
    traceback); everything else of the sweep was done."""

    def as_dict(self) -> dict[str, Any]:
        return {"now": self.now.isoformat(), "claimed": self.claimed, "queued": self.queued,
                "superseded": self.superseded, "stale": self.stale, "satisfied": self.satisfied,
                "restarted": [{"ags": a, "cycle": n} for a, n in self.restarted], "digests": self.digests,
                "delivery": self.delivery, "mails": self.planned_mails, "template_errors": self.template_errors,
                "bodies_cleared": self.bodies_cleared, "failures": self.failures}


@dataclass
class _Batch:
    """What a batch of timers needs, each read once for the whole batch."""

    cycles: dict[int, Cycle]
    municipalities: dict[int, Municipality]
    people: dict[int, list[Person]]
    facts: dict[int, list[Fact]]
    latest: dict[tuple[Any, ...], int]
    held: dict[int, dict[str, int]]
    """Held meetings per cycle and working structure (the workshop guards in the quoted status)."""
    programmes: dict[int, ProgrammeShape] = field(default_factory=dict)

    def ags(self, timer: Timer) -> str:
        cycle = self.cycles.get(timer.cycle_id)
        municipality = self.municipalities.get(cycle.municipality_id) if cycle else None
        return municipality.ags if municipality else "?"


def _due_timers(moment: dt.datetime) -> tuple[Any, ...]:
    """Unclaimed, due, and not waiting for the backoff of an earlier failure."""
    return (col(Timer.claimed_at).is_(None), col(Timer.fire_at) <= moment,
            or_(col(Timer.retry_at).is_(None), col(Timer.retry_at) <= moment))


def _subject(timer: Timer) -> tuple[Any, ...] | None:
    """What a reminder is about: a phase's deadline (in one generation) or one event occurrence."""
    if timer.kind in DEADLINE_KINDS:
        return (timer.cycle_id, "deadline", timer.phase, timer.sequence)
    if timer.kind in ("review", "event"):
        return (timer.cycle_id, timer.kind, timer.label, timer.occurrence)
    if timer.kind in MONITORING_KINDS:
        return (timer.cycle_id, timer.kind)  # the latest one lists everything still open
    return None


class _DryRun(Exception):
    """Raised to roll back a dry-run sweep after it has computed everything."""


class Sweeper:
    def __init__(self, service: Service, composer: Composer, planner: TimerPlanner, transport: Transport,
                 sender: str, policy: RetryPolicy, batch_size: int = 200, retention_days: int = 0,
                 runs: RunMailer | None = None) -> None:
        self.service = service
        self.runs = runs
        """The programme runs' conference reminders and advisors' digests (notifications/run_reminders.py)."""
        self.composer = composer
        self.planner = planner
        self.transport = transport
        self.sender = sender
        self.policy = policy
        self.batch_size = batch_size
        self.retention_days = retention_days

    def sweep(self, *, dry_run: bool = False, deliver: bool = True) -> SweepReport:
        now = self.service.clock.now()
        report = SweepReport(now=now)
        self.composer.renderer.reload()
        if not dry_run:
            report.restarted = self.service.start_due_restarts(
                on_error=lambda cycle_id, ags, exc: self._restart_failed(cycle_id, ags, exc, report))
        while True:
            try:
                with Session(self.service.engine, expire_on_commit=False) as session:
                    batch = self._claim(session, now)
                    if batch:
                        self._process(session, batch, now, report, collect=dry_run)
                    if dry_run:
                        raise _DryRun
                    session.commit()
            except _DryRun:
                return report
            if len(batch) < self.batch_size:
                break
        if self.runs is not None and not dry_run:
            self._runs(now, report)
        report.digests += self._digests(now, report)
        report.template_errors = list(dict.fromkeys(self.composer.renderer.override_errors))
        self.composer.renderer.override_errors.clear()
        if deliver:
            report.delivery = dispatch(self.service.engine, now, self.transport, self.sender, self.policy,
                                       self.batch_size)
        report.bodies_cleared = clear_old_bodies(self.service.engine, now, self.retention_days)
        return report

    def _runs(self, now: dt.datetime, report: SweepReport) -> None:
        """The programme runs' reminders and digests. If they fail, nothing of them is kept (their
        timers stay unclaimed for the next sweep) and the rest of the sweep still delivers."""
        try:
            queued, weekly = self.runs.sweep(now)  # type: ignore[union-attr]
        except Exception as exc:  # noqa: BLE001 - the cycles' mails go out regardless
            log.error("programme run reminders could not be written", exc_info=exc)
            report.failures.append({"what": "runs", "error": one_line(exc)})
            return
        report.queued += queued
        report.digests += weekly

    @staticmethod
    def _restart_failed(cycle_id: int, ags: str, exc: Exception, report: SweepReport) -> None:
        """The completed cycle keeps its restart date, so the next sweep tries again."""
        log.error("next cycle after cycle #%s (%s) could not begin", cycle_id, ags, exc_info=exc)
        report.failures.append({"what": "restart", "ags": ags, "cycle_id": cycle_id, "error": one_line(exc)})

    # -- timers -----------------------------------------------------------------------------------
    def _claim(self, session: Session, now: dt.datetime) -> list[Timer]:
        moment = to_db(now)
        ids = list(session.exec(select(Timer.id).where(*_due_timers(moment))
                                .order_by(col(Timer.fire_at), col(Timer.id)).limit(self.batch_size)))
        if not ids:
            return []
        claimed = list(session.execute(update(Timer).where(col(Timer.id).in_(ids), col(Timer.claimed_at).is_(None))
                                       .values(claimed_at=moment).returning(Timer.id)).scalars())
        return list(session.exec(select(Timer).where(col(Timer.id).in_(claimed))
                                 .order_by(col(Timer.fire_at), col(Timer.id))))  # ties in the order claimed

    def _read(self, session: Session, timers: list[Timer], now: dt.datetime) -> _Batch:
        cycle_ids = {t.cycle_id for t in timers}
        cycles = {c.id: c for c in session.exec(select(Cycle).where(col(Cycle.id).in_(cycle_ids)))}
        municipalities = {m.id: m for m in session.exec(
            select(Municipality).where(col(Municipality.id).in_({c.municipality_id for c in cycles.values()})))}
        people: dict[int, list[Person]] = defaultdict(list)
        for person in session.exec(select(Person).where(col(Person.municipality_id).in_(municipalities))):
            people[person.municipality_id].append(person)
        facts: dict[int, list[Fact]] = defaultdict(list)  # for the status each mail quotes, one read per batch
        for fact in session.exec(select(Fact).where(col(Fact.cycle_id).in_(cycle_ids)).order_by(col(Fact.id))):
            facts[fact.cycle_id].append(fact)
        latest = self._latest_deadline_timers(timers + self._due_unclaimed(session, timers, now))
        held = held_counts(session, cycle_ids, self.service.today(), self.service.tz)
        programmes = programme_shapes_of(session.connection(), cycle_ids)
        return _Batch(cycles, municipalities, people, facts, latest, held, programmes)

    def _process(self, session: Session, timers: list[Timer], now: dt.datetime, report: SweepReport,
                 collect: bool) -> None:
        report.claimed += len(timers)
        batch = self._read(session, timers, now)
        outcomes: dict[int, str] = {}
        composed: dict[int, list[NewMail]] = {}
        failed: dict[int, Exception] = {}
        for timer in timers:
            try:
                outcomes[timer.id], composed[timer.id] = self._handle(session, timer, batch, now)
            except Exception as exc:  # noqa: BLE001 - whatever one reminder raises, the others go out
                failed[timer.id] = exc
        report.queued += self._insert(session, composed, failed)
        rows = [row for timer_id, made in composed.items() for row in made if timer_id not in failed]
        for timer in timers:
            if timer.id in failed:
                outcomes.pop(timer.id, None)
                self._failed(session, timer, failed[timer.id], batch, now, report)
        report.superseded += sum(1 for o in outcomes.values() if o == "superseded")
        report.stale += sum(1 for o in outcomes.values() if o in ("stale", "missed"))
        report.satisfied += sum(1 for o in outcomes.values() if o == "satisfied")
        if collect:
            report.planned_mails += [{"to": r["recipient"], "subject": r["subject"], "kind": r["kind"]} for r in rows]
        by_outcome: dict[str, list[int]] = defaultdict(list)
        for timer_id, outcome in outcomes.items():
            by_outcome[outcome].append(timer_id)
        for outcome, ids in by_outcome.items():  # nothing reads the batch's timers after this
            session.execute(update(Timer).where(col(Timer.id).in_(ids)).values(outcome=outcome, retry_at=None)
                            .execution_options(synchronize_session=False))

    def _handle(self, session: Session, timer: Timer, batch: _Batch, now: dt.datetime) -> tuple[str, list[NewMail]]:
        """One reminder's outcome and mails. A review or monitoring reminder first plans its
        successor, in a SAVEPOINT: a failure takes nothing of the batch along, and a reminder
        that cannot be composed still leaves the next occurrence planned."""
        cycle = batch.cycles[timer.cycle_id]
        if cycle.status != "running" or (timer.phase != CYCLE_WIDE and timer.phase != cycle.phase):
            return "stale", []
        if timer.kind == "review" or timer.kind in MONITORING_KINDS:
            with session.begin_nested():
                self._plan_successor(session, timer, cycle)
        return self._decide(session, timer, cycle, batch, now)

    def _plan_successor(self, session: Session, timer: Timer, cycle: Cycle) -> None:
        if timer.kind == "review":
            self._plan_next_review(session, timer, cycle)
        else:
            self.planner.monitoring.sync(session, cycle, (timer.kind,))  # next year's, the next span's

    def _decide(self, session: Session, timer: Timer, cycle: Cycle, batch: _Batch,
                now: dt.datetime) -> tuple[str, list[NewMail]]:
        listing = None
        if timer.kind in ("before", "due", "review", "event") and timer.due_on and timer.due_on < self.service.today():
            return "missed", []  # a reminder of a date already past helps nobody
        if timer.kind == "event" and in_run(session, cycle.municipality_id, timer.due_on or self.service.today()):
            return "superseded", []  # a municipality in a programme run has the run's dates instead
        if batch.latest.get(_subject(timer), timer.id) != timer.id:
            return "superseded", []  # after downtime, one mail says where things stand
        if timer.kind in MONITORING_KINDS and not (
                listing := self.planner.monitoring.listing(session, timer.kind, cycle)):
            return "satisfied", []  # the values were recorded, the measures moved on
        municipality = batch.municipalities[cycle.municipality_id]
        rows = self.composer.compose(session, timer, cycle, municipality, batch.people[municipality.id],
                                     batch.facts[cycle.id], now, extra=listing.context if listing else None,
                                     held_meetings=batch.held.get(cycle.id, {}),
                                     programme=batch.programmes.get(cycle.id))
        for row in rows:
            if row["status"] == "held":
                row["next_attempt_at"] = self._next_send_moment(timer.fire_at)
        return "queued", rows

    @staticmethod
    def _insert(session: Session, composed: dict[int, list[NewMail]], failed: dict[int, Exception]) -> int:
        """The batch's mails in one INSERT; if that fails (a value too long for its column, say),
        reminder by reminder, so only the reminder whose mails cannot be stored fails."""
        try:
            with session.begin_nested():
                return insert_ignoring_duplicates(session, [row for rows in composed.values() for row in rows])
        except Exception:  # noqa: BLE001 - found below, reminder by reminder
            inserted = 0
            for timer_id, rows in composed.items():
                try:
                    with session.begin_nested():
                        inserted += insert_ignoring_duplicates(session, rows)
                except Exception as exc:  # noqa: BLE001
                    failed[timer_id] = exc
            return inserted

    def _failed(self, session: Session, timer: Timer, exc: Exception, batch: _Batch, now: dt.datetime,
                report: SweepReport) -> None:
        """Mark the reminder with its error: unclaimed again with a backoff, or after the last
        attempt 'failed' (claimed, so no sweep takes it until `zyklus timers retry`)."""
        attempts = timer.attempts + 1
        error = one_line(exc)
        retry_at = None if attempts >= self.policy.max_attempts else self.policy.next_attempt(to_db(now), attempts)
        values: dict[str, Any] = {"attempts": attempts, "last_error": error}
        if retry_at is None:
            values.update(outcome="failed", retry_at=None)
        else:
            values.update(claimed_at=None, outcome=None, retry_at=retry_at)
        session.execute(update(Timer).where(col(Timer.id) == timer.id).values(**values)
                        .execution_options(synchronize_session=False))
        ags = batch.ags(timer)
        log.error("reminder #%s (%s, cycle #%s, %s %s) failed, attempt %s of %s", timer.id, ags, timer.cycle_id,
                  timer.kind, timer.rule, attempts, self.policy.max_attempts, exc_info=exc)
        report.failures.append({"what": "reminder", "id": timer.id, "ags": ags, "cycle_id": timer.cycle_id,
                                "kind": timer.kind, "rule": timer.rule, "error": error, "attempts": attempts,
                                "retry_at": retry_at.isoformat() if retry_at else None})

    @staticmethod
    def _latest_deadline_timers(timers: list[Timer]) -> dict[tuple[Any, ...], int]:
        """Of several reminders about the same deadline or event that are due together (the
        server was down, or `remind --now` jumped ahead), only the latest is worth sending."""
        latest: dict[tuple[Any, ...], Timer] = {}
        for timer in timers:
            key = _subject(timer)
            if key is not None and (key not in latest or (timer.fire_at, timer.id) > (latest[key].fire_at,
                                                                                          latest[key].id)):
                latest[key] = timer
        return {key: timer.id for key, timer in latest.items()}

    @staticmethod
    def _due_unclaimed(session: Session, timers: list[Timer], now: dt.datetime) -> list[Timer]:
        """Reminders of the batch's cycles that are due too but fall to a later batch: a later
        reminder about the same deadline or event supersedes this batch's across batches as well."""
        cycle_ids = {t.cycle_id for t in timers if _subject(t) is not None}
        if not cycle_ids:
            return []
        return list(session.exec(select(Timer).where(col(Timer.cycle_id).in_(cycle_ids), *_due_timers(to_db(now)),
                                                     col(Timer.kind).in_(DEADLINE_KINDS + ("review", "event")
                                                                         + MONITORING_KINDS))))

    def _plan_next_review(self, session: Session, timer: Timer, cycle: Cycle) -> None:
        """Reviews recur for as long as the phase lasts: each occurrence plans the next one."""
        definition = self.service.definition(session, cycle.definition_id)
        review_id = timer.label or ""
        if timer.phase not in definition.phases or review_id not in definition.phases[timer.phase].reviews:
            return
        already = session.exec(select(Timer.id).where(Timer.cycle_id == cycle.id, Timer.kind == "review",
                                                      Timer.label == review_id,
                                                      col(Timer.occurrence) > timer.occurrence)).first()
        if already is not None:
            return
        session.flush()  # a sibling reminder of this occurrence may have planned it in this batch
        today, occurrence = self.service.today(), timer.occurrence + 1
        planned = plan_review(definition, timer.phase, review_id, cycle.phase_entered_on, today, occurrence=occurrence)
        while planned and all(p.due_on < today for p in planned):
            # After downtime, continue with the first review still ahead: walking the past ones one
            # sweep at a time would delay (and could make miss) the reminder of the next.
            occurrence += 1
            planned = plan_review(definition, timer.phase, review_id, cycle.phase_entered_on, today,
                                  occurrence=occurrence)
        self.planner.insert(session, cycle.id, planned, timer.sequence)

    def _next_send_moment(self, fire_at: dt.datetime) -> dt.datetime:
        """Digest recipients get the collection at the first send hour at or after the reminder fell
        due: a reminder of 07:00 is in that morning's digest even if the sweep runs at 07:04."""
        day = fire_at.astimezone(self.service.tz).date()
        moment = fire_moment(day, self.planner.send_hour, self.service.tz)
        return moment if moment >= to_db(fire_at) else fire_moment(day + dt.timedelta(days=1),
                                                                   self.planner.send_hour, self.service.tz)

    # -- digests ----------------------------------------------------------------------------------
    def _digests(self, now: dt.datetime, report: SweepReport) -> int:
        moment = to_db(now)
        made = 0
        with Session(self.service.engine) as session:
            held = list(session.exec(select(Outbox).where(Outbox.status == "held", col(Outbox.next_attempt_at) <= moment)
                                     .order_by(col(Outbox.id))))
            groups: dict[str, list[Outbox]] = defaultdict(list)
            for row in held:
                groups[row.recipient].append(row)
            for recipient, candidates in groups.items():
                try:
                    with session.begin_nested():
                        made += self._digest(session, recipient, candidates, moment)
                except Exception as exc:  # noqa: BLE001 - one recipient's digest never stops the others'
                    self._digest_failed(session, recipient, candidates, exc, moment, report)
            session.commit()
        return made

    def _digest(self, session: Session, recipient: str, candidates: list[Outbox], moment: dt.datetime) -> int:
        day = self.service.today()
        key = f"digest:{recipient}:{day.isoformat()}:{candidates[0].id}"
        # Take the rows first: of two sweeps racing here, each digests only the rows its
        # own UPDATE returned, so no row ends up marked for a digest that lacks it.
        taken = set(session.execute(
            update(Outbox).where(col(Outbox.id).in_([r.id for r in candidates]), col(Outbox.status) == "held")
            .values(status="digested", digest_key=key).returning(Outbox.id)).scalars())
        rows = [r for r in candidates if r.id in taken]
        if not rows:
            return 0
        first = rows[0]
        rendered = self.composer.renderer.render(
            "digest", first.language,  # type: ignore[arg-type]
            {"recipient_name": first.recipient_name, "day": day,
             "items": [{"subject": r.subject, "text": r.text} for r in rows]})
        digest = Outbox(key=key, kind="digest", recipient=recipient, recipient_name=first.recipient_name,
                        language=first.language, subject=rendered.subject, text=rendered.text,
                        html=rendered.html, message_id=message_id_for(key, self.composer.settings.domain),
                        next_attempt_at=moment, created_at=moment)
        return insert_ignoring_duplicates(session, [digest])

    @staticmethod
    def _digest_failed(session: Session, recipient: str, candidates: list[Outbox], exc: Exception,
                       moment: dt.datetime, report: SweepReport) -> None:
        """The collection could not be built: its mails go out one by one, each already rendered
        and stored, with the reason on every row (`zyklus outbox`)."""
        error = one_line(exc)
        log.error("digest for %s could not be built; its %d mails are sent one by one", recipient, len(candidates),
                  exc_info=exc)
        session.execute(update(Outbox).where(col(Outbox.id).in_([r.id for r in candidates]),
                                             col(Outbox.status) == "held")
                        .values(status="pending", next_attempt_at=moment, last_error=f"digest: {error}")
                        .execution_options(synchronize_session=False))
        report.failures.append({"what": "digest", "recipient": recipient, "mails": len(candidates), "error": error})
