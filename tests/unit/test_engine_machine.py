"""The transitions adapter: one cached Machine per definition version, no models kept, no
auto transitions that could skip a guard."""

from __future__ import annotations

import pytest

from engine.definitions.loader import Catalog
from engine.definitions.model import COMPLETED, Definition
from engine.machine import CycleModel, fire, machine_for


@pytest.fixture(scope="module")
def gnk() -> Definition:
    return Catalog().load("gnk-thueringen")


def branching() -> Definition:
    """Two transitions on one trigger out of ``a``: the first whose guards passed is taken."""
    return Definition.model_validate({
        "name": "branching", "label": "Verzweigung", "initial": "a",
        "phases": {"a": {"label": "A"}, "b": {"label": "B"}, "c": {"label": "C"}},
        "transitions": {
            "to_b": {"source": "a", "dest": "b"},
            "to_c": {"source": "a", "dest": "c"},
            "b_done": {"source": "b", "dest": "completed"},
            "c_done": {"source": "c", "dest": "completed"},
            "skip": {"source": "a", "dest": "completed", "trigger": "abort"},
        },
    })


def test_one_machine_per_version(gnk: Definition) -> None:
    again = Catalog().load("gnk-thueringen")  # a fresh catalog parses the file anew
    assert again is not gnk and again.version == gnk.version
    assert machine_for(again) is machine_for(gnk)
    other = Catalog().load("kommune")
    assert other.version != gnk.version
    assert machine_for(other) is not machine_for(gnk)


def test_no_auto_transitions(gnk: Definition) -> None:
    machine = machine_for(gnk)
    assert machine.auto_transitions is False
    assert set(machine.events) == {"advance"}
    assert not [name for name in machine.events if name.startswith("to_")]
    model = CycleModel(state="application")
    assert not hasattr(model, "to_implementation")
    assert not hasattr(machine, "to_implementation")
    # Even by name, jumping to implementation is no trigger the machine knows.
    assert fire(gnk, model, "to_implementation") is None
    assert model.state == "application"


def test_fires_only_when_the_service_says_the_guards_passed(gnk: Definition) -> None:
    model = CycleModel(state="council_resolution", passed={"resolution_done": False})
    assert fire(gnk, model, "advance") is None
    assert model.state == "council_resolution"
    model = CycleModel(state="council_resolution", passed={"resolution_done": True})
    assert fire(gnk, model, "advance") == "resolution_done"
    assert model.state == "implementation"


def test_a_transition_out_of_another_phase_does_not_help(gnk: Definition) -> None:
    model = CycleModel(state="council_resolution", passed={"strategy_done": True, "application_done": True})
    assert fire(gnk, model, "advance") is None
    assert model.state == "council_resolution"


def test_completion_is_a_state(gnk: Definition) -> None:
    model = CycleModel(state="evaluation", passed={"evaluation_done": True})
    assert fire(gnk, model, "advance") == "evaluation_done"
    assert model.state == COMPLETED
    # Nothing leaves a completed cycle; an invalid trigger is refused without an exception.
    assert fire(gnk, model, "advance") is None


def test_first_passing_branch_wins_and_triggers_are_separate() -> None:
    d = branching()
    model = CycleModel(state="a", passed={"to_b": False, "to_c": True, "skip": True})
    assert fire(d, model, "advance") == "to_c" and model.state == "c"
    model = CycleModel(state="a", passed={"to_b": True, "to_c": True})
    assert fire(d, model, "advance") == "to_b" and model.state == "b"
    model = CycleModel(state="a", passed={"skip": True})
    assert fire(d, model, "abort") == "skip" and model.state == COMPLETED
    assert fire(d, CycleModel(state="a", passed={"skip": True}), "unknown") is None


def test_the_machine_keeps_no_models_after_many_fires(gnk: Definition) -> None:
    machine = machine_for(gnk)
    phases = ["application", "setup", "inventory", "strategy", "council_resolution", "implementation",
              "evaluation"]
    models = [CycleModel(state=phases[i % len(phases)], passed=dict.fromkeys(gnk.transitions, True))
              for i in range(2000)]
    for model in models:
        assert fire(gnk, model, "advance") is not None
    assert len(machine.models) == 0
    moved = {m.state for m in models}
    assert moved == {"setup", "inventory", "strategy", "council_resolution", "implementation", "evaluation",
                     COMPLETED}
    assert machine_for(gnk) is machine
