"""`zyklus backup PATH` as an administrator runs it: the console script's own entry point (run in
this process), on a real SQLite file that other connections keep writing to.

A backup is good if it opens, passes SQLite's integrity check and holds every row committed before
it began, whole transactions only; a refused backup leaves the file system as it was.
"""

from __future__ import annotations

import json
import shlex
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from notification_support import make_settings

from engine.clock import FixedClock
from engine.service import Service
from engine_support import NOW, dump, make_service, sqlite_url, zyklus
from notifications.wiring import wire_configured

pytestmark = pytest.mark.both_databases  # the database under the CLI/web is part of what is tested


def _service(db: Path) -> Service:
    return _service_on(sqlite_url(db), db.parent)


def _seed(db: Path, towns: int) -> None:
    service = _service(db)
    for i in range(towns):
        _add_town(service, i)
    service.engine.dispose()


def _add_town(service: Service, i: int) -> None:
    """Three transactions: the municipality, its coordinator, and its cycle (cycle, history, timers)."""
    ags = f"16{i:06d}"
    service.add_municipality(ags, f"Gemeinde {i}", state="TH", kind="gemeinde")
    service.add_person(ags, name=f"Koordination {i}", email=f"k@g{i}.example", roles=["coordination"])
    service.start_cycle(ags, workflow="kommune", on=NOW.date())


def _rows(db: Path, query: str) -> list[tuple]:
    with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True) as conn:
        rows = conn.execute(query).fetchall()
    conn.close()
    return rows


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_backup_beside_an_open_write_transaction_has_every_committed_row_and_nothing_else(
        tmp_path: Path) -> None:
    db, copy = tmp_path / "zyklus.db", tmp_path / "backups" / "zyklus-2027-01-04.db"
    copy.parent.mkdir()
    _seed(db, towns=40)
    committed = dump(db)
    writer = sqlite3.connect(db, isolation_level=None)  # another connection, in the middle of writing
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE municipality SET name = 'nicht übernommen' WHERE id = 1")
    writer.execute("DELETE FROM timer WHERE id > 10")
    try:
        result = zyklus("--db", sqlite_url(db), "backup", str(copy), cwd=tmp_path)
    finally:
        writer.execute("COMMIT")
        writer.close()

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Sicherung geschrieben: {copy} (")
    assert _rows(copy, "PRAGMA integrity_check") == [("ok",)]
    assert dump(copy) == committed  # every committed row, nothing of the open transaction
    assert dump(db) != committed  # which did commit afterwards: the backup did not stand in its way
    assert _files(copy.parent) == [copy.name]  # no temporary file, no -wal or -journal beside it


def test_a_backup_while_the_service_keeps_committing_holds_whole_transactions(tmp_path: Path) -> None:
    db, copy = tmp_path / "zyklus.db", tmp_path / "copy.db"
    _seed(db, towns=40)
    stop = threading.Event()

    def keep_writing() -> None:
        service = _service(db)
        town = 1000
        while not stop.is_set():
            _add_town(service, town)
            town += 1
        service.engine.dispose()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        result = zyklus("--db", sqlite_url(db), "backup", str(copy), "--json", cwd=tmp_path)
    finally:
        stop.set()
        writer.join(timeout=60)

    assert result.returncode == 0, result.stderr
    tables = json.loads(result.stdout)["tables"]
    assert _rows(copy, "PRAGMA integrity_check") == [("ok",)]
    towns = tables["municipality"]
    assert towns >= 40 and tables["person"] in (towns, towns - 1)
    assert _rows(copy, "SELECT min(id), max(id), count(*) FROM municipality") == [(1, towns, towns)]
    # a cycle's start is one transaction: every cycle in the copy has its history entry and its timers
    assert _rows(copy, "SELECT count(*) FROM cycle c WHERE NOT EXISTS "
                       "(SELECT 1 FROM history h WHERE h.cycle_id = c.id AND h.kind = 'start') "
                       "OR NOT EXISTS (SELECT 1 FROM timer t WHERE t.cycle_id = c.id)") == [(0,)]
    assert tables["cycle"] >= 40


def test_the_copy_opens_as_a_zyklus_database(tmp_path: Path) -> None:
    db, copy = tmp_path / "zyklus.db", tmp_path / "copy.db"
    _seed(db, towns=2)

    assert zyklus("--db", sqlite_url(db), "backup", str(copy), cwd=tmp_path).returncode == 0
    status = zyklus("--db", sqlite_url(copy), "status", "--json", cwd=tmp_path)

    assert status.returncode == 0, status.stderr
    assert {row["ags"] for row in json.loads(status.stdout)} == {"16000000", "16000001"}
    assert copy.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only


def test_english_and_json(tmp_path: Path) -> None:
    db = tmp_path / "zyklus.db"
    _seed(db, towns=1)

    english = zyklus("--db", sqlite_url(db), "--lang", "en", "backup", "b.db", cwd=tmp_path)
    data = json.loads(zyklus("--db", sqlite_url(db), "backup", "c.db", "--json", cwd=tmp_path).stdout)

    assert english.stdout.startswith(f"Backup written: {tmp_path / 'b.db'} (")
    assert data["path"] == str(tmp_path / "c.db") and data["bytes"] == (tmp_path / "c.db").stat().st_size
    assert data["tables"]["municipality"] == 1 and data["tables"]["person"] == 1


# --- refused: one line, exit 1, nothing written -------------------------------------------------------


@pytest.mark.parametrize(("target", "expect"), [
    ("zyklus.db", "gibt es schon"),  # not even over the database itself
    ("existing.db", "gibt es schon"),
    ("no/such/folder/b.db", "Der Ordner"),
])
def test_a_refused_target_writes_nothing(tmp_path: Path, target: str, expect: str) -> None:
    db = tmp_path / "zyklus.db"
    _seed(db, towns=1)
    (tmp_path / "existing.db").write_bytes(b"keep me")
    before_files, before_rows = _files(tmp_path), dump(db)

    result = zyklus("--db", sqlite_url(db), "backup", target, cwd=tmp_path)

    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert expect in line and str(tmp_path) in line
    assert _files(tmp_path) == before_files and (tmp_path / "existing.db").read_bytes() == b"keep me"
    assert dump(db) == before_rows


def test_a_source_that_is_not_a_database_is_one_line_and_leaves_no_file(tmp_path: Path) -> None:
    (tmp_path / "zyklus.db").write_text("Dies ist keine Datenbank.\n", encoding="utf-8")

    result = zyklus("--db", sqlite_url(tmp_path / "zyklus.db"), "backup", "b.db", cwd=tmp_path)
    missing = zyklus("--db", sqlite_url(tmp_path / "nirgends.db"), "backup", "b.db", cwd=tmp_path)

    assert result.returncode == 1 and result.stderr.splitlines() == [
        f"Sicherung nach {tmp_path / 'b.db'} fehlgeschlagen: file is not a database"]
    assert missing.returncode == 1 and missing.stderr.splitlines() == [
        f"Datenbankdatei {tmp_path / 'nirgends.db'} nicht gefunden."]
    assert _files(tmp_path) == ["zyklus.db"]  # no backup, no temporary file, no new database


def test_postgresql_is_pointed_to_pg_dump_without_the_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://zyklus:geheim@db.landkreis.example:5432/zyklus"

    result = zyklus("--db", url, "backup", "zyklus.dump", cwd=tmp_path)

    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "zyklus backup sichert SQLite-Dateien; eine PostgreSQL-Datenbank sichert pg_dump: "
        "pg_dump -Fc -f zyklus.dump postgresql://zyklus@db.landkreis.example:5432/zyklus"]
    assert _files(tmp_path) == []


