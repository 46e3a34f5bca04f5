"""The import contracts of pyproject.toml ([tool.importlinter]) hold: the arrows only point one way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold() -> None:
    """In a process of its own: import-linter changes the logging of the process it runs in."""
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


def test_the_command_line_loads_no_database_model_or_mail_library_before_a_command_runs() -> None:
    """`zyklus --help` and the start of every command wait only for what they use (issue 16)."""
    heavy = ("pydantic", "sqlalchemy", "sqlmodel", "jinja2", "email_validator", "icalendar", "aiosmtplib",
             "email.policy", "fastapi", "starlette", "uvicorn", "zyklus.web")
    probe = f"import sys, zyklus.main; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
