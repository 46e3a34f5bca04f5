"""Backing up: a consistent copy of the SQLite database while zyklus keeps running (`zyklus backup`).

SQLite's online backup API copies every page inside one read transaction, so the copy is the
database as of one moment even while a sweep or a coordinator writes (in WAL mode the writer is
not held up). The copy is made in a temporary file next to PATH and linked into place only when
complete, so PATH is either absent or a whole database, and an existing file is never replaced.
A PostgreSQL database is backed up with its own tool; the command says how.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from engine.errors import InvalidInput
from engine.i18n import Language, m


def backup(db_url: str, path: Path, lang: Language = "de") -> dict[str, Any]:
    """Copy the SQLite database at ``db_url`` to the new file ``path``; for PostgreSQL, refuse with
    the `pg_dump` line to use instead (its password left out: it belongs in PGPASSWORD)."""
    from sqlalchemy.engine import URL, make_url

    url = make_url(db_url)
    if url.get_backend_name() != "sqlite":
        # pg_dump reads libpq's URL, without the driver suffix and without the password, which
        # belongs in PGPASSWORD or ~/.pgpass, never on a command line.
        libpq = URL.create(url.get_backend_name(), username=url.username, host=url.host, port=url.port,
                           database=url.database, query=url.query).render_as_string(hide_password=False)
        raise InvalidInput(m("backup.postgres", lang, path=shlex.quote(str(path)), url=shlex.quote(libpq)))
    return backup_sqlite(Path(url.database or ""), path, lang)


def backup_sqlite(source: Path, target: Path, lang: Language = "de") -> dict[str, Any]:
    """Copy the database at ``source`` to the new file ``target``; returns what was written."""
    target = target.expanduser().absolute()
    if target.exists() or target.is_symlink():
        raise InvalidInput(m("backup.exists", lang, path=target))
    if not target.parent.is_dir():
        raise InvalidInput(m("backup.no_folder", lang, folder=target.parent))
    if not source.is_file():
        raise InvalidInput(m("backup.no_database", lang, path=source))
    temporary: Path | None = None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        temporary = Path(name)
        tables = _copy(source, temporary)
        _place(temporary, target, lang)
    except (sqlite3.Error, OSError) as exc:
        raise InvalidInput(m("backup.failed", lang, path=target, error=exc)) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
    return {"path": str(target), "source": str(source), "bytes": target.stat().st_size, "tables": tables}


def _copy(source: Path, temporary: Path) -> dict[str, int]:
    """Back up into ``temporary``, make it a self-contained file and check it; returns rows per table."""
    reader = sqlite3.connect(f"{source.absolute().as_uri()}?mode=ro", uri=True)  # never creates or changes it
    copy = sqlite3.connect(temporary)
    try:
        reader.backup(copy)  # all pages in one step: one read transaction, one moment
        copy.execute("PRAGMA journal_mode=DELETE")  # no -wal beside the copy: one file to keep
        problem = copy.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise sqlite3.DatabaseError(problem)
        names = [row[0] for row in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = {name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        copy.close()
        reader.close()
    with open(temporary, "rb") as written:
        os.fsync(written.fileno())
    return tables


def _place(temporary: Path, target: Path, lang: Language) -> None:
    """Give the finished copy its name without ever replacing a file: a hard link fails if the
    name was taken meanwhile, where a rename would silently overwrite it."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise InvalidInput(m("backup.exists", lang, path=target)) from None
    except OSError:  # a file system without hard links (some network shares): rename, checked just before
        if target.exists():
            raise InvalidInput(m("backup.exists", lang, path=target)) from None
        os.rename(temporary, target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the new name survives a power loss too
    finally:
        os.close(folder)
