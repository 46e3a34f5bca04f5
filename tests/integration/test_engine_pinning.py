"""A cycle pins the definition version it started on; editing a TOML file never moves it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

from engine.clock import FixedClock
from engine.db.tables import DefinitionVersion
from engine.definitions.loader import SHIPPED_DIR, Catalog
from engine.errors import TransitionRefused
from engine_support import (AGS, COORDINATOR, OTHER_AGS, cycles, make_service, record, setup_municipality,
                            structure)

GUARD = """[transitions.application_done.guards.letter_of_intent]
type = "fact_recorded"
fact = "letter_of_intent"
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


def test_a_running_cycle_keeps_its_version_after_the_file_is_edited(tmp_path: Path, database_url: str,
                                                                  engine_clock: FixedClock) -> None:
    admin = tmp_path / "workflows"
    admin.mkdir()
    shutil.copy(SHIPPED_DIR / "gnk-thueringen.toml", admin / "gnk-thueringen.toml")
    url = database_url
    service = make_service(url, engine_clock, Catalog([admin]))
    setup_municipality(service)
    old_version = service.status(AGS)["version"]
    assert old_version == Catalog([admin]).load("gnk-thueringen").version

    # The administrator drops the Letter of Intent and gives the application four months.
    edit(admin / "gnk-thueringen.toml", GUARD, "")
    edit(admin / "gnk-thueringen.toml", 'duration = "P3M"', 'duration = "P4M"')
    new_version = Catalog([admin]).load("gnk-thueringen").version
    assert new_version != old_version

    # A new cycle (another municipality) gets the new version ...
    setup_municipality(service, OTHER_AGS, "Weimar", people=structure(domain="weimar.de"))
    weimar = service.status(OTHER_AGS)
    assert weimar["version"] == new_version
    assert weimar["due_on"] == "2027-05-04"
    assert [g["id"] for g in weimar["unmet"]] == ["application", "participation"]

    # ... while the running one keeps the old, also for a fresh process reading the edited file.
    fresh = make_service(url, FixedClock(engine_clock.moment), Catalog([admin]))
    for svc in (service, fresh):
        erfurt = svc.status(AGS)
        assert erfurt["version"] == old_version
        assert erfurt["due_on"] == "2027-04-05"
        assert [g["id"] for g in erfurt["unmet"]] == ["application", "letter_of_intent", "participation"]
    record(fresh, "application")
    record(fresh, "participation_resolution")
    with pytest.raises(TransitionRefused) as refused:
        fresh.advance(AGS, actor=COORDINATOR)
    assert [g.id for g in refused.value.unmet] == ["letter_of_intent"]
    record(fresh, "letter_of_intent")
    assert fresh.advance(AGS, actor=COORDINATOR).dest == "setup"

    # Weimar's cycle moves without a Letter of Intent under the new version.
    record(fresh, "application", ags=OTHER_AGS, actor="koordination0@weimar.de")
    record(fresh, "participation_resolution", ags=OTHER_AGS, actor="koordination0@weimar.de")
    assert fresh.advance(OTHER_AGS, actor="koordination0@weimar.de").dest == "setup"

    with Session(fresh.engine) as session:
        pinned = {row.version for row in session.exec(select(DefinitionVersion))}
    assert pinned == {old_version, new_version}
    erfurt_cycle, = cycles(fresh)
    weimar_cycle, = cycles(fresh, OTHER_AGS)
    assert erfurt_cycle.definition_id != weimar_cycle.definition_id


def test_deleting_the_file_does_not_stop_a_running_cycle(tmp_path: Path, engine_clock: FixedClock,
                                                         database_url: str) -> None:
    admin = tmp_path / "workflows"
    admin.mkdir()
    (admin / "eigen.toml").write_text('name = "eigen"\nextends = "gnk-thueringen"\nlabel = "Eigener Ablauf"\n',
                                      encoding="utf-8")
    url = database_url
    service = make_service(url, engine_clock, Catalog([admin]))
    setup_municipality(service, start=False)
    service.start_cycle(AGS, workflow="eigen")
    (admin / "eigen.toml").unlink()
    fresh = make_service(url, FixedClock(engine_clock.moment), Catalog([admin]))
    assert fresh.status(AGS)["workflow"] == "eigen"
    for fact in ("application", "letter_of_intent", "participation_resolution"):
        record(fresh, fact)
    assert fresh.advance(AGS, actor=COORDINATOR).dest == "setup"


def test_the_stored_definition_behaves_like_the_file(tmp_path: Path, engine_clock: FixedClock,
                                                      database_url: str) -> None:
    """The process that started a cycle and any later process read the same definition: same guard
    order, same field order, same transition order (the Machine tries transitions in that order)."""
    url = database_url
    starter = make_service(url, engine_clock)
    setup_municipality(starter)
    later = make_service(url, FixedClock(engine_clock.moment))
    assert later.status(AGS) == starter.status(AGS)
    with Session(later.engine) as session:
        row = session.exec(select(DefinitionVersion)).one()
        reloaded = later.definition(session, row.id)
    from_file = Catalog().load("gnk-thueringen")
    assert reloaded == from_file
    assert list(reloaded.transitions) == list(from_file.transitions)
    assert list(reloaded.transitions["setup_done"].guards) == list(from_file.transitions["setup_done"].guards)
    assert list(reloaded.facts["council_resolution"].fields) == [
        "date", "body", "reference", "result", "agenda_item", "committees", "votes_yes", "votes_no", "abstentions", "url"]
    assert reloaded.facts["council_resolution"].fields["result"] == from_file.facts["council_resolution"].fields["result"]
    assert reloaded.version == from_file.version
