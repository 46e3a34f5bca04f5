"""`zyklus remind` and `zyklus timers` as an operator meets a failing reminder: one line per failure
on stderr (never a traceback), the failing reminder listed in German and English and as JSON, and
`zyklus timers retry` to try it again. The fault is the broken stored label of
tests/integration/test_sweep_isolation.py; the commands run as the console script does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from notification_support import (Rig, local, make_settings, pin_a_stored_version_with_a_broken_label,
                                  write_config)
from smtp_server import ScriptedHandler

from zyklus.main import run

T0 = local(2027, 1, 4, 9)
GOOD, BROKEN = "16050000", "16050001"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'zyklus.db'}"


@pytest.fixture
def config(make_rig, smtp_port: int, tmp_path: Path) -> tuple[Rig, Path]:
    settings = make_settings(tmp_path, smtp_port=smtp_port, mail={"max_attempts": 2})
    rig = make_rig(settings, T0)
    for ags in (GOOD, BROKEN):
        rig.service.add_municipality(ags, f"Stadt {ags}", state="TH", kind="stadt")
        rig.service.add_person(ags, name="Koordination", email=f"k@{ags}.example", roles=["coordination"])
        rig.service.start_cycle(ags, workflow="kommune", on=T0.date())
    pin_a_stored_version_with_a_broken_label(rig, BROKEN, stored_at=T0)
    return rig, write_config(tmp_path / "config.toml", settings, tmp_path / "zyklus.db")


def zyklus(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = run(["--config", str(config), *args])
    except SystemExit as done:  # click ends a command that succeeded this way
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_remind_says_each_failure_in_one_line_and_timers_shows_and_retries_it(
        config: tuple[Rig, Path], capsys: pytest.CaptureFixture[str], smtp_handler: ScriptedHandler) -> None:
    rig, path = config

    code, out, err = zyklus(path, capsys, "--now", "2027-01-04T09:00", "remind")

    assert code == 0 and "1 E-Mails erzeugt, 1 gesendet" in out
    [timer] = [t for t in rig.timers(kind="enter") if t.last_error]
    assert err.count("\n") == 1 and err.startswith(
        f"Erinnerung #{timer.id} ({BROKEN}, enter) fehlgeschlagen: RenderFailed: phase_entered (de): HeaderInjectionError: subject of 'phase_entered' "
        "renders to more than one line")
    assert err.endswith(" – neuer Versuch am 04.01.2027 09:05.\n")
    assert [list(m.rcpt_tos) for m in smtp_handler.received] == [[f"k@{GOOD}.example"]]
    code, out, _ = zyklus(path, capsys, "timers")
    assert out.startswith(f"#{timer.id} {BROKEN} Zyklus 1 enter (fällig 04.01.2027): wird wiederholt, 1 Versuch(e), "
                          "nächster am 04.01.2027 09:05: RenderFailed: phase_entered (de): HeaderInjectionError: subject of")
    assert out.count("\n") == 1

    code, _, err = zyklus(path, capsys, "--now", "2027-01-04T09:10", "remind")
    assert err.count("\n") == 1 and "nach 2 Versuchen aufgegeben" in err and "Traceback" not in err
    code, out, _ = zyklus(path, capsys, "timers", "--failed", "--json")
    [shown] = json.loads(out)
    assert (shown["id"], shown["ags"], shown["status"], shown["attempts"], shown["retry_at"]) == (
        timer.id, BROKEN, "failed", 2, None)
    assert shown["last_error"].startswith("RenderFailed: phase_entered (de): HeaderInjectionError:")
    code, out, _ = zyklus(path, capsys, "--lang", "en", "timers", "--failed")
    assert out.startswith(f"#{timer.id} {BROKEN} cycle 1 enter (due 2027-01-04): failed after 2 attempts: "
                          "RenderFailed: phase_entered (de): HeaderInjectionError:")

    code, out, err = zyklus(path, capsys, "timers", "retry", "999")
    assert (code, out) == (1, "") and err == "Erinnerung #999: keine fehlgeschlagene Erinnerung mit dieser Nummer.\n"
    code, out, _ = zyklus(path, capsys, "timers", "retry", str(timer.id))
    assert out == f"Erinnerung #{timer.id} wird bei der nächsten Erinnerungsrunde erneut versucht.\n"
    assert zyklus(path, capsys, "timers")[1] == "Keine fehlgeschlagenen Erinnerungen.\n"
    code, _, err = zyklus(path, capsys, "--now", "2027-01-04T09:15", "remind", "--verbose")
    assert "Traceback (most recent call last)" in err and "HeaderInjectionError" in err  # the log, asked for
