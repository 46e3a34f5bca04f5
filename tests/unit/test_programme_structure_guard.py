"""The programme_structure guard as a pure function of a snapshot: which theme fields count, and
what each still lacks."""

from __future__ import annotations

import datetime as dt

from engine.guards import REGISTRY, theme_names
from engine.snapshot import CycleSnapshot, FactView, GoalView, MeasureView, ProgrammeShape

GUARD = REGISTRY["programme_structure"]
PARAMS = GUARD.Params()
KLIMA = (GoalView("ll", "guideline", "Klima"), GoalView("sz", "strategic", "Klima"),
         GoalView("oz", "operative", "Klima"))


def inventory(themes: str, on: dt.date = dt.date(2027, 4, 1)) -> FactView:
    return FactView("inventory_report", {"title": "Bestandsaufnahme", "theme_fields": themes}, on)


def verdict(*facts: FactView, goals=(), measures=()) -> tuple[bool, str, dict]:  # noqa: ANN001
    snap = CycleSnapshot(number=1, phase="strategy", facts=facts,
                         programme=ProgrammeShape(tuple(goals), tuple(measures)))
    return GUARD.judge(PARAMS, GUARD.observe(PARAMS, snap), None, "de")  # type: ignore[arg-type]


def test_theme_fields_are_split_at_commas_semicolons_and_lines() -> None:
    assert theme_names("Klima und Energie; Mobilität,\nBildung, , Klima und Energie") == (
        "Klima und Energie", "Mobilität", "Bildung")


def test_every_chosen_theme_field_needs_every_level_and_a_measure_with_resources() -> None:
    ok, message, details = verdict(inventory("Klima; Mobilität"), goals=KLIMA,
                                   measures=[MeasureView("m", "klima ", resourced=True),
                                             MeasureView("r", "Mobilität", resourced=False)])
    assert not ok and details["gaps"] == {"Mobilität": ["guideline", "strategic", "operative", "measure"]}
    assert message.startswith("Handlungsprogramm unvollständig – Mobilität: Leitlinie, strategisches Ziel")
    ok, message, _ = verdict(inventory("Klima"), goals=KLIMA, measures=[MeasureView("m", "Klima", True)])
    assert ok and message.startswith("Handlungsprogramm vollständig: jedes Themenfeld")


def test_the_latest_inventory_report_names_the_theme_fields_even_on_the_same_day() -> None:
    complete = dict(goals=KLIMA, measures=[MeasureView("m", "Klima", True)])
    assert not verdict(inventory("Klima"), inventory("Klima; Mobilität"), **complete)[0]
    assert verdict(inventory("Klima; Mobilität"), inventory("Klima"), **complete)[0]  # the one typed last


def test_without_chosen_theme_fields_the_programmes_own_count_and_one_is_needed() -> None:
    ok, message, _ = verdict()
    assert not ok and "noch kein Themenfeld" in message
    assert verdict(inventory(""), goals=KLIMA, measures=[MeasureView("m", "Klima", True)])[0]
    assert verdict(goals=KLIMA)[2]["gaps"] == {"Klima": ["measure"]}
