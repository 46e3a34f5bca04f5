"""Changing and removing people through the door: checked like registering, the last coordinator
keeps the role, every change on record in the latest cycle's history, none before a first cycle."""

from __future__ import annotations

import pytest
from engine_support import AGS, COORDINATOR, DEPUTY, NOW, OTHER_AGS, setup_municipality, structure

from engine.clock import FixedClock
from engine.errors import Conflict, InvalidInput, NotFound
from zyklus.app import Application
from zyklus.app import commands as c
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings


@pytest.fixture
def door(database_url: str) -> Application:
    app = bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=database_url, require_schema=False)
    app.service.init_db()
    setup_municipality(app.service)
    yield app
    app.close()


def _person(door: Application, email: str, ags: str = AGS):
    return next(p for p in door.cycles.people(ags) if p.email == email)


def test_a_change_is_stored_and_on_record_with_what_changed(door: Application) -> None:
    changed = door.cycles.update_person(c.UpdatePerson(ags=AGS, email="kernteam0@erfurt.de",
                                                       roles=["core_team", "core_team", "mayor_office"],
                                                       consent_publish=True, language="en", actor=COORDINATOR))
    assert changed.roles == ["core_team", "mayor_office"] and changed.consent_publish and changed.language == "en"
    [entry] = [e for e in door.cycles.history(AGS) if e.kind == "person_changed"]
    assert entry.actor == COORDINATOR and entry.details["changed"]["language"] == {"from": "de", "to": "en"}
    assert set(entry.details["changed"]) == {"roles", "consent_publish", "language"}
    from zyklus.cli.cycles import describe

    assert describe(entry, "en") == "Person changed: kernteam0@erfurt.de (roles, consent_publish, language)"


def test_a_change_that_changes_nothing_writes_no_entry(door: Application) -> None:
    door.cycles.update_person(c.UpdatePerson(ags=AGS, email="kernteam0@erfurt.de", roles=["core_team"]))
    assert not [e for e in door.cycles.history(AGS) if e.kind == "person_changed"]


@pytest.mark.parametrize("roles", [[], ["chef"]])
def test_roles_are_checked_like_when_registering(door: Application, roles: list[str]) -> None:
    with pytest.raises(InvalidInput):
        door.cycles.update_person(c.UpdatePerson(ags=AGS, email="kernteam0@erfurt.de", roles=roles))


def test_an_unknown_person_is_not_found(door: Application) -> None:
    with pytest.raises(NotFound):
        door.cycles.remove_person(c.RemovePerson(ags=AGS, email="niemand@erfurt.de"))


def test_the_last_coordinator_can_be_neither_removed_nor_demoted(door: Application) -> None:
    door.cycles.remove_person(c.RemovePerson(ags=AGS, email=DEPUTY, actor=COORDINATOR))
    with pytest.raises(Conflict) as refused:
        door.cycles.remove_person(c.RemovePerson(ags=AGS, email=COORDINATOR))
    assert refused.value.code == "person.last_coordinator"
    with pytest.raises(Conflict):
        door.cycles.update_person(c.UpdatePerson(ags=AGS, email=COORDINATOR, roles=["steering_group"]))
    assert "coordination" in _person(door, COORDINATOR).roles
    [entry] = [e for e in door.cycles.history(AGS) if e.kind == "person_removed"]
    assert entry.details == {"email": DEPUTY, "roles": ["coordination"]}


def test_before_a_first_cycle_changes_are_made_without_a_history_entry(door: Application) -> None:
    setup_municipality(door.service, OTHER_AGS, "Weimar", structure(domain="weimar.de"), start=False)
    door.cycles.add_person(c.AddPerson(ags=OTHER_AGS, name="Neu", email="neu@weimar.de", roles=["core_team"]))
    door.cycles.remove_person(c.RemovePerson(ags=OTHER_AGS, email="neu@weimar.de"))
    assert door.cycles.cycles(OTHER_AGS) == []
    assert "neu@weimar.de" not in {p.email for p in door.cycles.people(OTHER_AGS)}
