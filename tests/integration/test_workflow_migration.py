"""`workflow migrate` against a real SQLite file: plan, refuse, apply, record, re-plan reminders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from engine.clock import FixedClock
from engine.db.tables import DefinitionVersion
from engine.definitions.loader import SHIPPED_DIR, Catalog
from engine.errors import Conflict, InvalidInput, NotFound
from engine.migration import CURRENT, MigrationRefused, apply, parse_map, plan
from engine.service import Service
from engine_support import (AGS, COORDINATOR, OTHER_AGS, START, cycles, dump, history_rows, make_service, record,
                            register, structure)
from notifications.tables import Timer
from notifications.timers import TimerPlanner

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

MIGRATION_DAY = dt.date(2027, 2, 1)


def write_stadt(folder: Path, *, rename_setup: bool = False, stricter_inventory: bool = False) -> None:
    """An administrator's copy of the shipped generic cycle, edited the way the tests need."""
    text = (SHIPPED_DIR / "kommune.toml").read_text(encoding="utf-8").replace('name = "kommune"', 'name = "stadt"')
    if rename_setup:
        text = (text.replace("[phases.setup", "[phases.aufbau").replace('source = "setup"', 'source = "aufbau"')
                .replace('initial = "setup"', 'initial = "aufbau"'))
    if stricter_inventory:
        text += '\n[transitions.inventory_done.guards.second_opinion]\ntype = "fact_count"\nfact = "inventory_report"\nmin = 2\n'
    (folder / "stadt.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def admin(tmp_path: Path) -> Path:
    folder = tmp_path / "workflows"
    folder.mkdir()
    write_stadt(folder)
    return folder


@pytest.fixture
def service(engine_db: str, engine_clock: FixedClock, admin: Path) -> Service:
    """Erfurt in the inventory, Weimar in the set-up phase, both on the first version of `stadt`;
    the reminder planner is subscribed as in production."""
    svc = make_service(engine_db, engine_clock, Catalog([admin]))
    svc.bus.subscribe(TimerPlanner(svc), *TimerPlanner.EVENTS)
    for ags, name, domain in ((AGS, "Erfurt", "erfurt.de"), (OTHER_AGS, "Weimar", "weimar.de")):
        svc.add_municipality(ags, name, state="TH", kind="stadt")
        register(svc, ags, structure(domain=domain))
        svc.start_cycle(ags, workflow="stadt", on=START)
    record(svc, "public_information", on=dt.date(2027, 1, 20))
    svc.advance(AGS, actor=COORDINATOR, on=dt.date(2027, 1, 20))
    engine_clock.advance(dt.timedelta(days=(MIGRATION_DAY - START).days))
    yield svc
    svc.engine.dispose()


def timers(service: Service, ags: str) -> list[Timer]:
    cycle = cycles(service, ags)[-1]
    with Session(service.engine) as session:
        return list(session.exec(select(Timer).where(Timer.cycle_id == cycle.id).order_by(col(Timer.id))))


def test_dry_run_reports_phases_due_dates_and_new_guards_and_writes_nothing(service: Service, admin: Path,
                                                                             engine_db: str) -> None:
    old_version = cycles(service, AGS)[0]
    write_stadt(admin, rename_setup=True, stricter_inventory=True)
    before = dump(engine_db)
    planned = plan(service, "stadt", CURRENT, every=True, mapping={"setup": "aufbau"})
    assert dump(engine_db) == before
    erfurt, weimar = planned.cycles
    assert (erfurt.ags, erfurt.phase, erfurt.to_phase, erfurt.phase_changes) == (AGS, "inventory", "inventory", False)
    assert (erfurt.new_entered_on, erfurt.new_due_on) == (old_version.phase_entered_on, old_version.due_on)
    assert [r.id for r in erfurt.unmet] == ["report", "theme_fields", "second_opinion"]
    assert erfurt.newly_unmet == {"second_opinion"}
    assert (weimar.phase, weimar.to_phase, weimar.new_entered_on) == ("setup", "aufbau", MIGRATION_DAY)
    assert weimar.new_due_on == dt.date(2027, 5, 3)  # 1 May + P3M = 1 May (holiday) → 3 May (Monday)
    assert planned.refused == []


def test_a_phase_without_counterpart_refuses_the_whole_migration(service: Service, admin: Path,
                                                                  engine_db: str) -> None:
    write_stadt(admin, rename_setup=True)
    before = dump(engine_db)
    planned = plan(service, "stadt", CURRENT, every=True)
    assert [c.ags for c in planned.refused] == [OTHER_AGS]
    with pytest.raises(MigrationRefused) as refused:
        apply(service, planned)
    assert refused.value.message == "Migration abgelehnt, nichts geändert: 1 Zyklus/Zyklen ohne Gegenstück."
    assert refused.value.problems[1] == (
        f"{OTHER_AGS} Zyklus 1: die Phase 'setup' gibt es in Version {planned.target.version} nicht; mit --map "
        "setup=PHASE zuordnen (Phasen: aufbau, inventory, strategy, council_resolution, implementation, evaluation).")
    assert dump(engine_db) == before  # not even Erfurt, whose phase exists, was moved


def test_apply_moves_every_cycle_records_history_and_replans_reminders(service: Service, admin: Path) -> None:
    erfurt_before, weimar_before = cycles(service, AGS)[0], cycles(service, OTHER_AGS)[0]
    write_stadt(admin, rename_setup=True)
    planned = plan(service, "stadt", CURRENT, every=True, mapping=parse_map(["setup=aufbau"]))
    moved = apply(service, planned, actor="it@erfurt.de", reason="Phase umbenannt")
    assert [c.ags for c in moved] == [AGS, OTHER_AGS]
    erfurt, weimar = cycles(service, AGS)[0], cycles(service, OTHER_AGS)[0]
    with Session(service.engine) as session:
        pinned = session.exec(select(DefinitionVersion).where(DefinitionVersion.version == planned.target.version)).one()
    assert erfurt.definition_id == weimar.definition_id == pinned.id != erfurt_before.definition_id
    assert (erfurt.phase, erfurt.phase_entered_on, erfurt.due_on) == (
        "inventory", erfurt_before.phase_entered_on, erfurt_before.due_on)
    assert (weimar.phase, weimar.phase_entered_on, weimar.due_on) == ("aufbau", MIGRATION_DAY, dt.date(2027, 5, 3))
    assert weimar.lock_version == weimar_before.lock_version + 1
    row = history_rows(service, weimar.id)[-1]
    assert (row.kind, row.actor, row.on, row.from_phase, row.to_phase, row.reason) == (
        "migrate", "it@erfurt.de", MIGRATION_DAY, "setup", "aufbau", "Phase umbenannt")
    assert row.details == {"workflow": "stadt", "from_version": planned.cycles[1].from_version,
                           "to_version": planned.target.version, "phase_map": {"setup": "aufbau"},
                           "due_on": "2027-05-03", "previous_due_on": weimar_before.due_on.isoformat()}
    assert service.status(OTHER_AGS)["version"] == planned.target.version
    pending = [t for t in timers(service, OTHER_AGS) if t.claimed_at is None]
    assert {t.phase for t in pending} == {"aufbau"}
    assert [t.kind for t in pending if t.kind == "enter"] == ["enter"]  # a new phase is announced
    erfurt_pending = [t for t in timers(service, AGS) if t.claimed_at is None]
    assert "enter" not in {t.kind for t in erfurt_pending}  # the same phase is not announced twice
    assert {t.due_on for t in erfurt_pending if t.kind == "due"} == {erfurt_before.due_on}


def test_migrating_again_changes_nothing(service: Service, admin: Path) -> None:
    write_stadt(admin, stricter_inventory=True)
    apply(service, plan(service, "stadt", CURRENT, every=True))
    again = plan(service, "stadt", CURRENT, every=True)
    assert all(c.up_to_date for c in again.cycles)
    assert apply(service, again) == []


def test_a_cycle_changed_after_planning_is_not_moved(service: Service, admin: Path) -> None:
    write_stadt(admin, stricter_inventory=True)
    planned = plan(service, "stadt", CURRENT, ags=AGS)
    record(service, "inventory_report", on=MIGRATION_DAY)  # someone works on the cycle meanwhile
    with pytest.raises(Conflict):
        apply(service, planned)
    assert cycles(service, AGS)[0].definition_id == cycles(service, OTHER_AGS)[0].definition_id
    assert [h.kind for h in history_rows(service, cycles(service, AGS)[0].id)][-1] == "fact"


def test_to_a_stored_version_by_its_prefix(service: Service, admin: Path) -> None:
    first = plan(service, "stadt", CURRENT, ags=AGS).cycles[0].from_version
    write_stadt(admin, stricter_inventory=True)
    apply(service, plan(service, "stadt", CURRENT, ags=AGS))
    back = plan(service, "stadt", first[:6], ags=AGS)
    assert back.target.version == first
    apply(service, back)
    assert service.status(AGS)["version"] == first


def test_version_arguments_are_checked(service: Service) -> None:
    service.add_municipality("16053000", "Jena", state="TH", kind="stadt")
    service.start_cycle("16053000", workflow="kommune", on=START)
    kommune = service.status("16053000")["version"]
    with pytest.raises(InvalidInput, match="zu kurz"):
        plan(service, "stadt", "abc", every=True)
    with pytest.raises(NotFound, match="Keine gespeicherte Version 'ffffffff' von stadt"):
        plan(service, "stadt", "ffffffff", every=True)
    with pytest.raises(InvalidInput, match=f"Version {kommune} gehört zum Ablauf kommune, nicht zu stadt"):
        plan(service, "stadt", kommune, every=True)
    with pytest.raises(NotFound, match="Unbekannter Ablauf 'stadtt'"):
        plan(service, "stadtt", CURRENT, every=True)


def test_scope_and_map_are_checked(service: Service, admin: Path) -> None:
    write_stadt(admin, rename_setup=True)
    with pytest.raises(InvalidInput, match="Genau eines angeben"):
        plan(service, "stadt", CURRENT)
    with pytest.raises(InvalidInput, match="Genau eines angeben"):
        plan(service, "stadt", CURRENT, ags=AGS, every=True)
    with pytest.raises(NotFound, match="16053000 hat keinen laufenden Zyklus des Ablaufs stadt"):
        service.add_municipality("16053000", "Jena", state="TH", kind="stadt")
        plan(service, "stadt", CURRENT, ags="16053000")
    with pytest.raises(InvalidInput, match=r"--map: Version \w+ hat keine Phase setp"):
        plan(service, "stadt", CURRENT, every=True, mapping={"setup": "setp"})
    with pytest.raises(InvalidInput, match="keine laufende Version von stadt hat eine Phase steup"):
        plan(service, "stadt", CURRENT, every=True, mapping={"steup": "aufbau"})
    with pytest.raises(InvalidInput, match="ALTE_PHASE=NEUE_PHASE"):
        parse_map(["setup:aufbau"])
