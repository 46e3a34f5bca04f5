"""Creating the database engine and the schema, for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

from engine.errors import ConfigError


def make_engine(url: str) -> Engine:
    """SQLite gets WAL (readers never block the writer), a busy timeout (a second process waits
    instead of failing) and enforced foreign keys; PostgreSQL needs nothing special."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # a bad URL or a missing driver is a configuration mistake
        raise ConfigError(f"database URL {url!r}: {exc}") from None


def create_schema(engine: Engine) -> None:
    """Create every table registered on SQLModel's metadata (engine's and any add-on's)."""
    from engine.db import tables  # noqa: F401  (importing registers the tables)

    SQLModel.metadata.create_all(engine)


def is_initialised(engine: Engine) -> bool:
    """Raises OperationalError when the database cannot be reached: that is not "uninitialised"."""
    return inspect(engine).has_table("cycle")
