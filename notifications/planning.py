"""Which reminders a phase, a review or a programme event produces, and on which day.

Pure date arithmetic over a definition, shared by the timer planner (which writes rows), the
simulator (which only prints) and the tests. Nothing here reads the clock: ``today`` is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.dates import Duration, add, subtract
from engine.definitions.model import Definition

CYCLE_WIDE = ""
"""Phase value of timers that belong to the whole cycle (programme events, cycle start)."""


@dataclass(frozen=True)
class Planned:
    phase: str
    kind: str
    rule: str
    occurrence: int
    fire_on: dt.date
    due_on: dt.date | None
    roles: tuple[str, ...]
    label_key: str | None = None
    """For reviews and events: their id in the definition, to look up the label per language."""


def plan_phase(d: Definition, phase: str, entered_on: dt.date, due_on: dt.date | None,
               today: dt.date) -> list[Planned]:
    """The deadline reminders of one phase, plus the first upcoming occurrence of each review.

    Reminders whose day has already passed when the phase is planned (a back-dated phase) are
    skipped: a coordinator gets one mail saying where things stand, not a burst of stale ones.
    """
    rules = d.phases[phase].reminders
    out: list[Planned] = []
    if rules is not None:
        roles = tuple(rules.roles)
        if rules.on_enter:
            out.append(Planned(phase, "enter", "enter", 1, max(entered_on, today), due_on, roles))
        if due_on is not None:
            for offset in rules.before:
                fire_on = subtract(due_on, Duration.parse(offset))
                if fire_on > entered_on:
                    out.append(Planned(phase, "before", f"before:{offset}", 1, fire_on, due_on, roles))
            if rules.on_due:
                out.append(Planned(phase, "due", "due", 1, due_on, due_on, roles))
            if rules.overdue is not None:
                out.extend(_overdue(phase, due_on, rules.overdue, roles))
    for review_id in d.phases[phase].reviews:
        out.extend(plan_review(d, phase, review_id, entered_on, today))
    return [p for p in out if p.kind == "enter" or p.fire_on >= today]


def _overdue(phase: str, due_on: dt.date, rule, roles: tuple[str, ...]) -> list[Planned]:
    every = Duration.parse(rule.every)
    escalate_from = add(due_on, Duration.parse(rule.escalate_after)) if rule.escalate_after else None
    out = []
    fire_on = due_on
    for occurrence in range(1, rule.max + 1):
        fire_on = add(fire_on, every)
        escalating = escalate_from is not None and fire_on >= escalate_from and rule.escalate_to
        out.append(Planned(phase, "escalation" if escalating else "overdue", "overdue", occurrence, fire_on, due_on,
                           tuple(dict.fromkeys(roles + tuple(rule.escalate_to))) if escalating else roles))
    return out


def review_dates(d: Definition, phase: str, review_id: str, entered_on: dt.date) -> tuple[dt.date, Duration]:
    review = d.phases[phase].reviews[review_id]
    every = Duration.parse(review.every)
    first = add(entered_on, Duration.parse(review.first_after)) if review.first_after else add(entered_on, every)
    return first, every


def plan_review(d: Definition, phase: str, review_id: str, entered_on: dt.date, today: dt.date,
                occurrence: int | None = None) -> list[Planned]:
    """Reminders for one occurrence of a recurring review: the given one, or the first that is
    still ahead. Reviews roll: when an occurrence fires, the sweep plans the next one."""
    review = d.phases[phase].reviews[review_id]
    every = Duration.parse(review.every)
    lead = Duration.parse(review.first_after) if review.first_after else every
    n = occurrence or 1
    while True:
        # Counted from the day the phase began, not from a clamped first date: entered on
        # 30 November, a quarterly review falls on 28/29 February, then 30 May, not 29 May.
        on = add(entered_on, Duration(lead.years + every.years * (n - 1), lead.months + every.months * (n - 1),
                                      lead.days + every.days * (n - 1)))
        if occurrence is not None or on >= today:
            break
        n += 1
    offsets = review.before or ("P0D",)
    planned = [Planned(phase, "review", f"review:{review_id}:{offset}", n,
                       subtract(on, Duration.parse(offset)), on, tuple(review.roles), review_id)
               for offset in offsets]
    return [p for p in planned if p.fire_on >= today] if occurrence is None else planned


def plan_events(d: Definition, cycle_number: int, started_on: dt.date, today: dt.date) -> list[Planned]:
    """Programme dates (network conferences) with their reminders, for the cycles they belong to."""
    out: list[Planned] = []
    for event_id, event in d.events.items():
        if event.only_cycle is not None and event.only_cycle != cycle_number:
            continue
        on = dt.date.fromisoformat(event.on) if event.on else add(started_on, Duration.parse(event.after_start))
        for offset in event.before:
            fire_on = subtract(on, Duration.parse(offset))
            if fire_on >= today:
                out.append(Planned(CYCLE_WIDE, "event", f"event:{event_id}:{offset}", 1, fire_on, on,
                                   tuple(event.roles), event_id))
    return out
