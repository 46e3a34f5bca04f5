"""One sweep: claim due timers, write outbox rows, start due cycles, build digests, deliver.

The cost follows what is due, not how many cycles exist: timers are found through an index on
(claimed_at, fire_at) in batches. Each batch is claimed and turned into outbox rows in one
transaction, so a crash leaves either nothing or a complete batch; a second sweep at the same
moment finds nothing unclaimed and its inserts hit the outbox's unique key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from engine.clock import to_db
from engine.db.tables import Cycle, Fact, Municipality, Person
from engine.service import Service
from notifications.compose import Composer
from notifications.mail import message_id_for
from notifications.monitoring import KINDS as MONITORING_KINDS
from notifications.outbox import RetryPolicy, Transport, clear_old_bodies, dispatch, insert_ignoring_duplicates
from notifications.planning import CYCLE_WIDE, plan_review
from notifications.tables import Outbox, Timer
from notifications.timers import DEADLINE_KINDS, TimerPlanner, fire_moment


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

    def as_dict(self) -> dict[str, Any]:
        return {"now": self.now.isoformat(), "claimed": self.claimed, "queued": self.queued,
                "superseded": self.superseded, "stale": self.stale, "satisfied": self.satisfied,
                "restarted": [{"ags": a, "cycle": n} for a, n in self.restarted], "digests": self.digests,
                "delivery": self.delivery, "mails": self.planned_mails, "template_errors": self.template_errors,
                "bodies_cleared": self.bodies_cleared}


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
                 sender: str, policy: RetryPolicy, batch_size: int = 200, retention_days: int = 0) -> None:
        self.service = service
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
            report.restarted = self.service.start_due_restarts()
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
        report.digests = self._digests(now)
        report.template_errors = list(dict.fromkeys(self.composer.renderer.override_errors))
        self.composer.renderer.override_errors.clear()
        if deliver:
            report.delivery = dispatch(self.service.engine, now, self.transport, self.sender, self.policy,
                                       self.batch_size)
        report.bodies_cleared = clear_old_bodies(self.service.engine, now, self.retention_days)
        return report

    # -- timers -----------------------------------------------------------------------------------
    def _claim(self, session: Session, now: dt.datetime) -> list[Timer]:
        moment = to_db(now)
        ids = list(session.exec(select(Timer.id).where(col(Timer.claimed_at).is_(None), col(Timer.fire_at) <= moment)
                                .order_by(col(Timer.fire_at), col(Timer.id)).limit(self.batch_size)))
        if not ids:
            return []
        claimed = list(session.execute(update(Timer).where(col(Timer.id).in_(ids), col(Timer.claimed_at).is_(None))
                                       .values(claimed_at=moment).returning(Timer.id)).scalars())
        return list(session.exec(select(Timer).where(col(Timer.id).in_(claimed)).order_by(col(Timer.fire_at))))

    def _process(self, session: Session, timers: list[Timer], now: dt.datetime, report: SweepReport,
                 collect: bool) -> None:
        report.claimed += len(timers)
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
        outcomes: dict[int, str] = {}
        rows: list[Outbox] = []
        today = self.service.today()
        for timer in timers:
            cycle = cycles[timer.cycle_id]
            listing = None
            if cycle.status != "running" or (timer.phase != CYCLE_WIDE and timer.phase != cycle.phase):
                outcomes[timer.id] = "stale"
            elif timer.kind in ("before", "due", "review", "event") and timer.due_on and timer.due_on < today:
                outcomes[timer.id] = "missed"  # a reminder of a date already past helps nobody
            elif latest.get(_subject(timer), timer.id) != timer.id:
                outcomes[timer.id] = "superseded"  # after downtime, one mail says where things stand
            elif timer.kind in MONITORING_KINDS and not (
                    listing := self.planner.monitoring.listing(session, timer.kind, cycle)):
                outcomes[timer.id] = "satisfied"  # the values were recorded, the measures moved on
            else:
                municipality = municipalities[cycle.municipality_id]
                composed = self.composer.compose(session, timer, cycle, municipality, people[municipality.id],
                                                 facts[cycle.id], now, extra=listing.context if listing else None)
                for row in composed:
                    if row.status == "held":
                        row.next_attempt_at = self._next_send_moment(timer.fire_at)
                rows.extend(composed)
                outcomes[timer.id] = "queued"
            if timer.kind == "review" and outcomes[timer.id] != "stale":
                self._plan_next_review(session, timer, cycles[timer.cycle_id])
            elif timer.kind in MONITORING_KINDS and outcomes[timer.id] != "stale":
                self.planner.monitoring.sync(session, cycle, (timer.kind,))  # next year's, the next span's
        report.queued += insert_ignoring_duplicates(session, rows)
        report.superseded += sum(1 for o in outcomes.values() if o == "superseded")
        report.stale += sum(1 for o in outcomes.values() if o in ("stale", "missed"))
        report.satisfied += sum(1 for o in outcomes.values() if o == "satisfied")
        if collect:
            report.planned_mails += [{"to": r.recipient, "subject": r.subject, "kind": r.kind} for r in rows]
        by_outcome: dict[str, list[int]] = defaultdict(list)
        for timer_id, outcome in outcomes.items():
            by_outcome[outcome].append(timer_id)
        for outcome, ids in by_outcome.items():
            session.execute(update(Timer).where(col(Timer.id).in_(ids)).values(outcome=outcome))

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
        return list(session.exec(select(Timer).where(col(Timer.cycle_id).in_(cycle_ids), col(Timer.claimed_at).is_(None),
                                                     col(Timer.fire_at) <= to_db(now),
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
    def _digests(self, now: dt.datetime) -> int:
        moment = to_db(now)
        made = 0
        with Session(self.service.engine) as session:
            held = list(session.exec(select(Outbox).where(Outbox.status == "held", col(Outbox.next_attempt_at) <= moment)
                                     .order_by(col(Outbox.id))))
            groups: dict[str, list[Outbox]] = defaultdict(list)
            for row in held:
                groups[row.recipient].append(row)
            day = self.service.today()
            for recipient, candidates in groups.items():
                key = f"digest:{recipient}:{day.isoformat()}:{candidates[0].id}"
                # Take the rows first: of two sweeps racing here, each digests only the rows its
                # own UPDATE returned, so no row ends up marked for a digest that lacks it.
                taken = set(session.execute(
                    update(Outbox).where(col(Outbox.id).in_([r.id for r in candidates]), col(Outbox.status) == "held")
                    .values(status="digested", digest_key=key).returning(Outbox.id)).scalars())
                rows = [r for r in candidates if r.id in taken]
                if not rows:
                    continue
                first = rows[0]
                rendered = self.composer.renderer.render(
                    "digest", first.language,  # type: ignore[arg-type]
                    {"recipient_name": first.recipient_name, "day": day,
                     "items": [{"subject": r.subject, "text": r.text} for r in rows]})
                digest = Outbox(key=key, kind="digest", recipient=recipient, recipient_name=first.recipient_name,
                                language=first.language, subject=rendered.subject, text=rendered.text,
                                html=rendered.html, message_id=message_id_for(key, self.composer.settings.domain),
                                next_attempt_at=moment, created_at=moment)
                made += insert_ignoring_duplicates(session, [digest])
            session.commit()
        return made
