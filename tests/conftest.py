"""Shared pytest fixtures for zyklus."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from smtp_server import ScriptedHandler, TlsFiles, dead_port, make_self_signed_cert, running_server

# Bytecode ------------------------------------------------------------------
# Many containers set PYTHONDONTWRITEBYTECODE. Then every xdist worker and every CLI subprocess
# compiles each module again and pytest rewrites every test module's asserts again: 10 s of
# collection per worker instead of 3.7. The suite keeps its bytecode apart from the sources
# (.pytest_cache/pycache, git-ignored), so the wish not to litter the tree is kept too; the
# environment carries it to the workers and subprocesses started from here.
if sys.dont_write_bytecode:
    sys.dont_write_bytecode = False
    sys.pycache_prefix = str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "pycache")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = sys.pycache_prefix

# Hypothesis profiles -------------------------------------------------------
# `ci` (the default, what .ci/run and the README command use): a fixed set of 50 examples per
# property, so a red run can be repeated exactly and the suite stays within its time budget.
# `dev` (HYPOTHESIS_PROFILE=dev): 300 fresh random examples per property, for hunting.
hypothesis_settings.register_profile("ci", max_examples=50, derandomize=True, deadline=None, database=None,
                                     print_blob=True)
hypothesis_settings.register_profile("dev", max_examples=300, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# SMTP server fixtures ------------------------------------------------------
# Real aiosmtpd servers on 127.0.0.1; see tests/smtp_server.py for scripting.

StartSmtpServer = Callable[..., int]


@pytest.fixture
def start_smtp_server() -> Iterator[StartSmtpServer]:
    """Start servers on demand: ``start_smtp_server(handler, tls=..., credentials=...)`` returns the port."""
    with ExitStack() as stack:
        yield lambda handler, **options: stack.enter_context(running_server(handler, **options))


@pytest.fixture
def smtp_handler() -> ScriptedHandler:
    return ScriptedHandler()


@pytest.fixture
def smtp_port(start_smtp_server: StartSmtpServer, smtp_handler: ScriptedHandler) -> int:
    """A plain SMTP server (no TLS, no AUTH) recording into ``smtp_handler``."""
    return start_smtp_server(smtp_handler)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_self_signed_cert(Path(tmp_path_factory.mktemp("tls")))


@pytest.fixture
def unused_smtp_port() -> Iterator[int]:
    """A port where no server listens, for the "server down" case."""
    with dead_port() as port:
        yield port


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """For the CLI run in this process: no ZYKLUS_* of the developer's shell, a fixed `now`, a wide
    terminal, and the test's folder as the working directory (where a stray file would show)."""
    for name in list(os.environ):
        if name.startswith("ZYKLUS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ZYKLUS_NOW", "2027-03-01T09:00")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)


# Engine fixtures -----------------------------------------------------------
# A service on a real SQLite file in tmp_path, time from a FixedClock (never the wall clock).
# Helpers and gnk-thueringen test data live in tests/engine_support.py.

from engine.clock import FixedClock  # noqa: E402
from engine.service import Service  # noqa: E402
from engine_support import NOW, make_service  # noqa: E402


@pytest.fixture
def engine_clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def engine_db(database_url: str) -> str:
    """The test's database URL: a SQLite file, and PostgreSQL too when ZYKLUS_TEST_PG is set."""
    return database_url


@pytest.fixture
def engine_service(engine_db: str, engine_clock: FixedClock) -> Iterator[Service]:
    """An initialised service on ``engine_db`` using the shipped workflows."""
    service = make_service(engine_db, engine_clock)
    yield service
    service.engine.dispose()


# Notification fixtures -----------------------------------------------------
# Reminders and delivery: a service with the reminder planner and a sweeper on a real SQLite file
# in tmp_path, time from a FixedClock the test moves. Helpers: tests/notification_support.py.

import datetime as _dt  # noqa: E402

from notification_support import Rig, build_rig  # noqa: E402
from zyklus.config import Settings  # noqa: E402


@pytest.fixture
def make_rig(database_url: str) -> Iterator[Callable[..., Rig]]:
    """``make_rig(settings, moment)``: a Rig on the test's database (SQLite, and PostgreSQL when
    enabled). Every call is one more process's view of the same database (its own engine,
    sweeper and clock)."""
    rigs: list[Rig] = []

    def make(settings: Settings, moment: _dt.datetime) -> Rig:
        from engine.clock import FixedClock

        rig = build_rig(database_url, FixedClock(moment), settings)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.service.engine.dispose()


