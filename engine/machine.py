"""The `transitions` adapter: one cached Machine per definition version, never one per cycle.

Following the maintainers' FAQ and our anchor study, the Machine is built once with
``model=None`` (no ``add_model``, which is O(n²) over many rows), ``auto_transitions=False`` (no
``to_<phase>()`` that would skip guards) and fired with ``machine.events[trigger].trigger(model)``
on a light object wrapping the loaded row. Guards are evaluated by the service beforehand; the
Machine's conditions read those results, so each guard runs exactly once per advance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transitions import EventData, Machine, MachineError

from engine.definitions.model import COMPLETED, Definition


@dataclass
class CycleModel:
    """What the Machine moves: the phase, plus which transitions passed their blocking guards."""

    state: str
    passed: dict[str, bool] = field(default_factory=dict)
    fired: str | None = None


def _condition(transition_id: str):
    """The transition's only condition, which also notes it as the one taken: the Machine takes
    the first transition whose conditions hold, so a condition that holds is the one fired (a
    separate ``before`` callback cost a fifth of the decision)."""
    def check(event: EventData) -> bool:
        passed = event.model.passed.get(transition_id, False)
        if passed:
            event.model.fired = transition_id
        return passed

    return check


_MACHINES: dict[str, Machine] = {}


def _build(definition: Definition) -> Machine:
    states = list(definition.phases) + [COMPLETED]
    spec = [
        {"trigger": tr.trigger, "source": tr.source, "dest": tr.dest,
         "conditions": [_condition(tid)]}
        for tid, tr in definition.transitions.items()
    ]
    return Machine(model=None, states=states, transitions=spec, initial=None,
                   auto_transitions=False, model_override=True, send_event=True)


def machine_for(definition: Definition) -> Machine:
    """Keyed by the content hash, so two cycles on the same version share one Machine.
    Versions are few (one per edit of a file), so the cache needs no eviction."""
    machine = _MACHINES.get(definition.version)
    if machine is None:
        machine = _MACHINES[definition.version] = _build(definition)
    return machine


def fire(definition: Definition, model: CycleModel, trigger: str) -> str | None:
    """Fire ``trigger``; return the id of the transition taken, or None when no transition's
    conditions held (the Machine tries transitions in definition order)."""
    machine = machine_for(definition)
    if trigger not in machine.events:
        return None
    try:
        moved = machine.events[trigger].trigger(model)
    except MachineError:
        return None  # the trigger is not valid from this phase
    return model.fired if moved else None
