"""A real Chromium against the real server: the fixtures of tests/browser.

One browser for the browser tests (starting Chromium costs about a second), a fresh context per
test (its own cookies), and one `zyklus web` server as a subprocess for the module, on a SQLite
database prepared through the CLI, with time fixed by ``--now``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ZYKLUS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
"""Without the background-networking flags Chromium keeps calling Google's services, which on a
closed network means a flood of failing connections."""

NOW = "2027-01-11T09:00:00+01:00"
SECRET = "browser-tests-secret-key-0123456789abcdef"
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


def _missing_browser() -> None:
    """Skip (a developer without Chromium) or fail (CI, where a skip would hide the tests)."""
    message = (f"browser tests need Chromium at {CHROMIUM}: `apt-get install chromium` "
               "(or set ZYKLUS_CHROMIUM to a Chromium binary)")
    if os.environ.get("CI") == "true":
        pytest.fail(message + " – CI=true, so this is a failure, not a skip", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One Chromium for the browser tests (they are one module, so this is one per run). Not
    session-scoped: while Playwright's sync API is open it keeps an asyncio loop running in the
    main thread, and every later test on the same worker that calls ``asyncio.run`` (the SMTP
    delivery) would fail with "cannot be called from a running event loop"."""
    if not os.access(CHROMIUM, os.X_OK):
        _missing_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser) -> Iterator[object]:  # noqa: ANN001 - playwright's Browser
    """A German browser with its own cookies, 1280 px wide; auto-waiting kept short so a missing
    element fails in seconds, not after Playwright's default 30. ``bypass_csp``: the app's
    Content-Security-Policy allows no inline script, and injecting axe-core is one; every other
    rule of the policy is unchanged."""
    ctx = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    ctx.set_default_timeout(5000)
    yield ctx
    ctx.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    db: str
    workdir: Path
    log: Path

    def cli(self, *args: str) -> str:
        """The zyklus command line on the server's database, run in this process (the same
        ``zyklus.main.run`` the console script calls, ~0.1 s instead of ~2 s a call) while the
        server has the file open, as an administrator's shell would beside it."""
        from engine_support import zyklus

        result = zyklus("--db", self.db, "--now", NOW, *args, cwd=self.workdir, env={"ZYKLUS_NOW": NOW})
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result.stdout

    def password_link(self, email: str) -> str:
        """The one-time link `zyklus account link` prints, pointed at this server."""
        printed = self.cli("account", "link", email).strip().splitlines()[-1]
        return self.url + printed[printed.index("/passwort/"):]


def cli_environment(**extra: str) -> dict[str, str]:
    """No ZYKLUS_* of the developer's shell: the database and time come from the options."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ZYKLUS_")}
    return {**env, "COLUMNS": "200", **extra}


def start_server(workdir: Path, db: str, port: int | None = None) -> tuple[subprocess.Popen[bytes], str, Path]:
    """``zyklus web`` in ``workdir`` (so with its config.toml, if any) on ``port`` (default: a free one)."""
    port = port or free_port()
    log = workdir / "server.log"
    with log.open("wb") as sink:  # a file, not a pipe: uvicorn's access log would fill a pipe and stall
        process = subprocess.Popen([sys.executable, "-m", "zyklus.main", "--db", db, "--now", NOW, "web",
                                    "--host", "127.0.0.1", "--port", str(port)],
                                   cwd=workdir, env=cli_environment(ZYKLUS_SECRET_KEY=SECRET),
                                   stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise AssertionError(f"zyklus web ended with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/barrierefreiheit", timeout=2) as answer:
                if answer.status == 200:
                    return process, url, log
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"zyklus web did not answer within 30 s:\n{log.read_text()}")
        time.sleep(0.05)  # waiting for the port to open, not for time to pass


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
