"""The definition versions stored in the database: which exist, which cycles use them.

A version is stored (pinned) the first time a cycle uses it, so this is what `workflow list`
shows beside the files, and what `workflow migrate --to VERSION` resolves against.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from engine.db.tables import Cycle, DefinitionVersion
from engine.errors import InvalidInput, NotFound
from engine.i18n import Language, m

MIN_PREFIX = 4
"""A version may be abbreviated, like a git hash, as long as the prefix is unambiguous."""


def stored_versions(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Per variant, its stored versions (oldest first) with the number of running cycles on each."""
    with Session(engine) as session:
        running = dict(session.exec(select(Cycle.definition_id, func.count(col(Cycle.id)))
                                    .where(Cycle.status == "running").group_by(col(Cycle.definition_id))).all())
        rows = session.exec(select(DefinitionVersion).order_by(col(DefinitionVersion.created_at),
                                                               col(DefinitionVersion.id))).all()
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row.variant, []).append({"version": row.version, "stored_at": row.created_at.isoformat(),
                                                "running_cycles": running.get(row.id, 0)})
    return out


def database_if_present(db_url: str, busy_timeout: float = 30) -> Engine | None:
    """The database engine when a database exists and is initialised; never creates a file or a
    folder, so a command refused for want of a database (or looking at workflows in a folder
    without one) leaves no ``zyklus.db`` behind."""
    from sqlalchemy.engine import make_url

    from engine.db.database import is_initialised, make_engine

    parsed = make_url(db_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).is_file():
        return None
    engine = make_engine(db_url, busy_timeout=busy_timeout, create=False)
    if not is_initialised(engine):
        engine.dispose()
        return None
    return engine


def find_version(session: Session, variant: str, version: str, lang: Language) -> DefinitionVersion:
    """The stored version of ``variant`` named by its hash or an unambiguous prefix of it."""
    if len(version) < MIN_PREFIX:
        raise InvalidInput(m("version.too_short", lang, version=version, min=MIN_PREFIX))
    rows = session.exec(select(DefinitionVersion)
                        .where(col(DefinitionVersion.version).startswith(version, autoescape=True))).all()
    if not rows:
        raise NotFound(m("version.unknown", lang, version=version, workflow=variant))
    if len(rows) > 1:
        raise InvalidInput(m("version.ambiguous", lang, version=version,
                             candidates=", ".join(r.version for r in rows)))
    row = rows[0]
    if row.variant != variant:
        raise InvalidInput(m("version.other_variant", lang, version=row.version, variant=row.variant,
                             workflow=variant))
    return row
