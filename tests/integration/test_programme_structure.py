"""The action programme as a structure on a real database (SQLite, and PostgreSQL when set): the
tree of Leitlinien and goals, measures with resources linked to indicators, the structure guard
of the shipped variants, and every correction on record in the history with what it replaced."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from engine.db.indicator_tables import Goal, IndicatorTarget, IndicatorValue, MeasureEvent, MeasureIndicator
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TransitionRefused
from engine.indicators.programme import Programme
from engine.service import Service
from engine_support import (AGS, COORDINATOR, STEERING_ONLY, drive_to, plan_programme, record, setup_municipality)

pytestmark = pytest.mark.both_databases  # the database is part of what is tested


def tree(programme: Programme) -> None:
    """Klima und Energie as GNK practice nests it; Mobilität only as a Leitlinie."""
    programme.add_goal(AGS, "ll-klima", title="Klimaneutrale Stadt", theme_field="Klima und Energie",
                       level="guideline", actor=COORDINATOR)
    programme.add_goal(AGS, "sz-klima", title="Emissionen halbieren", level="strategic", parent="ll-klima",
                       sdg="13", actor=COORDINATOR)
    programme.add_goal(AGS, "oz-pv", title="20 MW Photovoltaik", level="operative", parent="sz-klima",
                       target_year="2030", sdg_target="7.2", actor=COORDINATOR)
    programme.add_goal(AGS, "ll-mobil", title="Mobilität für alle", theme_field="Mobilität", level="guideline",
                       actor=COORDINATOR)


def test_the_tree_nests_guideline_strategic_operative(engine_service: Service) -> None:
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    goals = {g.key: g for g in programme.goals(AGS)}
    ids = {g.id: g.key for g in goals.values()}
    assert [(g.key, g.level, ids.get(g.parent_id), g.theme_field) for g in goals.values()] == [
        ("ll-klima", "guideline", None, "Klima und Energie"),
        ("sz-klima", "strategic", "ll-klima", "Klima und Energie"),  # the theme comes from the parent
        ("oz-pv", "operative", "sz-klima", "Klima und Energie"),
        ("ll-mobil", "guideline", None, "Mobilität")]
    assert (goals["oz-pv"].target_year, goals["oz-pv"].sdg, goals["oz-pv"].sdg_target) == (2030, 7, "7.2")
    assert goals["sz-klima"].sdg == 13

    refusals = [  # a level out of order, a theme other than the parent's, a sub-target of another SDG
        dict(key="x1", title="X", level="operative", parent="ll-klima"),
        dict(key="x2", title="X", level="guideline", parent="ll-mobil"),
        dict(key="x3", title="X", level="strategic", parent="ll-klima", theme_field="Mobilität"),
        dict(key="x4", title="X", level="operative", parent="sz-klima", sdg="13", sdg_target="7.2"),
        dict(key="x5", title="X", level="regional", theme_field="Klima"),
        dict(key="x6", title="X", level="strategic"),  # neither a theme nor a parent
    ]
    for fields in refusals:
        with pytest.raises(InvalidInput):
            programme.add_goal(AGS, fields.pop("key"), actor=COORDINATOR, **fields)
    with pytest.raises(NotFound):
        programme.add_goal(AGS, "x7", title="X", level="strategic", parent="gibt-es-nicht", actor=COORDINATOR)
    assert [g.key for g in programme.goals(AGS)] == list(goals)  # nothing was added


def test_the_structure_guard_refuses_an_incomplete_programme_and_passes_a_complete_one(
        engine_service: Service) -> None:
    """The inventory chose „Klima und Energie; Mobilität“ (FACT_VALUES); the strategy phase's
    facts are all there, only the programme's structure decides."""
    service = engine_service
    setup_municipality(service)
    on = drive_to(service, "strategy")
    for _ in range(4):
        record(service, "workshop", on=on)
    record(service, "action_programme", on=on)  # its old text fields stay readable
    programme = Programme(service)
    tree(programme)
    programme.add_measure(AGS, "m-pv", title="PV auf Schuldächern", goal="oz-pv", actor=COORDINATOR)

    with pytest.raises(TransitionRefused) as refused:
        service.advance(AGS, actor=COORDINATOR, on=on)
    [unmet] = refused.value.unmet
    assert unmet.id == "programme" and unmet.type == "programme_structure"
    assert unmet.details["gaps"] == {"Klima und Energie": ["measure"],  # m-pv plans no resources yet
                                     "Mobilität": ["strategic", "operative", "measure"]}
    assert unmet.message == ("Handlungsprogramm unvollständig – Klima und Energie: Maßnahme mit Ressourcen (Kosten "
                             "oder Personal) fehlt; Mobilität: strategisches Ziel, operatives Ziel, Maßnahme mit "
                             "Ressourcen (Kosten oder Personal) fehlt")
    # The overview of many municipalities reads the programme in bulk and says the same.
    [overview] = service.status_all()
    assert overview["unmet"] == service.status(AGS)["unmet"]

    programme.update_measure(AGS, "m-pv", staff="0,5", actor=COORDINATOR)
    programme.add_measure(AGS, "m-rad", title="Radwegenetz", theme_field="mobilität ", costs="250000",
                          actor=COORDINATOR)  # theme fields match regardless of case and spaces
    programme.set_measure_status(AGS, "m-rad", "dropped", actor=COORDINATOR)  # a dropped one does not count
    plan_programme(service, themes=("Mobilität",))  # adds the goals, and a measure: m-rad is dropped
    assert {m.key for m in programme.measures(AGS)} == {"m-pv", "m-rad", "m-1"}
    assert service.status(AGS)["ready"] is True
    assert service.advance(AGS, actor=COORDINATOR, on=on).dest == "council_resolution"


