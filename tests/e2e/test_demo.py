"""The README's first command: `zyklus demo` runs a whole cycle with reminders over SMTP.

The German run is a smoke test of the installed entry point in its own interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine_support import zyklus


def test_demo_runs_a_cycle_with_refusal_restart_and_mails(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "zyklus.main", "demo"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert ("Nachweis „Ratsbeschluss“ mit Ergebnis „beschlossen“ oder „geändert beschlossen“ muss in diesem Zyklus "
            "erfasst sein.") in out  # the guard refused
    assert "Ratsbeschluss: vertagt am 26.10.2028." in out  # and again after the paper was deferred
    assert "Formeller Beschluss (Rat) → Umsetzung und Monitoring" in out  # then passed
    assert "Zyklus 2: Er-/Überarbeitung der Nachhaltigkeitsstrategie" in out  # restart
    assert "Neue Phase: Bewerbung und Teilnahmebeschluss (Musterstadt) → koordination@musterstadt.example" in out
    assert "E-Mails über SMTP zugestellt" in out
    assert not list(tmp_path.iterdir()), "the demo must leave no files behind"


def test_demo_in_english(tmp_path: Path) -> None:
    result = zyklus("--lang", "en", "demo", cwd=tmp_path, env={"COLUMNS": "200"})  # in-process
    assert result.returncode == 0, result.stderr
    assert "Cycle 2: Developing or revising the strategy" in result.stdout
    assert "mails delivered over SMTP" in result.stdout
