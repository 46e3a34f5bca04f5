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


def test_the_programmes_ordinary_steps_are_on_record_too(engine_service: Service) -> None:
    """Not only corrections: a goal or measure added, indicators adopted, a target or baseline
    decided (and changed) and a measure's status reached are in the history, with who and when,
    and read as sentences (the CLI's history table, the web's)."""
    from zyklus.app.dto import HistoryEntryDTO
    from zyklus.app.history_text import describe

    setup_municipality(engine_service)
    programme = Programme(engine_service)
    before = len(engine_service.history(AGS))
    tree(programme)
    programme.adopt(AGS, ["thg-haushalte", "ee-strom-anteil"], actor=COORDINATOR, goal="sz-klima")
    programme.set_target(AGS, "thg-haushalte", "2030", "5,5", actor=COORDINATOR)
    programme.set_target(AGS, "thg-haushalte", "2030", "5,5", actor=COORDINATOR)  # the same again: no entry
    programme.set_target(AGS, "thg-haushalte", "2030", "5,25", actor=COORDINATOR)
    programme.set_baseline(AGS, "thg-haushalte", "2019", "8", actor=COORDINATOR)
    programme.set_baseline(AGS, "thg-haushalte", "2020", "7,9", actor=COORDINATOR)
    programme.add_measure(AGS, "m-pv", title="PV auf Schulen", goal="oz-pv", actor=COORDINATOR)
    programme.set_measure_status(AGS, "m-pv", "in Umsetzung", note="Ausschreibung läuft", actor=COORDINATOR)
    entries = engine_service.history(AGS)[before:]
    assert {e["actor"] for e in entries} == {COORDINATOR}
    assert [describe(HistoryEntryDTO.model_validate(e), "de") for e in entries] == [
        "Handlungsprogramm: Leitlinie ll-klima angelegt (Klimaneutrale Stadt)",
        "Handlungsprogramm: strategisches Ziel sz-klima angelegt (Emissionen halbieren)",
        "Handlungsprogramm: operatives Ziel oz-pv angelegt (20 MW Photovoltaik)",
        "Handlungsprogramm: Leitlinie ll-mobil angelegt (Mobilität für alle)",
        "Aus dem Katalog übernommen: thg-haushalte, ee-strom-anteil",
        "Zielwert thg-haushalte 2030: 5,5",
        "Zielwert thg-haushalte 2030: 5,5 → 5,25",
        "Ausgangswert thg-haushalte: 8 (2019)",
        "Ausgangswert thg-haushalte: 8 (2019) → 7,9 (2020)",
        "Maßnahme angelegt: m-pv (PV auf Schulen)",
        "Stand von m-pv: geplant → in Umsetzung (seit 04.01.2027); Notiz: Ausschreibung läuft",
    ]
    assert describe(HistoryEntryDTO.model_validate(entries[-1]), "en") == (
        "Status of m-pv: planned → in progress (since 2027-01-04); note: Ausschreibung läuft")


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


def goal_rows(service: Service) -> list[tuple[object, ...]]:
    """Every goal as stored, parent by key, and every measure's goal and theme: what a refused
    move must leave as it was."""
    programme = Programme(service)
    goals = programme.goals(AGS)
    keys = {g.id: g.key for g in goals}
    return [*((g.key, g.title, g.level, keys.get(g.parent_id), g.theme_field, g.target_year, g.sdg, g.sdg_target)
              for g in goals),
            *((m.key, keys.get(m.goal_id), m.theme_field) for m in programme.measures(AGS))]


