"""`zyklus oparl` as a user types it: add, sync, status, candidates, accept, dismiss; bad input
is one line on stderr with exit 1 and stores nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.clock import FixedClock
from engine_support import AGS, COORDINATOR, NOW, cli_env, drive_to, make_service, setup_municipality, sqlite_url, structure, zyklus
from notification_support import make_settings, write_config
from oparl_server import OParlServer

SYNC_NOW = "2027-06-20T10:00"


@pytest.fixture
def run(tmp_path: Path):
    import oparl.tables  # noqa: F401  (the schema make_service creates includes them)

    database = tmp_path / "zyklus.db"
    service = make_service(sqlite_url(database), FixedClock(NOW))
    setup_municipality(service, AGS, people=structure())
    drive_to(service, "council_resolution")
    service.engine.dispose()
    settings = make_settings(tmp_path, oparl={"retry_base_seconds": 0, "max_response_bytes": 100_000})
    config = write_config(tmp_path / "config.toml", settings, database)
    env = cli_env(ZYKLUS_NOW=SYNC_NOW, ZYKLUS_CONFIG=str(config))
    return lambda *args: zyklus(*args, cwd=tmp_path, env=env)


def test_sync_accept_and_advance_from_the_command_line(run) -> None:
    with OParlServer(quirks={"empty_404"}) as server:
        assert run("oparl", "add", AGS, server.system_url).returncode == 0
        synced = run("oparl", "sync")
        assert synced.returncode == 0 and "2 neue Beschlussvorschläge" in synced.stdout
        assert json.loads(run("oparl", "sync", AGS, "--json").stdout)[0]["created"] == 0
    [source] = json.loads(run("oparl", "status", "--json").stdout)
    assert (source["ags"], source["body_name"], source["open_candidates"], source["last_error"]) == (
        AGS, "Stadt Erfurt", 2, None)
    listed = run("oparl", "candidates", AGS)
    assert "DS 0815/27" in listed.stdout and "vertagt" in listed.stdout
    candidates = json.loads(run("oparl", "candidates", AGS, "--json").stdout)
    adopted = next(row["id"] for row in candidates if row["outcome"] == "adopted")
    deferred = next(row["id"] for row in candidates if row["outcome"] == "deferred")

    refused = run("oparl", "accept", AGS, str(deferred), "--as", COORDINATOR)
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert "öffnet den Weg nicht" in refused.stderr and "Traceback" not in refused.stderr
    assert run("advance", AGS, "--as", COORDINATOR).returncode == 3

    accepted = json.loads(run("oparl", "accept", AGS, str(adopted), "--as", COORDINATOR, "--json").stdout)
    assert accepted["fact"]["fields"]["reference"] == "DS 0815/27" and accepted["candidate"]["status"] == "accepted"
    again = run("oparl", "accept", AGS, str(adopted), "--as", COORDINATOR)
    assert again.returncode == 1 and "bereits angenommen" in again.stderr
    assert run("oparl", "dismiss", AGS, str(deferred), "--as", COORDINATOR).returncode == 0
    assert run("advance", AGS, "--as", COORDINATOR).returncode == 0


@pytest.mark.parametrize(("path", "words"), [
    ("/html", "Keine JSON-Antwort"), ("/not-oparl", "Kein OParl-System"), ("/huge", "Antwort größer als"),
    ("/loop", "Zu viele Weiterleitungen"),
])
def test_a_bad_endpoint_is_one_line_and_nothing_is_stored(run, path: str, words: str) -> None:
    with OParlServer() as server:
        added = run("oparl", "add", AGS, server.base + path)
    assert added.returncode == 1 and words in added.stderr and len(added.stderr.strip().splitlines()) == 1
    assert json.loads(run("oparl", "status", "--json").stdout) == []


def test_an_unreachable_server_and_other_mistakes(run) -> None:
    with OParlServer() as server:
        closed = server.system_url
    unreachable = run("oparl", "add", AGS, closed)
    assert unreachable.returncode == 1 and "nicht erreichbar" in unreachable.stderr
    assert run("oparl", "add", AGS, "ftp://ris.example/oparl").returncode == 1
    assert run("oparl", "add", "99999999", closed).returncode == 1
    no_source = run("oparl", "sync", AGS)
    assert no_source.returncode == 1 and "oparl add" in no_source.stderr
    assert json.loads(run("oparl", "status", "--json").stdout) == []


def test_a_sync_that_fails_later_says_so_and_keeps_what_it_had(run) -> None:
    with OParlServer() as server:
        run("oparl", "add", AGS, server.system_url)
        run("oparl", "sync")
    failed = run("oparl", "sync", AGS)  # the server is gone now
    assert failed.returncode == 1 and "nicht erreichbar" in failed.stderr
    [source] = json.loads(run("oparl", "status", "--json").stdout)
    assert "nicht erreichbar" in source["last_error"] and source["objects"] == 15


def test_the_interval_is_checked_with_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[oparl]\ninterval_minutes = -5\n", encoding="utf-8")
    refused = zyklus("--config", str(tmp_path / "config.toml"), "oparl", "status", cwd=tmp_path, env=cli_env())
    assert refused.returncode == 1 and refused.stderr.strip() == \
        "config.toml: [oparl] interval_minutes: -5 liegt nicht zwischen 0 und 10080"
