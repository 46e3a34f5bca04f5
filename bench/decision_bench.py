"""Benchmark 9 (issue 16, goal 6): the decision of an advance in memory, no database.

What ``Service.advance`` decides once it has read a cycle: the guards of the transitions the
actor may take over the cycle's snapshot, then the cached Machine (``engine.service.decide``).
The snapshots are those of the seeded cycles (``bench.seed.PHASE_FACTS``: the five phases whose
way out is guarded by facts, with the facts that satisfy every guard, three people), so every
decision passes and is taken.

Baseline in the same run: a bare shared ``transitions`` Machine of the same states and
transitions, fired on a model-less object with ``machine.events[trigger].trigger(model)`` and one
trivially true condition per transition — the fastest way that library moves a state.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from transitions import Machine

from bench.common import Result
from bench.seed import PHASE_FACTS, _fields, definition
from engine.definitions.model import COMPLETED
from engine.roles import count_by_role, effective_roles
from engine.service import decide
from engine.snapshot import CycleSnapshot, FactView, GoalView, MeasureView, ProgrammeShape

ROUNDS = 4_000
"""Decisions per phase and method: 20,000 each, well under a second."""


PROGRAMME = ProgrammeShape(
    goals=(GoalView("ll-klima", "guideline", "Klima"), GoalView("sz-klima", "strategic", "Klima"),
           GoalView("oz-pv", "operative", "Klima")),
    measures=(MeasureView("m-pv", "Klima", True),))
"""The programme bench.seed seeds (``_programme``): the smallest the strategy phase's structure
guard passes."""


def _snapshots() -> list[tuple[str, CycleSnapshot]]:
    people = (("coordination",), ("coordination",), ("mayor_office",))  # as bench.seed seeds them
    on = dt.date(2027, 5, 1)
    return [(phase, CycleSnapshot(number=1, phase=phase, role_counts=count_by_role(people),
                                  facts=tuple(FactView(fact, _fields(fact, tuple(values.items())), on)
                                              for fact, values in facts), programme=PROGRAMME))
            for phase, facts in PHASE_FACTS.items()]


@dataclass
class _Model:
    state: str
    fired: str | None = field(default=None)


def _bare_machine() -> Machine:
    d = definition()
    spec = [{"trigger": tr.trigger, "source": tr.source, "dest": tr.dest, "conditions": [lambda event: True]}
            for tr in d.transitions.values()]
    return Machine(model=None, states=list(d.phases) + [COMPLETED], transitions=spec, initial=None,
                   auto_transitions=False, model_override=True, send_event=True)


def _per_call(work: Callable[[], None], calls: int) -> float:
    """Microseconds per call, the best of three rounds (the machine is shared; the minimum is
    the figure least disturbed by other work)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best / calls * 1e6


def run(log: Callable[[str], None]) -> list[Result]:
    d = definition()
    held = effective_roles(("coordination",))
    cases = [(phase, snap, [(tid, tr) for tid, tr in d.transitions_from(phase, "advance") if held & set(tr.roles)])
             for phase, snap in _snapshots()]
    for phase, snap, allowed in cases:  # warm: the cached Machine, parsed guard parameters, catalogues
        taken, _ = decide(d, phase, snap, allowed, "advance", "de")
        assert taken is not None, f"the seeded facts must satisfy the guards out of {phase}"

    def ours() -> None:
        for _ in range(ROUNDS):
            for phase, snap, allowed in cases:
                decide(d, phase, snap, allowed, "advance", "de")

    machine = _bare_machine()
    event = machine.events["advance"]

    def bare() -> None:
        for _ in range(ROUNDS):
            for phase, _snap, _allowed in cases:
                event.trigger(_Model(phase))

    calls = ROUNDS * len(cases)
    zyklus_us, bare_us = _per_call(ours, calls), _per_call(bare, calls)
    guards = sum(len(tr.guards) for _, _, allowed in cases for _, tr in allowed) / len(cases)
    log(f"    zyklus decide: {zyklus_us:.1f} µs per transition ({guards:.1f} guards each on average)")
    log(f"    bare shared transitions Machine: {bare_us:.1f} µs per transition")
    details = {"calls": calls, "zyklus_us": zyklus_us, "bare_machine_us": bare_us, "guards_per_decision": guards}
    return [Result("9 decision", "µs per transition in memory (guards + cached Machine)", zyklus_us, "µs",
                   bare_us, "bare shared transitions Machine", "≤ 20 µs", zyklus_us <= 20,
                   higher_is_better=False, details=details)]
