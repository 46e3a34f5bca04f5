"""The reminder planner: subscribes to the engine's events and keeps the timer rows in step.

It runs inside the engine's unit of work, so a transition and its reminders commit together or
not at all. Only unclaimed timers are ever deleted: what a sweep has claimed stays as a record.

The monitoring reminders (missing indicator values, stale measures) are planned by
:class:`notifications.monitoring.MonitoringPlanner` from the programme's events. A new cycle's
programme is copied by the engine's carry-over, which the Service subscribes before any entry
point subscribes this planner, so at CycleStarted the copied indicators and measures are there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, func, insert, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from engine.clock import to_db
from engine.db.tables import Cycle, DefinitionVersion, Municipality
from engine.definitions.model import Definition
from engine.errors import NotFound
from engine.events import (CycleCompleted, CycleStarted, DeadlineChanged, DefinitionMigrated, DomainEvent,
                           IndicatorsAdded, IndicatorValueRecorded, IndicatorValuesImported, MeasureStatusChanged,
                           PhaseEntered, ValuesDueChanged)
from engine.i18n import Language, m
from engine.service import Service
from notifications.monitoring import STALE_MEASURES, VALUES_DUE, MonitoringPlanner
from notifications.planning import CYCLE_WIDE, Planned, plan_events, plan_phase
from notifications.tables import Timer

if TYPE_CHECKING:
    from notifications.cancellations import Cancellations

DEADLINE_KINDS = ("before", "due", "overdue", "escalation")


def fire_moment(day: dt.date, hour: int, tz: ZoneInfo) -> dt.datetime:
    """Reminders of a day go out at the configured local morning hour, stored as naive UTC."""
    return to_db(dt.datetime.combine(day, dt.time(hour), tzinfo=tz))


class TimerPlanner:
    EVENTS: tuple[type[DomainEvent], ...] = (PhaseEntered, DeadlineChanged, CycleCompleted, CycleStarted,
                                            DefinitionMigrated, IndicatorsAdded, ValuesDueChanged,
                                            IndicatorValueRecorded, IndicatorValuesImported, MeasureStatusChanged)
    """The events it plans (and cancels) reminders for: what it is subscribed to."""

    def __init__(self, service: Service, send_hour: int = 7, cancellations: "Cancellations | None" = None) -> None:
        self.service = service
        self.send_hour = send_hour
        self.monitoring = MonitoringPlanner(service, self.insert)
        self.cancellations = cancellations
        """Without it (tools that plan but never mail) calendar entries are not cancelled."""

    def __call__(self, event: DomainEvent, session: Session) -> None:
        if isinstance(event, PhaseEntered):
            self._phase_entered(event, session)
        elif isinstance(event, DeadlineChanged):
            self._deadline_changed(event, session)
        elif isinstance(event, CycleCompleted):
            self._drop(session, event.cycle_id, phase_only=False)
            self._cancel(session, event.cycle_id, lambda timer: timer.phase == CYCLE_WIDE, "completed")
        elif isinstance(event, CycleStarted):
            self._cycle_started(event, session)
        elif isinstance(event, DefinitionMigrated):
            self._migrated(event, session)
        elif isinstance(event, (IndicatorsAdded, ValuesDueChanged, IndicatorValueRecorded, IndicatorValuesImported)):
            self.monitoring.sync(session, session.get(Cycle, event.cycle_id), (VALUES_DUE,))
        elif isinstance(event, MeasureStatusChanged):
            self.monitoring.sync(session, session.get(Cycle, event.cycle_id), (STALE_MEASURES,))

    # -- event handlers ---------------------------------------------------------------------------
    def _phase_entered(self, event: PhaseEntered, session: Session) -> None:
        cycle = session.get(Cycle, event.cycle_id)
        definition = self.service.definition(session, cycle.definition_id)
        self._drop(session, event.cycle_id, phase_only=True)
        self._cancel(session, event.cycle_id, lambda timer: timer.phase in (event.phase, CYCLE_WIDE), "advanced")
        sequence = self._next_sequence(session, event.cycle_id, event.phase)
        planned = plan_phase(definition, event.phase, event.entered_on, event.due_on, self.service.today())
        self.insert(session, event.cycle_id, planned, sequence)

    def _deadline_changed(self, event: DeadlineChanged, session: Session) -> None:
        cycle = session.get(Cycle, event.cycle_id)
        definition = self.service.definition(session, cycle.definition_id)
        sequence = self._next_sequence(session, event.cycle_id, event.phase)
        session.execute(delete(Timer).where(col(Timer.cycle_id) == event.cycle_id, col(Timer.phase) == event.phase,
                                            col(Timer.claimed_at).is_(None), col(Timer.kind).in_(DEADLINE_KINDS)))
        planned = plan_phase(definition, event.phase, cycle.phase_entered_on, event.due_on, self.service.today())
        self.insert(session, event.cycle_id, [p for p in planned if p.kind in DEADLINE_KINDS], sequence)

    def _cycle_started(self, event: CycleStarted, session: Session) -> None:
        cycle = session.get(Cycle, event.cycle_id)
        definition = self.service.definition(session, cycle.definition_id)
        today = self.service.today()
        planned = plan_events(definition, event.number, event.started_on, today)
        if event.previous_cycle_id is not None:
            planned.append(Planned(CYCLE_WIDE, "cycle_started", "cycle_started", 1, max(event.started_on, today),
                                   None, ("coordination",)))
        self.insert(session, event.cycle_id, planned, 0)
        self.monitoring.sync(session, cycle)  # the programme the carry-over copied

    def _migrated(self, event: DefinitionMigrated, session: Session) -> None:
        """Re-plan what the old version decided: the phase's reminders and reviews, and the
        programme dates. A cycle that stayed in its phase gets no second "phase begins" mail."""
        cycle = session.get(Cycle, event.cycle_id)
        definition = self.service.definition(session, cycle.definition_id)
        today = self.service.today()
        session.execute(delete(Timer).where(col(Timer.cycle_id) == event.cycle_id, col(Timer.claimed_at).is_(None),
                                            col(Timer.kind) != "cycle_started"))
        moved = event.phase != event.from_phase
        previous = session.exec(select(DefinitionVersion.id).where(DefinitionVersion.version == event.from_version)).first()
        self._cancel(session, event.cycle_id, lambda timer: _in_version(timer, definition, cycle), "migrated",
                     made_by=self.service.definition(session, previous) if previous is not None else None)
        planned = [p for p in plan_phase(definition, cycle.phase, cycle.phase_entered_on, cycle.due_on, today)
                   if moved or p.kind != "enter"]
        planned += plan_events(definition, cycle.number, cycle.started_on, today)
        self.insert(session, event.cycle_id, planned, self._next_sequence(session, event.cycle_id, cycle.phase))
        self.monitoring.sync(session, cycle)  # under the new version's [monitoring] rules

    # -- helpers ----------------------------------------------------------------------------------
    def _cancel(self, session: Session, cycle_id: int, applies: Callable[[Timer], bool], reason: str,
                made_by: Definition | None = None) -> None:
        """Calendar entries whose latest reminder no longer ``applies`` are cancelled by mail."""
        if self.cancellations is not None:
            self.cancellations.cancel(session, cycle_id, applies=applies, reason=reason,
                                      next_sequence=self._next_sequence, made_by=made_by)

    def _drop(self, session: Session, cycle_id: int, *, phase_only: bool) -> None:
        # No Timer objects live in this session, so the table is enough: nothing to synchronise.
        session.connection().execute(_DROP_PHASE if phase_only else _DROP_ALL,
                                     {"cycle": cycle_id, "wide": CYCLE_WIDE})

    def _next_sequence(self, session: Session, cycle_id: int, phase: str) -> int:
        """The iCalendar SEQUENCE of the phase's deadline: one more than any earlier plan."""
        current = session.connection().execute(_MAX_SEQUENCE, {"cycle": cycle_id, "phase": phase}).scalar()
        return 0 if current is None else current + 1

    def insert(self, session: Session, cycle_id: int, planned: Iterable[Planned], sequence: int) -> None:
        """One executemany INSERT for a phase's ten-odd timers: building ORM objects for rows nobody
        reads back in this transaction cost more than the rest of an advance (bench/)."""
        tz, now, today = self.service.tz, self.service.clock.now(), self.service.today()
        rows = []
        for p in planned:
            fire_at = fire_moment(p.fire_on, self.send_hour, tz)
            if p.kind in ("enter", "cycle_started") and p.fire_on <= today:
                fire_at = to_db(now)  # what it announces happens now (a digest takes it at the next send hour)
            rows.append({"cycle_id": cycle_id, "phase": p.phase, "kind": p.kind, "rule": p.rule,
                         "occurrence": p.occurrence, "sequence": sequence, "fire_on": p.fire_on,
                         "fire_at": fire_at, "due_on": p.due_on, "label": p.label_key, "roles": list(p.roles),
                         "claimed_at": None, "outcome": None})
        if rows:  # the table, not the class: the ORM's bulk insert splits rows by which values are None
            session.connection().execute(_INSERT, rows)