def test_a_goal_moves_under_another_guideline_and_takes_its_theme_down_the_branch(
        engine_service: Service) -> None:
    """"This goal belongs under the other Leitlinie": the strategic goal goes with its operative
    goal and their measures, all in the new Leitlinie's theme field, on record by key."""
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", actor=COORDINATOR)
    programme.add_measure(AGS, "m-sz", title="Beratung", goal="sz-klima", actor=COORDINATOR)
    before = len(engine_service.history(AGS))

    programme.update_goal(AGS, "sz-klima", parent="ll-mobil", reason="falsch einsortiert", actor=COORDINATOR)

    assert goal_rows(engine_service)[1:3] == [
        ("sz-klima", "Emissionen halbieren", "strategic", "ll-mobil", "Mobilität", None, 13, None),
        ("oz-pv", "20 MW Photovoltaik", "operative", "sz-klima", "Mobilität", 2030, 7, "7.2")]
    assert goal_rows(engine_service)[4:] == [("m-pv", "oz-pv", "Mobilität"), ("m-sz", "sz-klima", "Mobilität")]
    [entry] = engine_service.history(AGS)[before:]
    assert (entry["kind"], entry["trigger"], entry["reason"], entry["details"]) == (
        "goal_updated", "sz-klima", "falsch einsortiert", {"changes": {
            "theme_field": {"old": "Klima und Energie", "new": "Mobilität"},
            "parent": {"old": "ll-klima", "new": "ll-mobil"}}})
    # The same place again is no change, and not on record.
    programme.update_goal(AGS, "sz-klima", parent="ll-mobil", level="strategic", actor=COORDINATOR)
    assert len(engine_service.history(AGS)) == before + 1


def test_a_goal_entered_as_strategic_becomes_operative_under_a_strategic_goal(engine_service: Service) -> None:
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_goal(AGS, "sz-pv", title="Mehr PV", parent="ll-klima", actor=COORDINATOR)  # meant as operative
    programme.add_measure(AGS, "m-pv", title="PV", goal="sz-pv", actor=COORDINATOR)  # measures hang from any level
    before = len(engine_service.history(AGS))

    programme.update_goal(AGS, "sz-pv", level="operative", parent="sz-klima", target_year="2030", actor=COORDINATOR)

    assert goal_rows(engine_service)[4] == ("sz-pv", "Mehr PV", "operative", "sz-klima", "Klima und Energie", 2030,
                                            None, None)
    [entry] = engine_service.history(AGS)[before:]
    assert entry["details"] == {"changes": {"target_year": {"old": None, "new": 2030},
                                            "level": {"old": "strategic", "new": "operative"},
                                            "parent": {"old": "ll-klima", "new": "sz-klima"}}}


def test_a_goal_taken_out_of_the_tree_keeps_its_theme_unless_given_another(engine_service: Service) -> None:
    """A parent "" is none: the goal becomes the top of its own branch, in the theme it had or
    the one given with it; a Leitlinie needs that, as it has no parent."""
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", actor=COORDINATOR)
    programme.update_goal(AGS, "oz-pv", parent="", actor=COORDINATOR)
    assert goal_rows(engine_service)[2] == ("oz-pv", "20 MW Photovoltaik", "operative", None, "Klima und Energie",
                                            2030, 7, "7.2")
    programme.update_goal(AGS, "oz-pv", level="guideline", theme_field="Energie", actor=COORDINATOR)
    assert goal_rows(engine_service)[2][2:5] == ("guideline", None, "Energie")
    assert goal_rows(engine_service)[-1] == ("m-pv", "oz-pv", "Energie")  # the theme went down to its measure
    programme.update_goal(AGS, "sz-klima", level="guideline", parent="", theme_field="Klima", actor=COORDINATOR)
    assert goal_rows(engine_service)[1][2:5] == ("guideline", None, "Klima")
    details = [h["details"]["changes"] for h in engine_service.history(AGS)[-3:]]
    assert details == [
        {"parent": {"old": "sz-klima", "new": None}},
        {"theme_field": {"old": "Klima und Energie", "new": "Energie"}, "level": {"old": "operative",
                                                                               "new": "guideline"}},
        {"theme_field": {"old": "Klima und Energie", "new": "Klima"}, "level": {"old": "strategic",
                                                                              "new": "guideline"},
         "parent": {"old": "ll-klima", "new": None}}]


