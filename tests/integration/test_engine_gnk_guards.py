"""Each guard of gnk-thueringen on a real database: blocking guards refuse, then pass;
warning guards let the transition pass and come back as warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from engine.errors import TransitionRefused
from engine.service import Service
from engine_support import (AGS, COORDINATOR, START, Member, cycles, drive_to, history_rows, plan_programme, record,
                            record_phase, register, setup_municipality, structure)


@dataclass(frozen=True)
class Case:
    phase: str
    guard: str
    message: str
    people: list[Member] = field(default_factory=structure)
    skip: tuple[str, ...] = ()
    """Facts of the phase left out so that exactly this guard fails."""
    fix: Callable[[Service, dt.date], None] = lambda service, on: None


def add(*members: Member) -> Callable[[Service, dt.date], None]:
    return lambda service, on: register(service, AGS, members)


def rec(fact: str) -> Callable[[Service, dt.date], None]:
    return lambda service, on: record(service, fact, on=on)


NEW_COORDINATOR = Member("Neue Koordination", "neu.koordination@erfurt.de", ("coordination",))
NEW_CORE = Member("Neues Kernteam", "neu.kernteam@erfurt.de", ("core_team",))
NEW_STEERING = Member("Neue Steuerung", "neu.steuerung@erfurt.de", ("steering_group",))


def planned(service: Service, on: dt.date) -> None:
    plan_programme(service)


BLOCKING = [
    Case("application", "application", "Bewerbung", skip=("application",), fix=rec("application")),
    Case("application", "letter_of_intent", "Letter of Intent", skip=("letter_of_intent",),
         fix=rec("letter_of_intent")),
    Case("application", "participation", "Ratsbeschluss zur Teilnahme", skip=("participation_resolution",),
         fix=rec("participation_resolution")),
    # 1 coordinator (+5 core team = 6, +9 steering = 15): only the coordination floor fails.
    Case("setup", "coordination", "Koordination: mindestens 2", people=structure(1, 5, 9), fix=add(NEW_COORDINATOR)),
    # 2 coordinators, no core team member: the core team is the two coordinators only.
    Case("setup", "core_team", "Kernteam: mindestens 3", people=structure(2, 0, 13), fix=add(NEW_CORE)),
    # 2 + 4 + 3 = 9 in the steering group.
    Case("setup", "steering_group", "Steuerungsgruppe: mindestens 10", people=structure(2, 4, 3),
         fix=add(NEW_STEERING)),
    Case("inventory", "report", "Bestandsaufnahme", skip=("inventory_report",), fix=rec("inventory_report")),
    Case("strategy", "workshops", "Mindestens 2 × „Workshop der Steuerungsgruppe“ nötig, bisher 1.",
         skip=("workshop",) * 3, fix=rec("workshop")),
    # The inventory chose „Klima und Energie; Mobilität“; the programme has no goals for them yet.
    Case("strategy", "programme", "Klima und Energie: Leitlinie, strategisches Ziel, operatives Ziel, Maßnahme mit "
         "Ressourcen (Kosten oder Personal) fehlt; Mobilität:", skip=("programme",), fix=planned),
    Case("strategy", "programme_document", "Handlungsprogramm", skip=("action_programme",),
         fix=rec("action_programme")),
    Case("council_resolution", "resolution", "Ratsbeschluss", skip=("council_resolution",),
         fix=rec("council_resolution")),
    Case("implementation", "monitoring", "Monitoringbericht", skip=("monitoring_report",),
         fix=rec("monitoring_report")),
    Case("evaluation", "report", "Nachhaltigkeitsbericht", skip=("report_published",), fix=rec("report_published")),
]


def test_the_cases_cover_every_blocking_guard(engine_service: Service) -> None:
    d = engine_service.catalog.load("gnk-thueringen")
    blocking = {(tr.source, gid) for tr in d.transitions.values() for gid, g in tr.guards.items()
                if g.severity == "block"}
    assert {(c.phase, c.guard) for c in BLOCKING} == blocking


@pytest.mark.parametrize("case", BLOCKING, ids=[f"{c.phase}.{c.guard}" for c in BLOCKING])
def test_blocking_guard_refuses_then_passes(engine_service: Service, case: Case) -> None:
    service = engine_service
    setup_municipality(service, people=case.people)
    on = drive_to(service, case.phase)
    record_phase(service, case.phase, on=on, skip=case.skip)
    cycle = cycles(service)[0]
    rows_before = len(history_rows(service, cycle.id))

    with pytest.raises(TransitionRefused) as refused:
        service.advance(AGS, actor=COORDINATOR, on=on)
    assert [(g.id, g.severity, g.ok) for g in refused.value.unmet] == [(case.guard, "block", False)]
    assert case.message in refused.value.unmet[0].message
    assert refused.value.exit_code == 3
    # Nothing was written: same phase, same lock version, no history row.
    after = cycles(service)[0]
    assert (after.phase, after.lock_version) == (case.phase, cycle.lock_version)
    assert len(history_rows(service, cycle.id)) == rows_before
    status = service.status(AGS)
    assert status["ready"] is False
    assert [g["id"] for g in status["unmet"] if g["severity"] == "block"] == [case.guard]

    case.fix(service, on)
    assert service.status(AGS)["ready"] is True
    result = service.advance(AGS, actor=COORDINATOR, on=on)
    assert result.source == case.phase
    assert cycles(service)[0].phase == result.dest


def test_several_unmet_guards_are_all_listed(engine_service: Service) -> None:
    service = engine_service
    setup_municipality(service, people=structure(1, 0, 0))
    with pytest.raises(TransitionRefused) as refused:
        service.advance(AGS, actor=COORDINATOR)
    assert [g.id for g in refused.value.unmet] == ["application", "letter_of_intent", "participation"]
    assert refused.value.message == "Übergang von Bewerbung und Teilnahmebeschluss abgelehnt; es fehlt:"
    record_phase(service, "application")
    service.advance(AGS, actor=COORDINATOR)
    with pytest.raises(TransitionRefused) as refused:
        service.advance(AGS, actor=COORDINATOR)
    assert [g.id for g in refused.value.unmet] == ["coordination", "core_team", "steering_group"]


def test_warning_guards_pass_and_are_returned(engine_service: Service) -> None:
    """Only what blocks is recorded; every other guard of gnk-thueringen comes back as a warning."""
    service = engine_service
    # 2 coordinators + 1 core team member = 3 in the core team, + 7 = 10 in the steering group.
    setup_municipality(service, people=structure(2, 1, 7))
    only_blocking = {
        "application": ["application", "letter_of_intent", "participation_resolution"],
        "setup": [],
        "inventory": [("inventory_report", {"theme_fields": ""})],
        "strategy": ["workshop", "workshop", "action_programme"],
        "council_resolution": ["council_resolution"],
        "implementation": ["monitoring_report"],
        "evaluation": ["report_published"],
    }
    expected = {
        "application": [],
        "setup": ["informed", "core_team_size", "steering_group_size"],
        "inventory": ["theme_fields"],
        "strategy": ["workshops_usual"],
        "council_resolution": [],
        "implementation": [],
        "evaluation": ["evaluation"],
    }
    on = START
    cycle_id = cycles(service)[0].id
    for phase, todo in only_blocking.items():
        on += dt.timedelta(days=40)
        if phase == "strategy":  # without chosen theme fields, those of the programme's goals count
            plan_programme(service)
        for item in todo:
            fact, blanks = item if isinstance(item, tuple) else (item, {})
            record(service, fact, on=on, **blanks)
        result = service.advance(AGS, actor=COORDINATOR, on=on)
        assert result.source == phase
        assert [w.id for w in result.warnings] == expected[phase], phase
        assert all(w.severity == "warn" and not w.ok and w.message for w in result.warnings)
        logged = history_rows(service, cycle_id)[-1]
        assert logged.from_phase == phase
        assert sorted(g["id"] for g in logged.details["guards"] if not g["ok"]) == sorted(expected[phase])
    assert result.dest == "completed" and result.next_cycle == 2


def test_working_structures_above_the_usual_size_only_warn(engine_service: Service) -> None:
    service = engine_service
    # 3 coordinators; core team 3 + 8 = 11; steering group 11 + 15 = 26.
    setup_municipality(service, people=structure(3, 8, 15))
    on = drive_to(service, "setup")
    result = service.advance(AGS, actor=COORDINATOR, on=on)
    assert result.dest == "inventory"
    warnings = {w.id: w.message for w in result.warnings}
    assert set(warnings) == {"coordination_size", "core_team_size", "steering_group_size", "informed"}
    assert "genau 2" in warnings["coordination_size"] and "registriert sind 3" in warnings["coordination_size"]
    assert "registriert sind 11" in warnings["core_team_size"]
    assert "registriert sind 26" in warnings["steering_group_size"]