# Built once: the planner runs in every advance, and building these cost as much as running them.
_TIMER = Timer.__table__
_INSERT = insert(_TIMER)
_DROP_ALL = delete(_TIMER).where(_TIMER.c.cycle_id == bindparam("cycle"), _TIMER.c.claimed_at.is_(None))
_DROP_PHASE = _DROP_ALL.where(_TIMER.c.phase != bindparam("wide"))
_MAX_SEQUENCE = select(func.max(_TIMER.c.sequence)).where(_TIMER.c.cycle_id == bindparam("cycle"),
                                                          _TIMER.c.phase == bindparam("phase"))


def _in_version(timer: Timer, definition: Definition, cycle: Cycle) -> bool:
    """Whether a reminder's calendar entry still exists in the version a cycle migrated to: a
    programme event it still names, or the current phase's deadline and reviews."""
    if timer.phase == CYCLE_WIDE:
        return timer.label is None or timer.label in definition.events
    if timer.phase != cycle.phase:
        return False
    if timer.label is None:
        return cycle.due_on is not None
    return timer.label in definition.phases[cycle.phase].reviews


# -- the operator's view of failing reminders ---------------------------------------------------------
def failing(engine: Engine, *, failed_only: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    """Reminders that raised in a sweep: still retrying (with their next attempt) or, after the
    last attempt, 'failed'. Newest first, like `zyklus outbox`."""
    with Session(engine) as session:
        query = (select(Timer, Municipality.ags, Cycle.number).join(Cycle, col(Timer.cycle_id) == Cycle.id)
                 .join(Municipality, col(Cycle.municipality_id) == Municipality.id)
                 .where(col(Timer.attempts) > 0).order_by(col(Timer.id).desc()).limit(limit))
        query = query.where(Timer.outcome == "failed") if failed_only else query.where(
            or_(col(Timer.outcome) == "failed", col(Timer.claimed_at).is_(None)))
        return [{"id": timer.id, "ags": ags, "cycle": number, "phase": timer.phase, "kind": timer.kind,
                 "rule": timer.rule, "fire_on": timer.fire_on.isoformat(),
                 "status": "failed" if timer.outcome == "failed" else "retrying", "attempts": timer.attempts,
                 "retry_at": timer.retry_at.isoformat() if timer.retry_at else None, "last_error": timer.last_error}
                for timer, ags, number in session.exec(query)]


def retry(engine: Engine, timer_id: int, lang: Language = "de") -> None:
    """An operator gives a failed reminder a fresh set of attempts from the next sweep on (after
    fixing its cause, e.g. `zyklus workflow migrate` off a broken stored definition)."""
    with Session(engine) as session:
        done = session.execute(update(Timer).where(col(Timer.id) == timer_id, col(Timer.attempts) > 0,
                                                   or_(col(Timer.outcome) == "failed", col(Timer.claimed_at).is_(None)))
                               .values(claimed_at=None, outcome=None, attempts=0, retry_at=None))
        if done.rowcount != 1:
            raise NotFound(m("timers.unknown", lang, id=timer_id))
        session.commit()
