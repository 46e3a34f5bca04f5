"""What a database error means for the user, decided by the constraint or error code it names.

Only the real lost races become "changed by someone else": a compare-and-set that matched no row
(raised by the service itself), a serialization failure or deadlock on PostgreSQL, and the unique
keys two concurrent writers of one cycle can collide on. Every other unique key has its own
message; an integrity error zyklus does not know is a bug and is left to surface as one.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError

from engine.errors import Conflict, DatabaseBusy, InvalidInput, ZyklusError, ConfigError
from engine.i18n import Language, m

RACES = frozenset({
    "cycle_municipality_id_number_key",  # two starts of the same next cycle
    "history_cycle_id_seq_key",  # two writers numbering the same cycle's history
    "definition_version_version_key",  # two processes pinning the same new version
})
"""Unique keys hit only when two writers race; the loser is told to look and try again."""

DUPLICATES: dict[str, str] = {
    "ix_municipality_ags": "db.duplicate.municipality",
    "person_municipality_id_email_key": "db.duplicate.person",
    "outbox_key_key": "db.duplicate.outbox",
    "goal_cycle_id_key_key": "db.duplicate.key",
    "indicator_cycle_id_key_key": "db.duplicate.key",
    "measure_cycle_id_key_key": "db.duplicate.key",
    "indicator_value_municipality_id_key_year_key": "db.duplicate.value",
    "indicator_target_indicator_id_year_key": "db.duplicate.target",
}
"""Unique keys (by PostgreSQL's name for them) with their own message."""

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")
_SQLITE_ALIASES = {"municipality_ags_key": "ix_municipality_ags"}


def constraint_name(exc: IntegrityError) -> str | None:
    """PostgreSQL reports the constraint's name; SQLite only its columns, from which the name
    PostgreSQL would have given it (``table_col1_col2_key``) is rebuilt."""
    diag = getattr(exc.orig, "diag", None)
    if getattr(diag, "constraint_name", None):
        return diag.constraint_name
    found = _SQLITE_UNIQUE.search(str(exc.orig))
    if not found:
        return None
    columns = [c.strip() for c in found.group(1).split(",")]
    table = columns[0].split(".", 1)[0]
    name = f"{table}_{'_'.join(c.split('.', 1)[-1] for c in columns)}_key"
    return _SQLITE_ALIASES.get(name, name)


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _sqlite_text(exc: DBAPIError) -> str:
    return str(exc.orig).lower()


def translate(exc: BaseException, lang: Language, ags: str | None = None) -> ZyklusError | None:
    """The user's error for a database exception, or None when it is not one zyklus understands
    (an unknown constraint, a broken query: a bug to be logged as such)."""
    if not isinstance(exc, DBAPIError):
        return None
    state, text = _sqlstate(exc), _sqlite_text(exc)
    if isinstance(exc, IntegrityError):
        name = constraint_name(exc)
        if name in RACES:
            return Conflict(m("cycle.conflict", lang, ags=ags or "?"))
        if name in DUPLICATES:
            return Conflict(m(DUPLICATES[name], lang))
        return None
    if state in ("40001", "40P01"):
        return Conflict(m("cycle.conflict", lang, ags=ags or "?"))
    if state == "55P03" or "database is locked" in text or "database table is locked" in text:
        return DatabaseBusy(m("db.busy", lang))
    if state in ("42P01", "42703") or "no such table" in text or "no such column" in text:
        return ConfigError(m("db.not_initialised", lang))
    if state == "22003" or "out of range" in text:
        return InvalidInput(m("db.out_of_range", lang))
    if "cannot contain nul" in text or state == "22021":  # PostgreSQL text refuses NUL bytes
        return InvalidInput(m("text.control", lang, field="Text"))
    if "file is not a database" in text or "database disk image is malformed" in text:
        return ConfigError(m("db.not_a_database", lang))
    return None


def unreachable(exc: BaseException) -> bool:
    """A connection that could not be made (server down, file not openable): not a bug."""
    return isinstance(exc, OperationalError) or (isinstance(exc, DatabaseError) and exc.connection_invalidated)