MOVE_REFUSALS = [  # (fields, error, the message's words)
    ({"key": "oz-pv", "level": "operative", "parent": "oz-pv"}, InvalidInput, "eigenes übergeordnetes Ziel"),
    ({"key": "sz-klima", "level": "operative"}, Conflict, "oz-pv"),  # a goal stands below it
    ({"key": "ll-klima", "level": "strategic", "parent": "ll-mobil"}, Conflict, "sz-klima"),
    ({"key": "ll-mobil", "parent": "ll-mobil"}, InvalidInput, "eigenes übergeordnetes Ziel"),
    ({"key": "ll-mobil", "parent": "ll-klima"}, InvalidInput, "--parent ll-klima passt nicht"),  # a Leitlinie has none
    ({"key": "oz-pv", "parent": "ll-mobil"}, InvalidInput, "--parent ll-mobil passt nicht"),  # operative under a guideline
    ({"key": "oz-pv", "level": "strategic"}, InvalidInput, "Als strategisches Ziel passt oz-pv nicht unter sz-klima"),
    ({"key": "oz-pv", "level": "guideline"}, InvalidInput, "Als Leitlinie passt oz-pv nicht unter sz-klima"),
    ({"key": "oz-pv", "level": "regional", "parent": ""}, InvalidInput, "Unbekannte Ebene"),
    ({"key": "oz-pv", "parent": "gibt-es-nicht"}, NotFound, "gibt-es-nicht"),
    ({"key": "oz-pv", "parent": "nicht gültig"}, InvalidInput, "nicht gültig"),
    ({"key": "sz-klima", "parent": "ll-mobil", "theme_field": "Klima und Energie"}, InvalidInput, "passt nicht zu ll-mobil"),
    ({"key": "sz-klima", "theme_field": "Mobilität"}, InvalidInput, "Themenfeld seines übergeordneten Ziels"),
    ({"key": "sz-klima", "level": "strategic", "theme_field": "Mobilität"}, InvalidInput, "übergeordneten Ziels"),
    ({"key": "oz-pv", "parent": "", "title": "Neu", "reason": "a\nb"}, InvalidInput, "--reason"),
]


@pytest.mark.parametrize(("fields", "error", "words"), MOVE_REFUSALS)
def test_a_refused_move_changes_nothing(engine_service: Service, fields: dict[str, str], error: type[Exception],
                                        words: str) -> None:
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", actor=COORDINATOR)
    rows, history = goal_rows(engine_service), engine_service.history(AGS)
    fields = dict(fields)
    with pytest.raises(error) as refused:
        programme.update_goal(AGS, fields.pop("key"), actor=COORDINATOR, **fields)
    assert words in str(refused.value) and "\n" not in str(refused.value)
    assert goal_rows(engine_service) == rows and engine_service.history(AGS) == history


def test_a_level_refused_for_the_goals_below_names_them_in_english(engine_service: Service) -> None:
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_goal(AGS, "oz-wind", title="Wind", level="operative", parent="sz-klima", actor=COORDINATOR)
    english = Programme(engine_service.in_language("en"))
    with pytest.raises(Conflict) as refused:
        english.update_goal(AGS, "sz-klima", level="operative", parent="", actor=COORDINATOR)
    assert refused.value.code == "goal.level_has_children"
    assert str(refused.value) == ("The level of sz-klima (strategic goal) cannot change while goals stand below it: "
                                  "oz-pv, oz-wind. Move or delete them first.")
    with pytest.raises(InvalidInput) as refused:
        english.update_goal(AGS, "oz-wind", level="strategic", actor=COORDINATOR)
    assert str(refused.value) == ('oz-wind cannot stand under sz-klima (strategic goal) as strategic goal: name a '
                                  'fitting parent with --parent, or none with --parent "".')
    with pytest.raises(InvalidInput, match="^ll-mobil cannot be its own parent.$"):
        english.update_goal(AGS, "ll-mobil", parent="ll-mobil", actor=COORDINATOR)


def test_a_measures_goal_is_cleared_and_it_keeps_its_theme(engine_service: Service) -> None:
    """"This measure is not tied to any goal any more": an empty goal clears it, the measure stays
    in its goal's theme field, or in the one given with it."""
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", actor=COORDINATOR)
    programme.add_measure(AGS, "m-rad", title="Rad", goal="ll-mobil", actor=COORDINATOR)
    before = len(engine_service.history(AGS))
    programme.update_measure(AGS, "m-pv", goal="", reason="kein Ziel mehr", actor=COORDINATOR)
    programme.update_measure(AGS, "m-rad", goal="", theme_field="Verkehr", actor=COORDINATOR)
    programme.update_measure(AGS, "m-rad", goal="", actor=COORDINATOR)  # no goal already: nothing to record
    assert goal_rows(engine_service)[-2:] == [("m-pv", None, "Klima und Energie"), ("m-rad", None, "Verkehr")]
    assert [(h["trigger"], h["reason"], h["details"]) for h in engine_service.history(AGS)[before:]] == [
        ("m-pv", "kein Ziel mehr", {"changes": {"goal": {"old": "oz-pv", "new": None}}}),
        ("m-rad", None, {"changes": {"theme_field": {"old": "Mobilität", "new": "Verkehr"},
                                     "goal": {"old": "ll-mobil", "new": None}}})]
    # A goal is given again: it brings its theme field back; None leaves the goal as it is.
    programme.update_measure(AGS, "m-pv", goal="oz-pv", actor=COORDINATOR)
    programme.update_measure(AGS, "m-pv", goal=None, title="PV auf Dächern", actor=COORDINATOR)
    assert goal_rows(engine_service)[-2] == ("m-pv", "oz-pv", "Klima und Energie")


