"""`zyklus serve` as a real process: it sweeps at start-up (sending what is due) and stops cleanly
on SIGTERM. It runs on the system clock, so the cycle is started today: its phase-entered mail is
due at once. The test waits for that mail to arrive (an event), never for a schedule.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from notification_support import ANNA, AGS, make_settings, write_config
from smtp_server import ScriptedHandler
from sqlmodel import Session, create_engine, select
from typer.testing import CliRunner

from zyklus.main import app

TIMEOUT = 60.0  # generous: a loaded CI machine, a cold interpreter


def sent_rows(db_file: Path) -> list[str]:
    from notifications.tables import Outbox

    engine = create_engine(f"sqlite:///{db_file}")
    try:
        with Session(engine) as session:
            return [row.status for row in session.exec(select(Outbox))]
    finally:
        engine.dispose()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_serve_sends_the_due_reminders_at_start_up_and_stops_on_sigterm(
        tmp_path: Path, smtp_port: int, smtp_handler: ScriptedHandler) -> None:
    db_file = tmp_path / "zyklus.db"
    config = write_config(tmp_path / "config.toml",
                          make_settings(tmp_path, smtp_port=smtp_port, scheduler={"interval_seconds": 3600}),
                          db_file)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZYKLUS_")}
    env["PYTHONFAULTHANDLER"] = "1"  # a SIGABRT then writes every thread's stack to the log
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    runner = CliRunner()
    for args in (["init"],
                 ["municipality", "add", AGS, "Erfurt", "--state", "TH"],
                 ["person", "add", AGS, "--name", "Anna Koordination", "--email", ANNA, "--role", "coordination"],
                 ["cycle", "start", AGS, "--workflow", "kommune", "--on", today]):
        result = runner.invoke(app, ["--config", str(config), *args],
                               env={"ZYKLUS_DB": None, "ZYKLUS_NOW": None, "ZYKLUS_CONFIG": None})
        assert result.exit_code == 0, (args, result.output, result.exception)

    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "zyklus.main", "--config", str(config), "serve"],
                               cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        assert smtp_handler.wait_for_mail(1, TIMEOUT), "the phase-entered mail never arrived"
        process.send_signal(signal.SIGTERM)  # the running sweep finishes recording before the process ends
        try:
            code = process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            process.wait(timeout=TIMEOUT)
            log.flush()
            pytest.fail(f"serve did not stop within {TIMEOUT} s of SIGTERM; where it was:\n"
                        + (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace"))
        assert sent_rows(db_file) == ["sent"]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()

    output = (tmp_path / "serve.log").read_text(encoding="utf-8", errors="replace")
    assert code == 0, output
    assert "Traceback" not in output
    [received] = smtp_handler.received
    assert received.rcpt_tos == (ANNA,)
    assert received.message["Subject"] == "Neue Phase: Aufbau der Arbeitsstrukturen (Erfurt)"
    assert "stopping" in output  # the signal was handled, not a kill
