"""The planned timeline of one cycle, computed without a database (`zyklus workflow simulate`).

The simulator walks the main path of a definition (from the initial phase, the first `advance`
transition out of each phase) and assumes every phase ends on its due date. It uses the same
due-date arithmetic as the service and the same reminder planning as the timer planner, so what
it prints is what a cycle started that day would receive — minus overdue reminders, which a
phase that ends on time never triggers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from engine import dates
from engine.definitions.model import COMPLETED, Definition
from notifications.planning import Planned, plan_events, plan_phase, plan_review

SHOWN_KINDS = ("enter", "before", "due")
"""Phase reminders a phase ending on its due date sends (overdue ones never fire)."""


@dataclass(frozen=True)
class Shift:
    """A day a due date could not fall on, and why (the holiday's name, or None for a weekend)."""

    day: dt.date
    holiday: str | None


@dataclass(frozen=True)
class PhaseStep:
    phase: str
    start: dt.date
    due: dt.date | None
    planned_due: dt.date | None
    shifts: tuple[Shift, ...] = ()


@dataclass
class Timeline:
    definition: Definition
    start: dt.date
    state: str
    catholic: bool
    phases: list[PhaseStep] = field(default_factory=list)
    reminders: list[Planned] = field(default_factory=list)
    completed_on: dt.date | None = None
    restart_on: dt.date | None = None
    stopped_at: str | None = None
    """The phase at which dates left the calendar (durations too long for the year 9999)."""


def main_path(d: Definition) -> list[str]:
    """The phases a cycle meets when every phase advances the first way the file lists."""
    path: list[str] = []
    phase = d.initial
    while phase in d.phases and phase not in path:
        path.append(phase)
        ahead = [tr.dest for _, tr in d.transitions_from(phase, "advance") if tr.dest not in path]
        phase = ahead[0] if ahead else COMPLETED
    return path


def _shifts(planned: dt.date, due: dt.date, state: str, catholic: bool) -> tuple[Shift, ...]:
    return tuple(Shift(planned + dt.timedelta(days=i), dates.holiday_name(planned + dt.timedelta(days=i), state,
                                                                          catholic))
                 for i in range((due - planned).days))


def _reviews(d: Definition, phase: str, start: dt.date, end: dt.date) -> list[Planned]:
    """Every occurrence of each review while the phase lasts (the sweep rolls them one by one)."""
    out: list[Planned] = []
    for review_id in d.phases[phase].reviews:
        occurrence = 1
        while True:
            planned = plan_review(d, phase, review_id, start, start, occurrence=occurrence)
            if not planned or planned[0].due_on > end:
                break
            out += [p for p in planned if p.fire_on >= start]
            occurrence += 1
    return out


def simulate(d: Definition, start: dt.date, state: str, catholic: bool = False) -> Timeline:
    timeline = Timeline(d, start, state, catholic)
    day = start
    for phase in main_path(d):
        duration = d.phases[phase].duration_value
        try:
            planned = dates.add(day, duration) if duration else None
            due = dates.next_working_day(planned, state, catholic) if planned else None
            shifts = _shifts(planned, due, state, catholic) if planned and due else ()
            reminders = [p for p in plan_phase(d, phase, day, due, day) if p.kind in SHOWN_KINDS]
            reminders += _reviews(d, phase, day, due or day)
        except (OverflowError, ValueError):
            timeline.stopped_at = phase
            break
        timeline.phases.append(PhaseStep(phase, day, due, planned, shifts))
        timeline.reminders += reminders
        day = due or day
    else:
        timeline.completed_on = day
    try:
        if timeline.completed_on and d.restart is not None:
            timeline.restart_on = d.restart.next_start(start, timeline.completed_on)
        timeline.reminders += plan_events(d, 1, start, start)
    except (OverflowError, ValueError):
        timeline.stopped_at = timeline.stopped_at or (timeline.phases[-1].phase if timeline.phases else d.initial)
    timeline.reminders.sort(key=lambda p: (p.fire_on, p.kind != "enter"))
    return timeline
