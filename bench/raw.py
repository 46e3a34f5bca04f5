"""The baselines' own database access, without zyklus: stdlib ``sqlite3`` on a file (with
zyklus's pragmas) or ``psycopg`` on PostgreSQL, behind the few calls the floors make.

One SQL text serves both: the floors write ``?`` placeholders, turned into psycopg's ``%s``.
Timestamps and JSON go in as text, which SQLite stores as is and PostgreSQL casts to the
column's type, so a floor writes the same rows on both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

SQLITE_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000")
"""zyklus's own pragmas (engine.db.database): the floor runs on the same settings."""


def url_of(target: Path | str) -> str:
    """The SQLAlchemy URL zyklus is given for a seeded file or a PostgreSQL database."""
    return target if isinstance(target, str) else f"sqlite:///{target}"


class Raw:
    def __init__(self, target: Path | str) -> None:
        self.postgres = self.is_postgres(target)
        if self.postgres:
            import psycopg

            self.connection: Any = psycopg.connect(target.replace("postgresql+psycopg://", "postgresql://", 1))
        else:
            self.connection = sqlite3.connect(target.removeprefix("sqlite:///") if isinstance(target, str) else target)
            for pragma in SQLITE_PRAGMAS:
                self.connection.execute(f"PRAGMA {pragma}")

    @staticmethod
    def is_postgres(target: Path | str) -> bool:
        return isinstance(target, str) and target.startswith("postgresql")

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cursor = self.connection.execute(self._sql(sql), params)
        return cursor.fetchall() if cursor.description else []

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.connection.cursor().executemany(self._sql(sql), list(rows))

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()


def fresh_pg_database(base: str, name: str) -> str:
    """An empty database ``name`` on the server of ``base`` (dropped first if it exists); its URL."""
    from sqlalchemy import create_engine, text

    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name
