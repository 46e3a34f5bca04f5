"""The database unreachable for a moment during a sweep: the sweep fails cleanly, nothing is half
done, and the next sweep catches up. PostgreSQL only: a server that refuses connections is the
realistic case (an embedded SQLite file does not go away)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from notification_support import ANNA, JOHN, add_erfurt, by_recipient, local, make_settings

pytestmark = pytest.mark.both_databases  # the database is part of what is tested


def _allow_connections(database_url: str, allowed: bool) -> None:
    database = database_url.rsplit("/", 1)[1]
    admin = create_engine(database_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": database})
    admin.dispose()


def test_a_sweep_during_a_database_outage_fails_cleanly_and_the_next_catches_up(
        database_url: str, tmp_path, make_rig, smtp_port: int, smtp_handler) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs a database server that can refuse connections")
    rig = make_rig(make_settings(tmp_path, smtp_port=smtp_port), local(2027, 1, 4, 9))
    add_erfurt(rig.service, on=dt.date(2027, 1, 4), people=(ANNA, JOHN))

    _allow_connections(database_url, False)
    try:
        with pytest.raises(OperationalError):
            rig.sweep()
    finally:
        _allow_connections(database_url, True)
    assert smtp_handler.received == []  # nothing went out during the outage

    report = rig.sweep()

    assert report.delivery == {"sent": 2, "retry": 0, "failed": 0}
    assert set(by_recipient(smtp_handler)) == {ANNA, JOHN}
    assert {row.status for row in rig.outbox()} == {"sent"}


def test_the_cli_says_so_in_one_line_when_the_database_cannot_be_reached(tmp_path, unused_smtp_port: int) -> None:
    import subprocess
    import sys

    url = f"postgresql+psycopg://postgres@127.0.0.1:{unused_smtp_port}/zyklus"  # nothing listens there
    result = subprocess.run([sys.executable, "-m", "zyklus.main", "--db", url, "remind"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Datenbank nicht erreichbar:") and "Traceback" not in result.stderr
