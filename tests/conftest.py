"""Shared pytest fixtures for zyklus."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from smtp_server import ScriptedHandler, TlsFiles, dead_port, make_self_signed_cert, running_server

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
# `database_url` runs a test on a real SQLite file and, when ZYKLUS_TEST_PG names a PostgreSQL
# server (`eval "$(.ci/start-postgres)"` starts one; .ci/run does), on PostgreSQL too, with a fresh
# schema per test in a database of this test process's own.

PG_BASE_URL = os.environ.get("ZYKLUS_TEST_PG", "")
PG_SKIP = ("PostgreSQL run skipped: set ZYKLUS_TEST_PG=postgresql+psycopg://USER@HOST:PORT/DB to enable it "
           '(`eval "$(.ci/start-postgres)"` starts a local server)')


PG_DATABASE = f"zyklus_test_{os.getpid()}"
"""One database per test process, so two suites (or xdist workers) on one server never collide."""


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_database() -> Iterator[None]:
    yield
    if PG_BASE_URL:
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        admin.dispose()


def fresh_postgres_url() -> str:
    from sqlalchemy import create_engine, text

    database = PG_DATABASE
    admin = create_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": database}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    url = PG_BASE_URL.rsplit("/", 1)[0] + "/" + database
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zyklus.db'}"
    if not PG_BASE_URL:
        pytest.skip(PG_SKIP)
    return fresh_postgres_url()
