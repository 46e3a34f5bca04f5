"""A new cycle inherits the previous cycle's action programme.

Subscribed to :class:`engine.events.CycleStarted`, so it runs inside the unit of work that
creates the cycle: the copy commits with the new cycle or not at all, and the guards that make a
restart happen exactly once (the compare-and-set on the completed cycle, the unique cycle
number) make the copy happen exactly once too.

What carries over (issue 5): every goal; every indicator with its targets and the baseline the
council adopted — unless the workflow's restart rule says ``baseline = "latest"``, then the
latest observed value becomes the new baseline (issue 12: replacing it by default restarted
every share of target near 0 % against the same target); every measure (with its links to indicators) that is still open
(planned, in progress, delayed), keeping its status and dates and pointing back to where it
came from. A new programme sets a new baseline with ``zyklus indicator baseline``.

Of the report's own texts only the Leitbild carries over: it is the lasting vision the next
report starts from. The foreword, the next steps and the interpretations speak of one cycle's
report and evaluation; carried over, last cycle's words would be published as this cycle's.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from engine.clock import Clock, stamp
from engine.db.indicator_tables import (OPEN_MEASURE_STATUSES, Goal, Indicator, IndicatorTarget, IndicatorValue,
                                        Measure, MeasureEvent, MeasureIndicator)
from engine.db.report_tables import ReportText
from engine.db.tables import Cycle
from engine.events import CycleStarted, DomainEvent

_NEW_ROW = {"id", "cycle_id", "created_at"}


class CarryOver:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def __call__(self, event: DomainEvent, session: Session) -> None:
        if isinstance(event, CycleStarted) and event.previous_cycle_id is not None:
            self.copy(session, event.previous_cycle_id, session.get(Cycle, event.cycle_id),
                      latest_baseline=event.baseline == "latest")

    def copy(self, session: Session, previous_id: int, cycle: Cycle, *, latest_baseline: bool = False) -> None:
        moment = stamp(self.clock)
        goals: dict[int, int] = {}
        copies: list[tuple[Goal, int | None]] = []
        indicators: dict[int, int] = {}
        for goal in session.exec(select(Goal).where(Goal.cycle_id == previous_id).order_by(col(Goal.id))).all():
            copy = Goal(**goal.model_dump(exclude=_NEW_ROW | {"parent_id"}), cycle_id=cycle.id, created_at=moment)
            session.add(copy)
            session.flush()
            goals[goal.id] = copy.id  # type: ignore[index]
            copies.append((copy, goal.parent_id))
        for copy, parent_id in copies:  # the tree after every goal exists: a parent may be newer
            copy.parent_id = goals.get(parent_id or 0)
            session.add(copy)
        latest = self._latest_values(session, cycle.municipality_id) if latest_baseline else {}
        for indicator in session.exec(select(Indicator).where(Indicator.cycle_id == previous_id)
                                      .order_by(col(Indicator.id))).all():
            baseline = latest.get(indicator.key, (indicator.baseline_year, indicator.baseline_value))
            copy = Indicator(**indicator.model_dump(exclude=_NEW_ROW | {"goal_id", "baseline_year", "baseline_value"}),
                             cycle_id=cycle.id, created_at=moment, goal_id=goals.get(indicator.goal_id or 0),
                             baseline_year=baseline[0], baseline_value=baseline[1])
            session.add(copy)
            session.flush()
            indicators[indicator.id] = copy.id  # type: ignore[index]
            session.add_all(IndicatorTarget(indicator_id=copy.id, year=target.year, value=target.value)
                            for target in session.exec(select(IndicatorTarget)
                                                       .where(IndicatorTarget.indicator_id == indicator.id)))
        for measure in session.exec(select(Measure).where(Measure.cycle_id == previous_id,
                                                          col(Measure.status).in_(OPEN_MEASURE_STATUSES))
                                    .order_by(col(Measure.id))).all():
            copy = Measure(**measure.model_dump(exclude=_NEW_ROW | {"goal_id", "carried_from_id"}),
                           cycle_id=cycle.id, created_at=moment, goal_id=goals.get(measure.goal_id or 0),
                           carried_from_id=measure.id)
            session.add(copy)
            session.flush()
            session.add(MeasureEvent(measure_id=copy.id, on=cycle.started_on, status=copy.status, actor="system",
                                     at=moment))
            session.add_all(MeasureIndicator(measure_id=copy.id, indicator_id=indicators[link.indicator_id])
                            for link in session.exec(select(MeasureIndicator)
                                                     .where(MeasureIndicator.measure_id == measure.id)))
        leitbild = session.exec(select(ReportText).where(ReportText.cycle_id == previous_id,
                                                         ReportText.kind == "leitbild")
                                .order_by(col(ReportText.id).desc())).first()
        if leitbild is not None and leitbild.text:
            session.add(ReportText(cycle_id=cycle.id, kind="leitbild", text=leitbild.text, actor=leitbild.actor,
                                   recorded_at=moment))

    @staticmethod
    def _latest_values(session: Session, municipality_id: int) -> dict[str, tuple[int, float]]:
        newest = (select(IndicatorValue.key, func.max(IndicatorValue.year).label("year"))
                  .where(IndicatorValue.municipality_id == municipality_id).group_by(IndicatorValue.key).subquery())
        rows = session.exec(select(IndicatorValue.key, IndicatorValue.year, IndicatorValue.value)
                            .join(newest, (col(IndicatorValue.key) == newest.c.key)
                                  & (col(IndicatorValue.year) == newest.c.year))
                            .where(IndicatorValue.municipality_id == municipality_id)).all()
        return {key: (year, value) for key, year, value in rows}
