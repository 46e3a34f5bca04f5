"""Creating the database engine and the schema, for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

from engine.errors import ConfigError


def make_engine(url: str, *, busy_timeout: float = 30, create: bool = True) -> Engine:
    """SQLite gets WAL (readers never block the writer), a busy timeout (a second process waits
    that long for a writer's lock instead of failing at once) and enforced foreign keys;
    PostgreSQL gets the same bound as ``lock_timeout`` (a row or table another worker holds is
    waited for that long, then the statement fails as "busy"). ``create=False`` never creates a folder (commands other
    than `init` must not leave files behind)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if create and path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": busy_timeout, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            cur.close()

        return engine
    try:
        return create_engine(url, pool_pre_ping=True,
                             connect_args={"options": f"-c lock_timeout={max(1, int(busy_timeout * 1000))}"})
    except Exception as exc:  # a bad URL or a missing driver is a configuration mistake
        from sqlalchemy.engine import make_url

        shown = make_url(url).render_as_string(hide_password=True) if "://" in url else "?"
        raise ConfigError(f"database URL {shown}: {exc}") from None


def create_schema(engine: Engine) -> None:
    """Create every table registered on SQLModel's metadata (engine's and any add-on's)."""
    from engine.db import tables  # noqa: F401  (importing registers the tables)

    SQLModel.metadata.create_all(engine)


def is_initialised(engine: Engine) -> bool:
    """Raises OperationalError when the database cannot be reached: that is not "uninitialised"."""
    return inspect(engine).has_table("cycle")
