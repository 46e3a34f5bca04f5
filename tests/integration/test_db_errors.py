"""Errors that say what happened: a busy database, a duplicate by its constraint, a lost race,
a schema that is missing, a bug — and a repeated advance that is refused because the phase moved.
Real SQLite files and (with ZYKLUS_TEST_PG) a real PostgreSQL server; the CLI runs in-process."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from engine.clock import FixedClock
from engine.db.tables import Cycle, Fact, Municipality, Person
from engine.errors import Conflict, InvalidInput
from engine_support import AGS, COORDINATOR, NOW, START, dump, make_service, record_phase, setup_municipality, \
    sqlite_url
from engine_support import exit_code as cli

pytestmark = pytest.mark.both_databases  # the database is part of what is tested





def _seeded_file(tmp_path: Path) -> Path:
    db = tmp_path / "zyklus.db"
    service = make_service(sqlite_url(db), FixedClock(NOW))
    setup_municipality(service)
    service.engine.dispose()
    return db


# -- advance --from ---------------------------------------------------------------------------------
def test_a_repeated_advance_from_the_same_phase_is_refused_and_changes_nothing(engine_service, engine_db) -> None:
    setup_municipality(engine_service)
    record_phase(engine_service, "application", on=START)
    first = engine_service.advance(AGS, actor=COORDINATOR, on=START, expected="application")
    assert (first.source, first.dest) == ("application", "setup")
    before = dump(engine_db)

    with pytest.raises(Conflict) as refused:  # the double click
        engine_service.advance(AGS, actor=COORDINATOR, on=START, expected="application")

    assert "'application'" in refused.value.message and "(setup)" in refused.value.message
    assert dump(engine_db) == before


def test_advance_without_from_still_moves_on(engine_service) -> None:
    setup_municipality(engine_service)
    record_phase(engine_service, "application", on=START)
    assert engine_service.advance(AGS, actor=COORDINATOR, on=START).dest == "setup"


def test_the_cli_refuses_the_second_of_two_identical_advances(tmp_path, monkeypatch, clean_env, capsys) -> None:
    db = _seeded_file(tmp_path)
    service = make_service(sqlite_url(db), FixedClock(NOW))
    record_phase(service, "application", on=START)
    service.engine.dispose()
    command = ("--db", sqlite_url(db), "advance", AGS, "--as", COORDINATOR, "--from", "application",
               "--on", "2027-02-01")
    assert cli(*command) == 0
    capsys.readouterr()
    before = dump(db)

    assert cli(*command) == 1

    [line] = capsys.readouterr().err.splitlines()
    assert "nicht in 'application'" in line and "(setup)" in line
    assert dump(db) == before


# -- busy -------------------------------------------------------------------------------------------
def test_a_write_locked_sqlite_database_is_reported_busy_after_the_configured_wait(
        tmp_path, monkeypatch, clean_env, capsys) -> None:
    db = _seeded_file(tmp_path)
    (tmp_path / "config.toml").write_text("[database]\nbusy_timeout_seconds = 0.2\n", encoding="utf-8")
    before = dump(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        code = cli("--config", str(tmp_path / "config.toml"), "--db", sqlite_url(db),
                   "municipality", "add", "16055000", "Weimar", "--state", "TH")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("Die Datenbank ist belegt")
    assert dump(db) == before


def test_a_row_another_postgresql_worker_holds_is_waited_for_then_reported_busy(
        database_url, tmp_path, clean_env, capsys) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the SQLite case is the test above")
    service = make_service(database_url, FixedClock(NOW))
    setup_municipality(service)
    record_phase(service, "application", on=START)
    (tmp_path / "config.toml").write_text("[database]\nbusy_timeout_seconds = 0.3\n", encoding="utf-8")
    before = dump(database_url)
    with service.engine.connect() as holder:  # another worker is in the middle of changing the cycle
        holder.execute(text("SELECT id FROM cycle FOR UPDATE"))
        code = cli("--config", str(tmp_path / "config.toml"), "--db", database_url,
                   "advance", AGS, "--as", COORDINATOR, "--on", START.isoformat())
        holder.rollback()
    service.engine.dispose()
    assert code == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("Die Datenbank ist belegt")
    assert dump(database_url) == before


# -- constraints by name ----------------------------------------------------------------------------
def _municipality(session: Session) -> Municipality:
    return session.exec(select(Municipality).where(Municipality.ags == AGS)).one()


def test_a_duplicate_person_slipping_past_the_check_gets_its_own_message(engine_service) -> None:
    setup_municipality(engine_service, start=False)
    with pytest.raises(Conflict, match="E-Mail-Adresse ist für diese Kommune bereits registriert"):
        with engine_service.unit(AGS) as session:
            session.add(Person(municipality_id=_municipality(session).id, name="Zweite", email=COORDINATOR,
                               roles=["coordination"], created_at=dt.datetime(2027, 1, 4, tzinfo=dt.timezone.utc)))


def test_a_second_cycle_with_the_same_number_is_a_lost_race(engine_service) -> None:
    setup_municipality(engine_service)
    with pytest.raises(Conflict, match="gerade von jemand anderem geändert"):
        with engine_service.unit(AGS) as session:
            first = session.exec(select(Cycle)).one()
            session.add(Cycle(municipality_id=first.municipality_id, number=1, definition_id=first.definition_id,
                              phase="application", phase_entered_on=START, started_on=START))


def test_an_unknown_integrity_error_is_not_hidden_as_a_conflict(engine_service) -> None:
    setup_municipality(engine_service)
    with pytest.raises(IntegrityError):  # a fact of a cycle that does not exist: a bug, not a race
        with engine_service.unit(AGS) as session:
            session.add(Fact(cycle_id=999_999, type="application", fields={}, on=START, phase="application",
                             actor=COORDINATOR, recorded_at=dt.datetime(2027, 1, 4, tzinfo=dt.timezone.utc)))


def test_an_unknown_integrity_error_reaches_the_user_as_an_internal_error(tmp_path, clean_env, capsys) -> None:
    db = _seeded_file(tmp_path)
    connection = sqlite3.connect(db)  # a trigger the code knows nothing about, as a bug would
    connection.execute("CREATE TRIGGER no_weimar BEFORE INSERT ON municipality "
                       "BEGIN SELECT RAISE(ABORT, 'not today'); END")
    connection.commit()
    connection.close()
    before = dump(db)

    assert cli("--db", sqlite_url(db), "municipality", "add", "16055000", "Weimar", "--state", "TH") == 1

    out, err = capsys.readouterr()
    [line] = err.splitlines()
    assert line.startswith("Interner Fehler (IntegrityError") and "--debug" in line
    assert dump(db) == before

    assert cli("--debug", "--db", sqlite_url(db), "municipality", "add", "16055000", "Weimar", "--state", "TH") == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.rstrip().splitlines()[-1].startswith("Interner Fehler")


def test_a_missing_table_says_run_init(tmp_path, clean_env, capsys) -> None:
    db = _seeded_file(tmp_path)
    connection = sqlite3.connect(db)
    connection.execute("DROP TABLE person")
    connection.commit()
    connection.close()

    assert cli("--db", sqlite_url(db), "person", "list", AGS) == 1

    [line] = capsys.readouterr().err.splitlines()
    assert "zyklus init" in line


def test_a_missing_table_says_run_init_on_postgresql(database_url, clean_env, capsys) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the SQLite case is the test above")
    service = make_service(database_url, FixedClock(NOW))
    setup_municipality(service, start=False)
    with service.engine.begin() as connection:
        connection.execute(text("DROP TABLE person CASCADE"))
    service.engine.dispose()

    assert cli("--db", database_url, "person", "list", AGS) == 1

    [line] = capsys.readouterr().err.splitlines()
    assert "zyklus init" in line


def _postgresql_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite integers are 64-bit and its text holds NUL; the CLI refuses both before")


def test_an_integer_out_of_range_on_postgresql_is_bad_input(engine_service, engine_db) -> None:
    _postgresql_only(engine_db)
    setup_municipality(engine_service)
    before = dump(engine_db)
    with pytest.raises(InvalidInput, match="zu groß für die Datenbank"):
        with engine_service.unit(AGS) as session:
            first = session.exec(select(Cycle)).one()
            session.add(Cycle(municipality_id=first.municipality_id, number=2**40, definition_id=first.definition_id,
                              phase="application", phase_entered_on=START, started_on=START))
    assert dump(engine_db) == before


def test_a_nul_byte_reaching_postgresql_is_bad_input(engine_service, engine_db) -> None:
    _postgresql_only(engine_db)
    before = dump(engine_db)
    with pytest.raises(InvalidInput, match="Steuerzeichen"):
        with engine_service.unit(AGS) as session:
            session.add(Municipality(ags="16051000", name="Erf\x00urt", state="TH", kind="stadt",
                                     created_at=dt.datetime(2027, 1, 4, tzinfo=dt.timezone.utc)))
    assert dump(engine_db) == before
