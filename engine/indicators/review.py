"""Looking back on a cycle: its timeline (planned against actual phase dates) and its measures.

Pure over rows already read. The *planned* end of a phase is its due date as recorded: the one
computed when the phase was entered, replaced by every deadline change in that phase; the
*actual* dates are the history's transitions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from engine.db.indicator_tables import MEASURE_STATUSES, OPEN_MEASURE_STATUSES, Measure
from engine.db.tables import History
from engine.definitions.model import COMPLETED, Definition


@dataclass
class PhaseVisit:
    phase: str
    entered_on: dt.date
    planned_end: dt.date | None
    left_on: dt.date | None = None

    def days_late(self, today: dt.date) -> int | None:
        """Days after the planned end the phase ended (negative: early); for a running phase,
        how far it is overdue today (None while it is not)."""
        if self.planned_end is None:
            return None
        if self.left_on is not None:
            return (self.left_on - self.planned_end).days
        overdue = (today - self.planned_end).days
        return overdue if overdue > 0 else None


def timeline(rows: Iterable[History], planned_end: Callable[[str, dt.date], dt.date | None]) -> list[PhaseVisit]:
    """One visit per phase the cycle entered, in order. ``planned_end(phase, entered_on)`` gives
    the due date the engine computed on entry."""
    visits: list[PhaseVisit] = []
    current: PhaseVisit | None = None
    for row in sorted(rows, key=lambda r: r.seq):
        if row.kind in ("start", "transition", "complete"):
            if current is not None:
                current.left_on = row.on
            current = None
            if row.to_phase and row.to_phase != COMPLETED:
                current = PhaseVisit(row.to_phase, row.on, planned_end(row.to_phase, row.on))
                visits.append(current)
        elif row.kind == "deadline" and current is not None and row.details.get("due_on"):
            current.planned_end = dt.date.fromisoformat(row.details["due_on"])
    return visits


@dataclass(frozen=True)
class PlannedPhase:
    """One row of a cycle's plan: a phase it entered (start = the day it entered, due = the due
    date the engine keeps for it) or one still ahead on the main path (start = the due date of
    the phase before it, due computed from there the same way)."""

    phase: str
    start: dt.date
    due: dt.date | None
    entered_on: dt.date | None = None
    left_on: dt.date | None = None


def plan(visits: Sequence[PhaseVisit], definition: Definition, phase: str,
         planned_end: Callable[[str, dt.date], dt.date | None]) -> list[PlannedPhase]:
    """The cycle's plan: the phases it entered (``timeline``, from the phase it began in, none it
    skipped), then, while it runs in ``phase``, the phases ahead along the first ``advance`` out of
    each, each starting when the one before is due."""
    rows = [PlannedPhase(v.phase, v.entered_on, v.planned_end, v.entered_on, v.left_on) for v in visits]
    if phase not in definition.phases or not visits:
        return rows
    seen, start = {v.phase for v in visits}, visits[-1].planned_end or visits[-1].entered_on
    while True:
        ahead = [tr.dest for _, tr in definition.transitions_from(phase, "advance")
                 if tr.dest in definition.phases and tr.dest not in seen]
        if not ahead:
            return rows
        phase = ahead[0]
        seen.add(phase)
        due = planned_end(phase, start)
        rows.append(PlannedPhase(phase, start, due))
        start = due or start


@dataclass(frozen=True)
class MeasureSummary:
    counts: dict[str, int]
    """Every status with its number of measures, zeros included, in the order of the statuses."""
    overdue: list[Measure] = field(default_factory=list)
    """Open measures whose planned end has passed."""
    delayed: list[Measure] = field(default_factory=list)
    dropped: list[Measure] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def summarise_measures(measures: Sequence[Measure], today: dt.date) -> MeasureSummary:
    counts = dict.fromkeys(MEASURE_STATUSES, 0)
    for measure in measures:
        counts[measure.status] += 1
    return MeasureSummary(
        counts,
        overdue=[m for m in measures if m.status in OPEN_MEASURE_STATUSES and m.planned_end and m.planned_end < today],
        delayed=[m for m in measures if m.status == "delayed"],
        dropped=[m for m in measures if m.status == "dropped"])
