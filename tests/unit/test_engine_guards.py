"""The guard registry: every guard type passing and failing on a snapshot, with severity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from engine import guards
from engine.definitions.model import Definition, GuardSpec
from engine.snapshot import CycleSnapshot, FactView

D = dt.date
DEFINITION = Definition.model_validate({
    "name": "guarded", "label": "Test", "initial": "a",
    "phases": {"a": {"label": "A"}},
    "transitions": {"a_done": {"source": "a", "dest": "completed"}},
    "facts": {
        "council_resolution": {"label": {"de": "Ratsbeschluss", "en": "Council resolution"},
                               "fields": {"date": {"type": "date", "required": True}}},
        "workshop": {"label": {"de": "Workshop der Steuerungsgruppe", "en": "Steering-group workshop"}},
        "action_programme": {"label": {"de": "Handlungsprogramm", "en": "Action programme"},
                             "fields": {"goals": {}, "measures": {}, "indicators": {}}},
    },
})


def spec(**values: Any) -> GuardSpec:
    return GuardSpec.model_validate(values)


def snap(*facts: FactView, roles: dict[str, int] | None = None) -> CycleSnapshot:
    return CycleSnapshot(number=1, phase="a", facts=facts, role_counts=roles or {})


def fact(type_: str, on: dt.date = D(2027, 3, 1), **fields: Any) -> FactView:
    return FactView(type_, fields, on)


def run(guard: GuardSpec, snapshot: CycleSnapshot, lang: str = "de") -> guards.GuardResult:
    return guards.evaluate("g", guard, snapshot, DEFINITION, lang)  # type: ignore[arg-type]


# -- fact_recorded ---------------------------------------------------------------------------------
def test_fact_recorded_fails_without_the_fact_and_names_it() -> None:
    g = spec(type="fact_recorded", fact="council_resolution")
    result = run(g, snap(fact("workshop")))
    assert not result.ok
    assert result.severity == "block"
    assert result.fact == "council_resolution" and result.missing == 1
    assert "Ratsbeschluss" in result.message
    assert "Council resolution" in run(g, snap(), "en").message


def test_fact_recorded_passes_with_the_fact() -> None:
    result = run(spec(type="fact_recorded", fact="council_resolution"),
                 snap(fact("council_resolution", date="2027-03-09")))
    assert result.ok and result.missing == 0


# -- fact_count ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("count", "ok", "missing"), [(0, False, 3), (2, False, 1), (3, True, 0), (5, True, 0)])
def test_fact_count(count: int, ok: bool, missing: int) -> None:
    result = run(spec(type="fact_count", fact="workshop", min=3),
                 snap(*(fact("workshop") for _ in range(count)), fact("council_resolution")))
    assert (result.ok, result.missing, result.details["count"]) == (ok, missing, count)
    assert f"bisher {count}" in result.message and "3 ×" in result.message


@pytest.mark.parametrize(("facts", "held", "ok"), [
    (0, {"steering_group": 3}, True), (2, {"steering_group": 1}, True), (3, {}, True),
    (1, {"steering_group": 1, "core_team": 5, "coordination": 5}, False),  # other structures do not count
])
def test_fact_count_with_meetings_adds_the_held_meetings_of_that_structure(facts: int, held: dict[str, int],
                                                                           ok: bool) -> None:
    g = spec(type="fact_count", fact="workshop", meetings="steering_group", min=3)
    snapshot = CycleSnapshot(number=1, phase="a", facts=tuple(fact("workshop") for _ in range(facts)),
                             held_meetings=held)
    assert run(g, snapshot).ok is ok
    # without the parameter, meetings are not counted
    assert run(spec(type="fact_count", fact="workshop", min=3), snapshot).ok is (facts >= 3)


@pytest.mark.parametrize("structure", ["beirat", "mayor_office"])
def test_fact_count_meetings_must_name_a_working_structure(structure: str) -> None:
    with pytest.raises(ValidationError, match=structure):
        guards.parse_params(spec(type="fact_count", fact="workshop", meetings=structure, min=2))


def test_fact_count_needs_a_positive_minimum() -> None:
    with pytest.raises(ValidationError):
        guards.parse_params(spec(type="fact_count", fact="workshop", min=0))


# -- role_count ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("bounds", "count", "ok", "words"), [
    ({"min": 2}, 1, False, "mindestens 2"),
    ({"min": 2}, 2, True, "mindestens 2"),
    ({"min": 2}, 7, True, "mindestens 2"),
    ({"min": 2, "max": 2}, 3, False, "genau 2"),
    ({"min": 2, "max": 2}, 2, True, "genau 2"),
    ({"min": 15, "max": 25}, 14, False, "ca. 15–25"),
    ({"min": 15, "max": 25}, 15, True, "ca. 15–25"),
    ({"min": 15, "max": 25}, 25, True, "ca. 15–25"),
    ({"min": 15, "max": 25}, 26, False, "ca. 15–25"),
    ({"max": 10}, 11, False, "höchstens 10"),
    ({"max": 10}, 0, True, "höchstens 10"),
])
def test_role_count(bounds: dict[str, int], count: int, ok: bool, words: str) -> None:
    result = run(spec(type="role_count", role="steering_group", **bounds), snap(roles={"steering_group": count}))
    assert result.ok is ok
    assert words in result.message and "Steuerungsgruppe" in result.message
    assert f"registriert sind {count}" in result.message
    assert result.details == {"count": count, "role": "steering_group"}
    assert result.fact is None


def test_role_count_refuses_an_unknown_role() -> None:
    with pytest.raises(ValidationError, match="unknown role"):
        guards.parse_params(spec(type="role_count", role="mayor", min=1))


def test_role_count_with_max_below_min_can_never_be_met() -> None:
    params = guards.parse_params(spec(type="role_count", role="core_team", min=5, max=2))
    assert guards.REGISTRY["role_count"].never_met(params)
    assert guards.REGISTRY["role_count"].never_met(
        guards.parse_params(spec(type="role_count", role="core_team", min=2, max=5))) is None


# -- fields_present --------------------------------------------------------------------------------
PROGRAMME = spec(type="fields_present", fact="action_programme", fields=["goals", "measures", "indicators"])


def test_fields_present_without_the_fact() -> None:
    result = run(PROGRAMME, snap())
    assert not result.ok and result.missing == 1
    assert result.fields == ("goals", "measures", "indicators")
    assert "goals, measures, indicators" in result.message


def test_fields_present_names_only_the_absent_fields() -> None:
    result = run(PROGRAMME, snap(fact("action_programme", goals="G", measures="", indicators=None)))
    assert not result.ok and result.missing == 1
    assert result.details["absent"] == ["measures", "indicators"]
    assert "measures, indicators" in result.message and "goals" not in result.message


def test_fields_present_passes_with_all_fields() -> None:
    result = run(PROGRAMME, snap(fact("action_programme", goals="G", measures="M", indicators="I")))
    assert result.ok and result.missing == 0


def test_fields_present_reads_the_latest_fact_by_date() -> None:
    complete = fact("action_programme", D(2027, 3, 1), goals="G", measures="M", indicators="I")
    older_draft = fact("action_programme", D(2027, 2, 1), goals="G")
    assert run(PROGRAMME, snap(older_draft, complete)).ok
    # A later, incomplete version replaces a complete one.
    assert not run(PROGRAMME, snap(complete, fact("action_programme", D(2027, 4, 1), goals="G"))).ok


def test_fields_present_on_the_same_day_the_last_recorded_counts() -> None:
    """A coordinator records a draft, notices the gaps and records the full programme the same day."""
    draft = fact("action_programme", goals="G")
    complete = fact("action_programme", goals="G", measures="M", indicators="I")
    assert run(PROGRAMME, snap(draft, complete)).ok
    assert not run(PROGRAMME, snap(complete, draft)).ok


def test_fields_present_needs_at_least_one_field() -> None:
    with pytest.raises(ValidationError):
        guards.parse_params(spec(type="fields_present", fact="action_programme", fields=[]))


# -- severity, messages, registry --------------------------------------------------------------------
def test_severity_is_carried_and_only_block_refuses() -> None:
    warn = run(spec(type="fact_recorded", fact="workshop", severity="warn"), snap())
    block = run(spec(type="fact_recorded", fact="council_resolution"), snap())
    assert (warn.ok, warn.severity) == (False, "warn")
    assert guards.blocking_unmet([warn, block]) == [block]
    assert guards.blocking_unmet([warn]) == []


def test_severity_is_block_or_warn_only() -> None:
    with pytest.raises(ValidationError):
        spec(type="fact_recorded", fact="workshop", severity="error")


def test_a_definition_may_word_the_message_itself() -> None:
    g = spec(type="fact_recorded", fact="council_resolution",
             message={"de": "Ohne Ratsbeschluss keine Umsetzung.", "en": "No implementation without a resolution."})
    assert run(g, snap()).message == "Ohne Ratsbeschluss keine Umsetzung."
    assert run(g, snap(), "en").message == "No implementation without a resolution."


def test_unknown_parameters_are_refused() -> None:
    with pytest.raises(ValidationError):
        guards.parse_params(spec(type="fact_recorded", fact="workshop", minimum=2))


def test_evaluate_all_keeps_the_definition_order() -> None:
    results = guards.evaluate_all({"b": spec(type="fact_recorded", fact="workshop"),
                                   "a": spec(type="role_count", role="coordination", min=2)},
                                  snap(roles={"coordination": 2}), DEFINITION, "de")
    assert [(r.id, r.type, r.ok) for r in results] == [("b", "fact_recorded", False), ("a", "role_count", True)]
    assert results[0].as_dict()["id"] == "b" and results[1].as_dict()["details"]["count"] == 2


def test_registry_has_the_guard_types_the_issue_names() -> None:
    assert {"fact_recorded", "fact_count", "role_count", "fields_present"} <= set(guards.REGISTRY)


def test_a_spec_is_parsed_once_and_each_verdict_worked_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing and wording are kept with the spec (per loaded definition): a second evaluation
    parses and judges nothing, yet each observation and language still gets its own verdict."""
    s = spec(type="fact_count", fact="workshop", min=2)
    parsed, judged = [], []
    kind = guards.REGISTRY["fact_count"]
    monkeypatch.setattr(guards, "parse_params", lambda sp: parsed.append(sp) or kind.Params(**sp.params))
    real_judge = kind.judge
    monkeypatch.setattr(kind, "judge", lambda *a: judged.append(a[1]) or real_judge(*a))
    one, two = snap(fact("workshop")), snap(fact("workshop"), fact("workshop"))
    first = guards.evaluate("w", s, one, DEFINITION, "de")
    assert guards.evaluate("w", s, one, DEFINITION, "de") == first
    assert (first.ok, first.missing) == (False, 1)
    assert guards.evaluate("w", s, two, DEFINITION, "de").ok
    english = guards.evaluate("w", s, one, DEFINITION, "en")
    assert "Steering-group workshop" in english.message and english.message != first.message
    assert len(parsed) == 1
    assert judged == [1, 2, 1]
