"""Monitoring reminders: yearly indicator values still missing, and measures whose status has
not changed for a while (the definition's ``[monitoring]`` rules).

One timer per cycle, kind and day, never one per indicator or measure, because:
- a coordinator gets one mail a day listing every missing value (or every stale measure), not
  twenty; the grouping holds across the sweep's batches, as there is only one row to claim;
- the sweep's cost follows what is due: a fired timer reads its own cycle's programme, and no
  sweep walks the indicators of every municipality;
- what a mail lists is decided when it fires, from the rows as they are then: a value recorded
  or a status changed after planning is never reminded of, and when nothing is left there is no
  mail at all (the timer's outcome is "satisfied").

The planner keeps the rows in step (:meth:`MonitoringPlanner.sync`): after a programme change it
computes the days the cycle's indicators and measures need next, deletes the waiting timers no
longer needed and inserts the missing ones. The sweep calls the same after a timer fired, which
plans the next year's (or the next span's) reminder.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from engine.dates import Duration
from engine.db.indicator_tables import MEASURE_STATUSES, OPEN_MEASURE_STATUSES, Indicator, IndicatorValue, Measure
from engine.db.tables import Cycle
from engine.definitions.model import Monitoring
from engine.i18n import Language, t
from engine.indicators.catalogue import indicator_name
from engine.service import Service
from notifications.monitoring_dates import is_stale, open_due_date, stale_day, values_due_days
from notifications.planning import CYCLE_WIDE, Planned
from notifications.tables import Timer

VALUES_DUE = "values_due"
STALE_MEASURES = "stale_measures"
KINDS = (VALUES_DUE, STALE_MEASURES)

Insert = Callable[[Session, int, Iterable[Planned], int], None]


def _offsets(rules: Monitoring) -> list[Duration]:
    return [Duration.parse(offset) for offset in rules.values_due_before]


@dataclass(frozen=True)
class Listing:
    """What a fired monitoring timer reminds of: missing values or stale measures, as of ``today``."""

    kind: str
    items: tuple[Any, ...]
    today: dt.date

    def __bool__(self) -> bool:
        return bool(self.items)

    def context(self, lang: Language) -> dict[str, Any]:
        """Template variables (documented at the top of the shipped .txt.j2 templates)."""
        if self.kind == VALUES_DUE:
            groups: dict[dt.date, list[dict[str, Any]]] = defaultdict(list)
            for row, year, due in self.items:
                groups[due].append({"key": row.key, "name": indicator_name(row, lang), "unit": row.unit, "year": year,
                                    "source": row.source or ""})
            return {"count": len(self.items),
                    "groups": [{"due_on": due, "days_left": (due - self.today).days, "indicators": indicators}
                               for due, indicators in sorted(groups.items())]}
        return {"count": len(self.items), "statuses": ", ".join(_typed(t(f"measure.status.{status}", lang))
                                                               for status in MEASURE_STATUSES),
                "measures": [{"key": m.key, "title": m.title, "status": m.status,
                              "status_label": t(f"measure.status.{m.status}", lang), "status_on": m.status_on,
                              "days": (self.today - m.status_on).days, "responsible": m.responsible or ""}
                             for m in self.items]}


def _typed(label: str) -> str:
    """A status label as it is typed into `zyklus measure status` (which reads the labels of
    every language): quoted when it has a space („in Umsetzung“), so the mail shows no ids."""
    return f'"{label}"' if " " in label else label


class MonitoringPlanner:
    def __init__(self, service: Service, insert: Insert) -> None:
        self.service = service
        self.insert = insert

    # -- planning -------------------------------------------------------------------------------
    def sync(self, session: Session, cycle: Cycle, kinds: Sequence[str] = KINDS) -> None:
        """Make the cycle's waiting timers of these kinds, from today on, the ones its programme
        needs now. Those of past days that no sweep has claimed yet (the scheduler was down) stay:
        the next sweep decides what they list, or that there is nothing left to say."""
        if cycle.status != "running":
            return  # values outlive cycles, reminders do not: a completed cycle has none
        rules = self.service.definition(session, cycle.definition_id).monitoring_rules
        today = self.service.today()
        for kind in kinds:
            ahead = session.exec(select(Timer).where(Timer.cycle_id == cycle.id, Timer.kind == kind,
                                                     col(Timer.fire_on) >= today)).all()
            fired = {timer.fire_on for timer in ahead if timer.claimed_at is not None}
            waiting = {timer.fire_on: timer for timer in ahead if timer.claimed_at is None}
            wanted = self._wanted(session, cycle, kind, rules, today, fired) if rules.roles else set()
            for day in set(waiting) - wanted:
                session.delete(waiting[day])
            self.insert(session, cycle.id, [Planned(CYCLE_WIDE, kind, f"{kind}:{day.isoformat()}", 1, day, None,
                                                    tuple(rules.roles))
                                            for day in sorted(wanted - set(waiting))], 0)

    def _wanted(self, session: Session, cycle: Cycle, kind: str, rules: Monitoring, today: dt.date,
                fired: set[dt.date]) -> set[dt.date]:
        if kind == VALUES_DUE:
            offsets = _offsets(rules)
            indicators = session.exec(select(Indicator.key, Indicator.values_due, Indicator.publication_lag)
                                      .where(Indicator.cycle_id == cycle.id)).all()
            recorded: dict[str, set[int]] = defaultdict(set)
            for key, year in session.exec(select(IndicatorValue.key, IndicatorValue.year).where(
                    IndicatorValue.municipality_id == cycle.municipality_id,
                    col(IndicatorValue.key).in_([key for key, _, _ in indicators]),
                    col(IndicatorValue.year) >= today.year - max((lag for _, _, lag in indicators), default=1))):
                recorded[key].add(year)
            return {day for key, values_due, lag in indicators
                    for day in values_due_days(values_due, offsets, recorded[key], today, fired, lag)}
        span = rules.stale_after
        if span is None:
            return set()
        status_days = session.exec(select(Measure.status_on).where(
            Measure.cycle_id == cycle.id, col(Measure.status).in_(OPEN_MEASURE_STATUSES))).all()
        return {stale_day(status_on, span, today, fired) for status_on in status_days}

    # -- what a fired timer lists ---------------------------------------------------------------
    def listing(self, session: Session, kind: str, cycle: Cycle) -> Listing:
        rules = self.service.definition(session, cycle.definition_id).monitoring_rules
        today = self.service.today()
        if kind == VALUES_DUE:
            return Listing(kind, tuple(self._missing_values(session, cycle, _offsets(rules), today)), today)
        span = rules.stale_after
        measures = [] if span is None else session.exec(select(Measure).where(
            Measure.cycle_id == cycle.id, col(Measure.status).in_(OPEN_MEASURE_STATUSES))
            .order_by(col(Measure.status_on), col(Measure.id))).all()
        return Listing(kind, tuple(m for m in measures if is_stale(m.status_on, span, today)), today)  # type: ignore[arg-type]

    @staticmethod
    def _missing_values(session: Session, cycle: Cycle, offsets: list[Duration],
                        today: dt.date) -> list[tuple[Indicator, int, dt.date]]:
        """Every indicator whose value is asked for and still missing, including those overdue:
        one mail says everything that is outstanding. The year asked for is the due date's year
        minus the indicator's publication lag (what its source has published by then). A value
        is asked for from its due date's first reminder on, and only for due dates since the indicator joined the programme: an
        indicator adopted today is not overdue with the years before."""
        indicators = session.exec(select(Indicator).where(Indicator.cycle_id == cycle.id)
                                  .order_by(col(Indicator.sdg), col(Indicator.id))).all()
        asked = [(row, year, due) for row in indicators
                 for year, due in [open_due_date(row.values_due, offsets, today, row.publication_lag)]
                 if due >= row.created_at.date()]
        present = {(key, year) for key, year in session.exec(select(IndicatorValue.key, IndicatorValue.year).where(
            IndicatorValue.municipality_id == cycle.municipality_id,
            col(IndicatorValue.key).in_([row.key for row in indicators]),
            col(IndicatorValue.year).in_({year for _, year, _ in asked})))}
        return sorted(((row, year, due) for row, year, due in asked if (row.key, year) not in present),
                      key=lambda item: item[2])
