"""Permissions are separate from guards: who may move a cycle, not whether it may move."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput, PermissionDenied
from engine.service import Service
from engine_support import (AGS, COORDINATOR, OTHER_AGS, STEERING_ONLY, Member, cycles, history_rows, record_phase,
                            setup_municipality, structure)

CORE_ONLY = "karl.kernteam@erfurt.de"
MAYOR = "buero.ob@erfurt.de"


@pytest.fixture
def ready(engine_service: Service) -> Service:
    """Erfurt in the application phase with every fact recorded: only a permission can stop it."""
    people = structure() + [Member("Sigrid Steuerung", STEERING_ONLY, ("steering_group",)),
                            Member("Karl Kernteam", CORE_ONLY, ("core_team",)),
                            Member("Büro OB", MAYOR, ("mayor_office",))]
    setup_municipality(engine_service, people=people)
    setup_municipality(engine_service, OTHER_AGS, "Weimar", people=structure(domain="weimar.de"))
    record_phase(engine_service, "application")
    assert engine_service.status(AGS)["ready"] is True
    return engine_service


def assert_unmoved(service: Service) -> None:
    cycle = cycles(service)[0]
    assert cycle.phase == "application"
    assert [r.kind for r in history_rows(service, cycle.id)] == ["start", "fact", "fact", "fact"]


@pytest.mark.parametrize("actor", [STEERING_ONLY, CORE_ONLY, MAYOR])
def test_a_member_without_the_role_cannot_advance(ready: Service, actor: str) -> None:
    with pytest.raises(PermissionDenied) as denied:
        ready.advance(AGS, actor=actor)
    assert actor in denied.value.message and "Koordination" in denied.value.message
    assert denied.value.exit_code == 1
    assert_unmoved(ready)


@pytest.mark.parametrize("actor", ["fremd@erfurt.de", "koordination0@weimar.de"],
                         ids=["unregistered", "registered-elsewhere"])
def test_a_person_not_registered_here_cannot_advance(ready: Service, actor: str) -> None:
    with pytest.raises(PermissionDenied) as denied:
        ready.advance(AGS, actor=actor)
    assert actor in denied.value.message and AGS in denied.value.message
    assert_unmoved(ready)


def test_a_person_not_registered_here_cannot_record(ready: Service) -> None:
    with pytest.raises(PermissionDenied):
        ready.record(AGS, "workshop", actor="fremd@erfurt.de", values={"topic": "x"})
    assert_unmoved(ready)


def test_a_malformed_actor_is_bad_input(ready: Service) -> None:
    with pytest.raises(InvalidInput):
        ready.advance(AGS, actor="anna")
    assert_unmoved(ready)


def test_the_email_is_matched_case_insensitively_in_the_domain(ready: Service) -> None:
    assert ready.advance(AGS, actor=COORDINATOR.replace("erfurt.de", "Erfurt.DE")).dest == "setup"
    assert history_rows(ready, cycles(ready)[0].id)[-1].actor == COORDINATOR


def test_permission_is_checked_before_the_guards(engine_service: Service) -> None:
    """A steering-group member learns they may not advance, not which facts are missing."""
    setup_municipality(engine_service, people=structure() + [Member("S", STEERING_ONLY, ("steering_group",))])
    with pytest.raises(PermissionDenied):
        engine_service.advance(AGS, actor=STEERING_ONLY)


def test_a_transition_may_name_other_roles(tmp_path, engine_clock) -> None:
    from engine.definitions.loader import Catalog
    from engine_support import make_service, sqlite_url

    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "steered.toml").write_text(
        'name = "steered"\nextends = "gnk-thueringen"\n'
        '[transitions.application_done]\nroles = ["steering_group"]\n', encoding="utf-8")
    service = make_service(sqlite_url(tmp_path / "z.db"), engine_clock, Catalog([folder]))
    setup_municipality(service, people=structure() + [Member("S", STEERING_ONLY, ("steering_group",)),
                                                      Member("OB", MAYOR, ("mayor_office",))], start=False)
    service.start_cycle(AGS, workflow="steered")
    record_phase(service, "application")
    with pytest.raises(PermissionDenied, match="Steuerungsgruppe"):
        service.advance(AGS, actor=MAYOR)
    assert service.advance(AGS, actor=STEERING_ONLY).dest == "setup"
    # The next transition keeps the default: coordination only.
    with pytest.raises(PermissionDenied):
        service.advance(AGS, actor=STEERING_ONLY)
    record_phase(service, "setup")
    assert service.advance(AGS, actor=COORDINATOR).dest == "inventory"
