"""The database schema as a whole: every table, and bringing a database up to date.

`zyklus init` upgrades any database (new or older) to the newest schema with alembic; the
service's plain ``create_all`` remains for throwaway databases (demo, tests), and a test checks
that both produce the same schema.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def register_all_tables() -> None:
    """Import every module that defines tables, so SQLModel.metadata knows the whole schema."""
    from engine.db import tables as _engine_tables  # noqa: F401
    from notifications import tables as _notification_tables  # noqa: F401
    from zyklus.app import account_tables as _account_tables  # noqa: F401
    from oparl import tables as _oparl_tables  # noqa: F401


def alembic_config(engine: Engine | None = None, url: str | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