def test_a_measure_left_without_goal_and_theme_is_refused(engine_service: Service) -> None:
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    programme.add_measure(AGS, "m-pv", title="PV", goal="oz-pv", actor=COORDINATOR)
    rows, history = goal_rows(engine_service), engine_service.history(AGS)
    with pytest.raises(InvalidInput) as refused:
        programme.update_measure(AGS, "m-pv", goal="", theme_field="", actor=COORDINATOR)
    assert refused.value.code == "measure.no_theme"
    with pytest.raises(InvalidInput):
        programme.update_measure(AGS, "m-pv", goal="nicht gültig", actor=COORDINATOR)
    assert goal_rows(engine_service) == rows and engine_service.history(AGS) == history


def test_an_indicator_under_a_goal_has_the_goals_theme_field(engine_service: Service) -> None:
    """At adoption, when its goal changes and when the goal's theme changes, an indicator tied to
    a goal has the goal's theme field; a --theme given too must be the goal's; one without a goal
    keeps its own (walkthrough finding 24)."""
    setup_municipality(engine_service)
    programme = Programme(engine_service)
    tree(programme)
    # the catalogue entry's own theme field gives way to the goal's
    programme.adopt(AGS, ["thg-haushalte"], actor=COORDINATOR, goal="sz-klima")
    programme.adopt(AGS, ["ee-strom-anteil"], actor=COORDINATOR, goal="oz-pv", theme_field="klima und energie")
    programme.add(AGS, {"id": "rad", "name": "Radanteil", "sdg": "11", "unit": "%", "direction": "increase",
                        "goal": "ll-mobil"}, actor=COORDINATOR)
    programme.adopt(AGS, ["kinderarmut"], actor=COORDINATOR, theme_field="Soziales")  # no goal: its own
    with pytest.raises(InvalidInput, match="Mobilität"):
        programme.adopt(AGS, ["trinkwasserverbrauch"], actor=COORDINATOR, goal="sz-klima", theme_field="Mobilität")
    with pytest.raises(InvalidInput, match="Soziales"):
        programme.add(AGS, {"id": "bus", "name": "Bus", "sdg": "11", "unit": "%", "direction": "increase",
                            "goal": "ll-mobil", "theme_field": "Soziales"}, actor=COORDINATOR)
    with pytest.raises(InvalidInput, match="Soziales"):
        programme.update_indicator(AGS, "rad", theme_field="Soziales", actor=COORDINATOR)

    def themes() -> dict[str, str | None]:
        return {v.row.key: v.row.theme_field for v in programme.indicators(AGS)}

    assert themes() == {"thg-haushalte": "Klima und Energie", "ee-strom-anteil": "Klima und Energie",
                        "rad": "Mobilität", "kinderarmut": "Soziales"}
    programme.update_goal(AGS, "ll-klima", theme_field="Klima", actor=COORDINATOR)  # down the tree
    programme.update_indicator(AGS, "rad", goal="oz-pv", actor=COORDINATOR)  # a new goal brings its theme
    assert themes() == {"thg-haushalte": "Klima", "ee-strom-anteil": "Klima", "rad": "Klima",
                        "kinderarmut": "Soziales"}
    programme.update_indicator(AGS, "rad", goal="", actor=COORDINATOR)  # untied: keeps the theme it had
    programme.update_goal(AGS, "ll-klima", theme_field="Klimaschutz", actor=COORDINATOR)
    assert themes()["rad"] == "Klima" and themes()["thg-haushalte"] == "Klimaschutz"