# Database fixtures ---------------------------------------------------------
# `database_url` runs a test on a real SQLite file and, for the modules marked `both_databases`,
# when ZYKLUS_TEST_PG names a PostgreSQL server (`eval "$(.ci/start-postgres)"` starts one; .ci/run
# does), on PostgreSQL too. Marked are the modules whose subject is the database or whose SQL is
# written per dialect: migrations, concurrent workers and claims (SKIP LOCKED, ON CONFLICT), the
# outbox, database faults, the status and overview reads (joins, NULLS LAST, paging), accounts
# (case-folded unique addresses), the cycle, the programme's shape statements, and the two
# modules that store most user text (indicators, OParl: PostgreSQL enforces column lengths that
# SQLite ignores). The other modules sit on the same repositories and run on SQLite only: a
# second run would test the same SQL again, at a third of the suite's time.
#
# The database a test gets holds the newest schema (alembic, as `zyklus init` makes it) and no
# rows: a copy of a template file for SQLite; for PostgreSQL the worker's own database, emptied
# by one TRUNCATE, and rebuilt whenever a test left its schema changed. Building the schema per
# test was a third of the suite's time. `empty_database_url` is a database with no tables, for
# the tests of migrations and of `zyklus init` itself.

PG_BASE_URL = os.environ.get("ZYKLUS_TEST_PG", "")
PG_SKIP = ("PostgreSQL run skipped: set ZYKLUS_TEST_PG=postgresql+psycopg://USER@HOST:PORT/DB to enable it "
           '(`eval "$(.ci/start-postgres)"` starts a local server)')


PG_DATABASE = f"zyklus_test_{os.getpid()}"
"""One database per test process, so two suites (or xdist workers) on one server never collide."""
PG_SHARED_DATABASE = f"{PG_DATABASE}_shared"
"""The database of ``shared_database_url``, apart from the one each test empties."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_databases: run this module on PostgreSQL too (when ZYKLUS_TEST_PG "
                                       "is set)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for name in ("database_url", "empty_database_url", "shared_database_url"):
        chosen = any(name in mark.args[0] for mark in metafunc.definition.iter_markers("parametrize"))
        if name in metafunc.fixturenames and not chosen:  # a test may name its backend itself
            on_both = metafunc.definition.get_closest_marker("both_databases") is not None
            metafunc.parametrize(name, ["sqlite", "postgresql"] if on_both else ["sqlite"], indirect=True,
                                 scope="module" if name == "shared_database_url" else None)


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_database() -> Iterator[None]:
    yield
    if PG_BASE_URL:
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for database in (PG_DATABASE, PG_SHARED_DATABASE):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def _newest_schema(url: str) -> None:
    from engine.db.database import make_engine
    from zyklus.schema import register_all_tables, upgrade

    register_all_tables()
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import sqlite3

    path = tmp_path_factory.mktemp("template") / "zyklus.db"
    _newest_schema(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:  # everything in the main file, so copying it copies all
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


Build = Callable[[str], None]
"""Writes a test's data into the database at the URL it is given (and closes what it opened)."""


@pytest.fixture(scope="session")
def populated(_sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Build], None]:
    """``populated(database_url, build)``: the test's database holds what ``build`` writes. On
    SQLite ``build`` runs once per test process (and per ``build``) on a fresh database, and each
    test gets a copy of that file; on PostgreSQL it runs on the test's own database. Registering a
    few dozen people costs more than most tests that need them."""
    import sqlite3

    built: dict[Build, Path] = {}

    def populate(database_url: str, build: Build) -> None:
        if not database_url.startswith("sqlite:///"):
            build(database_url)
            return
        if build not in built:
            path = tmp_path_factory.mktemp("population") / "zyklus.db"
            shutil.copyfile(_sqlite_template, path)
            build(f"sqlite:///{path}")
            with sqlite3.connect(path) as conn:  # everything in the main file, so copying it copies all
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            built[build] = path
        shutil.copyfile(built[build], database_url.removeprefix("sqlite:///"))

    return populate