def test_every_correction_is_on_record_with_what_it_replaced(engine_service: Service) -> None:
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.adopt(AGS, ["thg-haushalte"], actor=COORDINATOR, goal="sz-klima")
    programme.set_target(AGS, "thg-haushalte", "2030", "5,5", actor=COORDINATOR)
    programme.record(AGS, "thg-haushalte", "2024", "6,8", source="BISKO 2025", actor=COORDINATOR)
    programme.record(AGS, "thg-haushalte", "2025", "6,5", actor=COORDINATOR)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", responsible="Hochbauamt", costs="120000",
                          planned_start="2027-03-01", actor=COORDINATOR)
    before = len(engine_service.history(AGS))

    programme.update_goal(AGS, "ll-klima", title="Klimaneutral bis 2040", theme_field="Klima", reason="Ratsbeschluss",
                          actor=COORDINATOR)
    programme.update_indicator(AGS, "thg-haushalte", name="THG private Haushalte", sdg_target="13.3",
                               goal="oz-pv", reason="Zuordnung", actor=COORDINATOR)
    programme.update_measure(AGS, "m-pv", costs="150000", progress="20", responsible="", reason="Angebot",
                             actor=COORDINATOR)
    programme.record(AGS, "thg-haushalte", "2024", "6,9", source="BISKO 2026", reason="Neuberechnung",
                     actor=COORDINATOR)
    programme.delete_value(AGS, "thg-haushalte", "2025", reason="falsches Jahr", actor=COORDINATOR)
    programme.delete_target(AGS, "thg-haushalte", "2030", reason="nicht beschlossen", actor=COORDINATOR)
    programme.link(AGS, "m-pv", "thg-haushalte", actor=COORDINATOR)
    programme.delete_measure(AGS, "m-pv", reason="doppelt", actor=COORDINATOR)
    programme.delete_indicator(AGS, "thg-haushalte", reason="ersetzt", actor=COORDINATOR)

    entries = [(h["kind"], h["trigger"], h["actor"], h["reason"], h["details"])
               for h in engine_service.history(AGS)[before:]]
    assert entries == [
        ("goal_updated", "ll-klima", COORDINATOR, "Ratsbeschluss", {"changes": {
            "title": {"old": "Klimaneutrale Stadt", "new": "Klimaneutral bis 2040"},
            "theme_field": {"old": "Klima und Energie", "new": "Klima"}}}),
        ("indicator_updated", "thg-haushalte", COORDINATOR, "Zuordnung", {"changes": {
            "name": {"old": "Treibhausgasemissionen der privaten Haushalte",
                     "new": "THG private Haushalte"},
            "sdg_target": {"old": "13.2", "new": "13.3"}, "goal": {"old": "sz-klima", "new": "oz-pv"}}}),
        ("measure_updated", "m-pv", COORDINATOR, "Angebot", {"changes": {
            "costs": {"old": 120000.0, "new": 150000.0}, "progress": {"old": None, "new": 20},
            "responsible": {"old": "Hochbauamt", "new": None}}}),
        ("value_corrected", "thg-haushalte", COORDINATOR, "Neuberechnung", {
            "year": 2024, "value": 6.9, "previous": 6.8, "source": "BISKO 2026", "previous_source": "BISKO 2025",
            "decimals": 2}),
        ("value_deleted", "thg-haushalte", COORDINATOR, "falsches Jahr", {
            "year": 2025, "value": 6.5, "source": "Kommunale Energie- und THG-Bilanz (BISKO)",
            "recorded_by": COORDINATOR, "decimals": 2}),
        ("target_deleted", "thg-haushalte", COORDINATOR, "nicht beschlossen", {"year": 2030, "value": 5.5,
                                                                                "decimals": 2}),
        ("measure_linked", "m-pv", COORDINATOR, None, {"indicator": "thg-haushalte"}),
        ("measure_deleted", "m-pv", COORDINATOR, "doppelt", {"removed": {
            "title": "PV", "goal": "oz-pv", "theme_field": "Klima", "responsible": None, "status": "planned",
            "costs": 150000.0, "staff": None, "progress": 20, "indicators": ["thg-haushalte"]}}),
        ("indicator_deleted", "thg-haushalte", COORDINATOR, "ersetzt", {"removed": {
            "name": "THG private Haushalte", "sdg": 13, "unit": "t CO₂e je Einwohner:in", "direction": "decrease",
            "baseline": None, "targets": [], "goal": "oz-pv"}, "decimals": 2}),
    ]
    # The theme field went down the tree; the indicator's targets and links went, its values stayed.
    assert {g.theme_field for g in programme.goals(AGS) if g.key != "ll-mobil"} == {"Klima"}
    with Session(engine_service.engine) as session:
        assert session.exec(select(IndicatorValue.year, IndicatorValue.value)).all() == [(2024, 6.9)]
        assert session.exec(select(IndicatorTarget)).all() == []
        assert session.exec(select(MeasureIndicator)).all() == [] and session.exec(select(MeasureEvent)).all() == []