def test_the_pg_dump_line_it_prints_backs_up_and_restores_postgresql(database_url: str, tmp_path: Path) -> None:
    """The PostgreSQL way of docs/operations.md, run as printed: pg_dump -Fc, pg_restore, zyklus init."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is backed up by zyklus itself (the tests above)")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("the PostgreSQL client tools are not installed")
    assert zyklus("--db", database_url, "init", cwd=tmp_path).returncode == 0  # as in production: alembic
    service = _service_on(database_url, tmp_path)
    for i in range(3):
        _add_town(service, i)
    service.engine.dispose()
    before = zyklus("--db", database_url, "status", "--json", cwd=tmp_path)

    told = zyklus("--db", database_url, "backup", "zyklus.dump", cwd=tmp_path)
    command = shlex.split(told.stderr.split("pg_dump: ", 1)[1])
    assert command[:4] == ["pg_dump", "-Fc", "-f", "zyklus.dump"]
    assert subprocess.run(command, cwd=tmp_path, capture_output=True, text=True).returncode == 0

    restored = _empty_database(database_url, "_restored")
    try:
        libpq = restored.replace("postgresql+psycopg://", "postgresql://")
        done = subprocess.run(["pg_restore", "--no-owner", "-d", libpq, "zyklus.dump"], cwd=tmp_path,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert zyklus("--db", restored, "init", cwd=tmp_path).returncode == 0  # up to date: nothing to do
        after = zyklus("--db", restored, "status", "--json", cwd=tmp_path)
    finally:
        _drop_database(restored)

    assert after.returncode == 0 and json.loads(after.stdout) == json.loads(before.stdout)
    assert len(json.loads(after.stdout)) == 3


def _service_on(url: str, tmp_path: Path) -> Service:
    """The service with the reminder planner, as `zyklus` wires it: a cycle's start writes timers too."""
    service = make_service(url, FixedClock(NOW))
    wire_configured(service, make_settings(tmp_path))
    return service


def _empty_database(url: str, suffix: str) -> str:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1] + suffix
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def _drop_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    base, name = url.rsplit("/", 1)
    admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