_PG_SHAPE = """
    SELECT md5(coalesce(string_agg(item, ';' ORDER BY item), '')) FROM (
        SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable
               || ':' || coalesce(column_default, '') AS item
          FROM information_schema.columns WHERE table_schema = 'public'
        UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
        UNION ALL SELECT conrelid::regclass || ':' || pg_get_constraintdef(oid) FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace
        UNION ALL SELECT 'alembic:' || version_num FROM alembic_version) AS shape"""
"""One fingerprint of the schema (columns, indexes, constraints, alembic's revision)."""

_reset_engines: dict[str, Any] = {}
"""The engine that empties or rebuilds each database (no pool: it holds no connection between tests)."""
_pg_created: set[str] = set()
"""The databases this process has made sure exist."""
_pg_newest_shape: list[str] = []
"""The fingerprint right after this process built the newest schema (empty until it has)."""


def _used_tables(conn) -> set[str]:  # noqa: ANN001 - a SQLAlchemy connection
    """The tables the last test left rows in or drew ids from: emptying only those is a third of
    the cost of one TRUNCATE of every table, and ids start at 1 again all the same."""
    from sqlalchemy import text

    names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                              "AND tablename <> 'alembic_version'")).scalars().all()
    filled = conn.execute(text(" UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in names))).scalars().all()
    counted = conn.execute(text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' "
                                "AND last_value IS NOT NULL")).scalars().all()
    return set(filled) | {name.removesuffix("_id_seq") for name in counted} & set(names)


def _empty(conn, tables: set[str]) -> None:  # noqa: ANN001 - a SQLAlchemy connection
    """Delete every row of ``tables`` and start their ids at 1: DELETE with the foreign-key
    triggers off (``session_replication_role``, the test server's superuser may) takes 4 ms
    where TRUNCATE takes 35; a role that may not falls back to TRUNCATE."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    if not tables:
        return
    try:
        conn.exec_driver_sql("SET session_replication_role = replica; "
                             + " ".join(f'DELETE FROM "{name}";' for name in sorted(tables))
                             + " ".join(f'ALTER SEQUENCE IF EXISTS "{name}_id_seq" RESTART;' for name in sorted(tables))
                             + " SET session_replication_role = DEFAULT;")
    except DBAPIError:
        conn.execute(text("TRUNCATE " + ", ".join(f'"{name}"' for name in sorted(tables)) + " RESTART IDENTITY CASCADE"))


def postgres_url(*, tables: bool = True, database: str = PG_DATABASE) -> str:
    """This process's PostgreSQL database, with the newest schema and no rows (or, with
    ``tables=False``, with no tables at all); the shared one is always built anew."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import ProgrammingError
    from sqlalchemy.pool import NullPool

    if database not in _pg_created:
        admin = create_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        _pg_created.add(database)
    url = PG_BASE_URL.rsplit("/", 1)[0] + "/" + database
    engine = _reset_engines.get(url)
    if engine is None:  # one per database, so SQLAlchemy reads the server's dialect details once
        engine = _reset_engines[url] = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        try:
            shape = conn.execute(text(_PG_SHAPE)).scalar_one()
        except ProgrammingError:  # no alembic_version: a test removed it, or the database is new
            shape = None
        if tables and database == PG_DATABASE and _pg_newest_shape and shape == _pg_newest_shape[0]:
            _empty(conn, _used_tables(conn))
            return url
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    if tables:
        _newest_schema(url)
        if database == PG_DATABASE:
            with engine.connect() as conn:
                _pg_newest_shape[:] = [conn.execute(text(_PG_SHAPE)).scalar_one()]
    return url


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with the newest schema and no rows (see above)."""
    if request.param == "sqlite":
        path = tmp_path / "zyklus.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    if not PG_BASE_URL:
        pytest.skip(PG_SKIP)
    return postgres_url()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables: for migrations and `zyklus init`."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zyklus.db'}"
    if not PG_BASE_URL:
        pytest.skip(PG_SKIP)
    return postgres_url(tables=False)


@pytest.fixture(scope="module")
def shared_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with the newest schema for a module whose tests only read what a module-scoped
    fixture put there once (a population of many municipalities costs seconds; building it per
    test was a tenth of the suite). On PostgreSQL a database of its own, which the per-test
    emptying of ``database_url`` does not touch."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("shared") / "zyklus.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    if not PG_BASE_URL:
        pytest.skip(PG_SKIP)
    return postgres_url(database=PG_SHARED_DATABASE)
