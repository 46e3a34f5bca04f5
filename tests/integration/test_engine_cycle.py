"""The full gnk-thueringen cycle on a real SQLite file, and the restart into cycle 2."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from engine import dates
from engine.db.tables import DefinitionVersion
from engine.errors import Conflict, InvalidInput, NotFound, TransitionRefused
from engine.service import Service
from engine.status import as_commands
from engine_support import (AGS, COORDINATOR, DEPUTY, PHASE_FACTS, PHASES, START, cycles, drive_to, facts,
                            history_rows, record, record_phase, replay_phase, setup_municipality, structure)

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

D = dt.date


def test_full_cycle_with_restart_into_cycle_2(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service, start=False)
    started = service.start_cycle(AGS, on=START)
    assert (started.number, started.phase, started.phase_entered_on) == (1, "application", START)
    assert started.due_on == dates.due_date(START, dates.Duration(months=3), "TH")

    on = START
    expected_dest = [*PHASES[1:], "completed"]
    for phase, dest in zip(PHASES, expected_dest):
        on += dt.timedelta(days=45)
        record_phase(service, phase, on=on)
        assert service.status(AGS)["ready"] is True, phase
        result = service.advance(AGS, actor=COORDINATOR, on=on, reason=f"{phase} erledigt")
        assert (result.source, result.dest, result.number, result.on) == (phase, dest, 1, on)
        assert result.warnings == []  # everything recorded: not even a warning
        if dest != "completed":
            status = service.status(AGS)
            assert (status["phase"], status["entered_on"]) == (dest, on.isoformat())
            duration = service.catalog.load("gnk-thueringen").phases[dest].duration_value
            assert status["due_on"] == dates.due_date(on, duration, "TH").isoformat()

    # The evaluation completed cycle 1 and began cycle 2 at once, in the restart phase.
    assert result.next_cycle == 2
    assert result.next_phase == "Er-/Überarbeitung der Nachhaltigkeitsstrategie"
    first, second = cycles(service)
    assert (first.status, first.phase, first.completed_on, first.restart_on) == ("completed", "completed", on, None)
    assert (second.number, second.status, second.phase) == (2, "running", "strategy")
    assert second.previous_cycle_id == first.id
    assert (second.started_on, second.phase_entered_on) == (on, on)
    assert second.definition_id == first.definition_id
    assert second.due_on == dates.due_date(on, dates.Duration(months=10), "TH")

    # History: who did what, when, why; replaying it gives the stored phase.
    rows = history_rows(service, first.id)
    assert replay_phase(rows) == "completed"
    moves = [(r.kind, r.from_phase, r.to_phase, r.actor) for r in rows if r.kind in ("start", "transition", "complete")]
    assert moves == [("start", None, "application", "system"),
                     *[("transition", a, b, COORDINATOR) for a, b in zip(PHASES, PHASES[1:])],
                     ("complete", "evaluation", "completed", COORDINATOR)]
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    transitions = [r for r in rows if r.kind in ("transition", "complete")]
    assert [r.reason for r in transitions] == [f"{p} erledigt" for p in PHASES]
    assert all(r.details["guards"] and all(g["ok"] for g in r.details["guards"]) for r in transitions)
    assert [r.trigger for r in rows if r.kind == "fact"] == [f for p in PHASES for f in PHASE_FACTS[p]]
    second_rows = history_rows(service, second.id)
    assert [(r.kind, r.to_phase, r.details["previous_cycle"]) for r in second_rows] == [("start", "strategy", 1)]
    assert replay_phase(second_rows) == "strategy"

    # The working structures are kept: the same coordinators carry on in cycle 2 ...
    status = service.status(AGS)
    assert (status["cycle"], status["phase"], status["cycle_status"]) == (2, "strategy", "running")
    # ... but facts belong to their cycle: cycle 1's workshops and programme do not count.
    assert {g["id"] for g in status["unmet"]} == {"workshops", "workshops_usual", "programme_document"}
    assert facts(service, second.id) == []
    on += dt.timedelta(days=60)
    record_phase(service, "strategy", actor=DEPUTY, on=on)
    assert service.advance(AGS, actor=DEPUTY, on=on).dest == "council_resolution"
    # Cycle 1's council resolution does not open implementation in cycle 2.
    with pytest.raises(TransitionRefused) as refused:
        service.advance(AGS, actor=COORDINATOR, on=on)
    assert [g.id for g in refused.value.unmet] == ["resolution"]
    record(service, "council_resolution", on=on, reference="DS 0815/29")
    assert service.advance(AGS, actor=COORDINATOR, on=on).dest == "implementation"
    assert [c["number"] for c in service.cycles(AGS)] == [1, 2]


def test_status_lists_what_is_missing_with_the_facts_fields(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service)
    status = service.status(AGS)
    assert {k: status[k] for k in ("ags", "cycle", "workflow", "phase", "phase_label", "entered_on", "due_on")} == {
        "ags": AGS, "cycle": 1, "workflow": "gnk-thueringen", "phase": "application",
        "phase_label": "Bewerbung und Teilnahmebeschluss", "entered_on": "2027-01-04", "due_on": "2027-04-05"}
    assert status["entered_at"] == "2027-01-04"
    assert status["version"] == service.catalog.load("gnk-thueringen").version
    assert [g["id"] for g in status["unmet"]] == ["application", "letter_of_intent", "participation"]
    participation = status["unmet"][2]
    assert (participation["severity"], participation["fact"], participation["missing"]) == (
        "block", "participation_resolution", 1)
    assert {f["name"]: (f["type"], f["required"], f["choices"][:3]) for f in participation["fields"]
            if f["required"]} == {
        "date": ("date", True, []), "reference": ("text", True, []),
        "body": ("choice", True, ["Stadtrat", "Gemeinderat", "Kreistag"]),
        "result": ("choice", True, ["adopted", "adopted_amended", "rejected"])}
    assert status["ready"] is False
    assert status["steps"][2] == {"action": "record", "fact": "participation_resolution",
                                  "fields": ["date", "body", "reference", "result"]}
    assert as_commands(AGS, status["steps"], COORDINATOR)[2] == (
        f'zyklus record {AGS} participation_resolution --as {COORDINATOR} '
        '--set date="…" --set body="…" --set reference="…" --set result="…"')


def test_status_counts_how_many_workshops_are_still_missing(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service)
    on = drive_to(service, "strategy")
    record(service, "workshop", on=on)
    unmet = {g["id"]: g for g in service.status(AGS)["unmet"]}
    assert (unmet["workshops"]["missing"], unmet["workshops"]["severity"]) == (1, "block")
    assert (unmet["workshops_usual"]["missing"], unmet["workshops_usual"]["severity"]) == (3, "warn")
    # The structure guard names the theme fields' gaps; its next step is no fact to record.
    assert unmet["programme"]["message"].startswith("Handlungsprogramm unvollständig – Klima und Energie:")
    assert "fact" not in unmet["programme"] and unmet["programme_document"]["fact"] == "action_programme"
    assert [f["name"] for f in unmet["workshops"]["fields"]] == ["topic", "participants"]


def test_a_fact_may_be_dated_in_the_past(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service)
    record(service, "application", on=D(2026, 11, 30))
    (row,) = facts(service, cycles(service)[0].id)
    assert (row.on, row.phase, row.actor, row.fields["date"]) == (D(2026, 11, 30), "application", COORDINATOR,
                                                                  "2027-01-10")
    assert row.recorded_at.date() == D(2027, 1, 4)  # when it was typed in, from the clock


def test_advance_cannot_be_dated_before_the_phase_began(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service)
    record_phase(service, "application")
    with pytest.raises(InvalidInput, match="04.01.2027"):
        service.advance(AGS, actor=COORDINATOR, on=D(2027, 1, 3))
    assert cycles(service)[0].phase == "application"


def test_a_second_cycle_cannot_start_while_one_runs(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service)
    with pytest.raises(Conflict, match="Zyklus 1"):
        service.start_cycle(AGS, on=START)
    assert len(cycles(service)) == 1


def test_one_definition_version_row_per_version(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service)
    setup_municipality(service, "16055000", "Weimar", people=[])
    with Session(service.engine) as session:
        rows = session.exec(select(DefinitionVersion)).all()
    assert [(r.variant, r.version) for r in rows] == [("gnk-thueringen", service.status(AGS)["version"])]


def test_unknown_things_are_not_found(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service, start=False)
    with pytest.raises(NotFound, match="kein Zyklus"):
        service.advance(AGS, actor=COORDINATOR)
    with pytest.raises(NotFound, match="16999999"):
        service.status("16999999")
    with pytest.raises(NotFound, match="nope"):
        service.start_cycle(AGS, workflow="nope")
    service.start_cycle(AGS, on=START)
    with pytest.raises(NotFound, match="'nope'"):
        service.record(AGS, "nope", actor=COORDINATOR, values={})
    assert len(history_rows(service, cycles(service)[0].id)) == 1


def test_a_deferred_restart_begins_on_its_day_exactly_once(tmp_path, engine_clock, database_url) -> None:
    """A variant whose next cycle begins two years after the previous one started: completion
    leaves the municipality waiting; the sweep begins cycle 2 on the day, once."""
    from engine.definitions.loader import Catalog
    from engine_support import make_service

    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "zweijahre.toml").write_text(
        'name = "zweijahre"\nextends = "kommune"\n[restart]\nphase = "strategy"\n'
        'anchor = "previous_start"\nafter = "P2Y"\n', encoding="utf-8")
    url = database_url
    service = make_service(url, engine_clock, Catalog([folder]))
    setup_municipality(service, start=False)
    service.start_cycle(AGS, workflow="zweijahre", on=START)
    on = START
    for phase in PHASES[1:]:
        on += dt.timedelta(days=30)
        record_phase(service, phase, on=on)
        result = service.advance(AGS, actor=COORDINATOR, on=on)
    assert (result.dest, result.next_cycle, result.restart_on) == ("completed", None, D(2029, 1, 4))

    status = service.status(AGS)
    assert (status["cycle"], status["cycle_status"], status["restart_on"]) == (1, "completed", "2029-01-04")
    with pytest.raises(InvalidInput, match="abgeschlossen"):
        record(service, "workshop", on=on)
    assert service.start_due_restarts(D(2029, 1, 3)) == []
    assert len(cycles(service)) == 1

    other = make_service(url, engine_clock, Catalog([folder]))  # a second scheduler process
    assert service.start_due_restarts(D(2029, 1, 4)) == [(AGS, 2)]
    assert other.start_due_restarts(D(2029, 1, 5)) == []
    first, second = cycles(service)
    assert (first.restart_on, second.phase, second.started_on, second.previous_cycle_id) == (
        None, "strategy", D(2029, 1, 4), first.id)
    assert service.status(AGS)["workflow"] == "zweijahre"


def test_registration_refuses_bad_values_with_the_right_words(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service, start=False)
    with pytest.raises(InvalidInput, match="Sprache 'fr'"):
        service.add_person(AGS, name="Carla Weiß", email="carla@erfurt.de", roles=["core_team"], language="fr")
    with pytest.raises(InvalidInput, match="Rolle 'mayor'"):
        service.add_person(AGS, name="Carla Weiß", email="carla@erfurt.de", roles=["mayor"])
    with pytest.raises(InvalidInput, match="--role"):
        service.add_person(AGS, name="Carla Weiß", email="carla@erfurt.de", roles=[])
    with pytest.raises(Conflict, match="bereits"):
        service.add_person(AGS, name="Anna", email=COORDINATOR, roles=["core_team"])
    assert len(service.people(AGS)) == len(structure())


def test_two_guards_on_one_fact_make_one_step_that_can_be_taken(engine_service: Service) -> None:
    """The inventory needs its report recorded (title) and with its theme fields: one command with
    both fields, since a fact is recorded whole (a second command with theme_fields alone was
    refused for the missing title)."""
    service = engine_service
    setup_municipality(service)
    drive_to(service, "inventory")
    status = service.status(AGS)
    inventory = [step for step in status["steps"] if step.get("fact") == "inventory_report"]
    assert inventory == [{"action": "record", "fact": "inventory_report", "fields": ["title", "theme_fields"]}]
    assert as_commands(AGS, inventory, COORDINATOR) == [
        f'zyklus record {AGS} inventory_report --as {COORDINATOR} --set title="…" --set theme_fields="…"']
