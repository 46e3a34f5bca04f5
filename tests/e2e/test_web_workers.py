"""`zyklus web --workers 2`: what it refuses at start (one line each, exit 1, in-process), and a
real two-worker server on PostgreSQL where a session signed in through one request holds on
later requests, whichever worker answers them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from engine_support import AGS, COORDINATOR, NOW, cli_env, setup_municipality, zyklus

from engine.clock import FixedClock
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings
from zyklus.web.server import SECRET_ENV, worker_environment

KEY = "k" * 48
PASSWORD = "Nachhaltig-2027"
UNREACHABLE_PG = "postgresql+psycopg://nobody@127.0.0.1:9/none"
"""A PostgreSQL URL nothing listens on: a refusal of the configuration comes before any connection."""


def _refusal(tmp_path: Path, *args: str, **env: str) -> str:
    done = zyklus(*args, cwd=tmp_path, env=cli_env(**env))
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_several_workers_on_sqlite_are_refused(tmp_path: Path) -> None:
    line = _refusal(tmp_path, "--db", f"sqlite:///{tmp_path / 'z.db'}", "web", "--workers", "2",
                    **{SECRET_ENV: KEY})
    assert "PostgreSQL" in line and "SQLite" in line


def test_several_workers_without_a_shared_key_are_refused(tmp_path: Path) -> None:
    line = _refusal(tmp_path, "--db", UNREACHABLE_PG, "web", "--workers", "2")
    assert SECRET_ENV in line and "gemeinsamen Schlüssel" in line


def test_a_key_shorter_than_32_characters_is_refused(tmp_path: Path) -> None:
    line = _refusal(tmp_path, "--db", UNREACHABLE_PG, "web", "--workers", "2", **{SECRET_ENV: "k" * 31})
    assert SECRET_ENV in line and "32" in line


def test_the_workers_get_the_database_and_config_file_chosen_on_the_command_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn's workers build the app from the environment (app_from_environment), so --db and
    --config must reach them there."""
    config = tmp_path / "config.toml"
    config.write_text('[general]\nlanguage = "en"\n', encoding="utf-8")
    settings = load_settings(str(config))
    assert worker_environment(settings, "postgresql+psycopg://u@h/db") == {
        "ZYKLUS_DB": "postgresql+psycopg://u@h/db", "ZYKLUS_CONFIG": str(config.resolve())}
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")  # no config.toml there: none to pass on
    assert worker_environment(load_settings(), "sqlite:///x.db") == {"ZYKLUS_DB": "sqlite:///x.db"}


# -- a real server with two workers ----------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_workers(tmp_path: Path, database_url: str) -> Iterator[str]:
    """The server on a fresh PostgreSQL database (``database_url``, parametrised to PostgreSQL
    only by the test: skipped with its message without ZYKLUS_TEST_PG)."""
    url = database_url
    door = bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=url, require_schema=False)
    door.service.init_db()
    setup_municipality(door.service)
    door.accounts.set_password(door.accounts.issue_link(COORDINATOR).token, PASSWORD)
    door.close()
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZYKLUS_")}, SECRET_ENV: KEY}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "zyklus.main", "--db", url, "web", "--workers", "2",
                               "--port", str(port)], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _until_both_workers_answer(base, server, tmp_path / "server.log")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _until_both_workers_answer(base: str, server: subprocess.Popen, log: Path) -> None:
    """Waits for the server's own word that both workers have started (uvicorn logs "Application
    startup complete." once per worker), then for the socket: a real process starts in real time."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        if log.read_text().count("Application startup complete.") >= 2:
            httpx.get(base + "/static/zyklus.css", timeout=10).raise_for_status()
            return
        time.sleep(0.1)
    pytest.fail("zyklus web --workers 2 did not start: " + log.read_text())


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_session_signed_in_on_one_worker_holds_on_every_worker(two_workers: str) -> None:
    # no kept-alive connection: every request is a new connection, which either worker may accept
    with httpx.Client(base_url=two_workers, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)) as browser:
        form = browser.get("/anmelden")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)[1]
        signed = browser.post("/anmelden", data={"csrf": csrf, "email": COORDINATOR, "password": PASSWORD,
                                                 "next": f"/kommunen/{AGS}"})
        assert signed.status_code == 303 and signed.headers["location"] == f"/kommunen/{AGS}"
        pages = [browser.get(f"/kommunen/{AGS}") for _ in range(12)]  # the kernel spreads them over both workers
    assert [p.status_code for p in pages] == [200] * 12
    assert all("Erfurt" in p.text and 'action="/abmelden"' in p.text for p in pages)