def test_a_goal_with_anything_below_it_is_not_deleted(engine_service: Service) -> None:
    """Refused rather than cascaded: a branch of the programme goes one decision at a time."""
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", actor=COORDINATOR)
    with pytest.raises(Conflict, match="sz-klima"):
        programme.delete_goal(AGS, "ll-klima", actor=COORDINATOR)
    with pytest.raises(Conflict, match="m-pv"):
        programme.delete_goal(AGS, "oz-pv", actor=COORDINATOR)
    with pytest.raises(PermissionDenied):
        programme.delete_goal(AGS, "ll-mobil", actor=STEERING_ONLY)
    programme.delete_measure(AGS, "m-pv", actor=COORDINATOR)
    for key in ("oz-pv", "sz-klima", "ll-klima"):
        programme.delete_goal(AGS, key, reason="neu gegliedert", actor=COORDINATOR)
    assert [g.key for g in programme.goals(AGS)] == ["ll-mobil"]
    last = engine_service.history(AGS)[-1]
    assert (last["kind"], last["trigger"], last["details"]["removed"]["title"]) == (
        "goal_deleted", "ll-klima", "Klimaneutrale Stadt")
    with pytest.raises(NotFound):
        programme.delete_goal(AGS, "ll-klima", actor=COORDINATOR)


def test_measures_link_to_the_indicators_they_move(engine_service: Service) -> None:
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.adopt(AGS, ["thg-haushalte", "ee-strom-anteil"], actor=COORDINATOR)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", actor=COORDINATOR)
    programme.add_measure(AGS, "m-wind", title="Wind", goal="oz-pv", actor=COORDINATOR)
    for measure, indicator in (("m-pv", "thg-haushalte"), ("m-pv", "ee-strom-anteil"), ("m-wind", "ee-strom-anteil")):
        programme.link(AGS, measure, indicator, actor=COORDINATOR)
    assert programme.links(AGS) == {"m-pv": ["ee-strom-anteil", "thg-haushalte"], "m-wind": ["ee-strom-anteil"]}
    with pytest.raises(Conflict):
        programme.link(AGS, "m-pv", "ee-strom-anteil", actor=COORDINATOR)
    programme.link(AGS, "m-pv", "ee-strom-anteil", remove=True, actor=COORDINATOR)
    with pytest.raises(NotFound):
        programme.link(AGS, "m-pv", "ee-strom-anteil", remove=True, actor=COORDINATOR)
    with pytest.raises(NotFound):
        programme.link(AGS, "m-pv", "gibt-es-nicht", actor=COORDINATOR)
    assert programme.links(AGS) == {"m-pv": ["thg-haushalte"], "m-wind": ["ee-strom-anteil"]}


@pytest.mark.parametrize("fields", [{"costs": "-5"}, {"staff": "-0,5"}, {"progress": "150"}, {"progress": "12,5"},
                                    {"planned_start": "2028-01-01", "planned_end": "2027-01-01"}])
def test_a_bad_plan_changes_nothing(engine_service: Service, fields: dict[str, str]) -> None:
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", costs="1000", actor=COORDINATOR)
    before = engine_service.history(AGS)
    with pytest.raises(InvalidInput):
        programme.update_measure(AGS, "m-pv", actor=COORDINATOR, **fields)
    [row] = programme.measures(AGS)
    assert (row.costs, row.staff, row.progress, row.planned_start) == (1000.0, None, None, None)
    assert engine_service.history(AGS) == before


def test_goals_on_record_before_the_levels_are_strategic_goals(engine_service: Service) -> None:
    setup_municipality(engine_service)
    Programme(engine_service).add_goal(AGS, "klima-1", title="Alt", theme_field="Klima", actor=COORDINATOR)
    with Session(engine_service.engine) as session:
        assert session.exec(select(Goal.level, Goal.parent_id)).all() == [("strategic", None)]
