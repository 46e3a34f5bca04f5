"""The import contracts of pyproject.toml ([tool.importlinter]) hold: the arrows only point one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from engine_support import NOW, make_service, setup_municipality, sqlite_url

from engine.clock import FixedClock

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


def _loaded_by(args: list[str], cwd: Path, watched: tuple[str, ...]) -> list[str]:
    """The modules of ``watched`` (each with its submodules) that `zyklus ARGS` imported, run as
    the console script runs it in a fresh interpreter."""
    probe = ("import sys\nfrom zyklus.main import run\ntry:\n    code = run(sys.argv[1:])\n"
             "except SystemExit as exit_:\n    code = exit_.code or 0\n"
             f"print(code, sorted({{m for m in sys.modules for w in {watched!r} if m == w or m.startswith(w + '.')}}))")
    result = subprocess.run([sys.executable, "-c", probe, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
                            env={"PATH": "/usr/bin:/bin"})
    code, _, loaded = result.stdout.strip().rpartition("\n")[2].partition(" ")
    assert code == "0", result.stdout + result.stderr
    return ast.literal_eval(loaded)


NO_COMMAND_MODULES = ("zyklus.cli.backup", "zyklus.cli.common", "zyklus.cli.context", "zyklus.cli.cycles",
                      "zyklus.cli.demo", "zyklus.cli.meetings", "zyklus.cli.oparl", "zyklus.cli.privacy",
                      "zyklus.cli.programme", "zyklus.cli.progress", "zyklus.cli.reminders", "zyklus.cli.runs",
                      "zyklus.cli.simulate", "zyklus.cli.web", "zyklus.cli.workflows")


def test_the_help_imports_no_command_nor_rich(tmp_path: Path) -> None:
    """`zyklus --help` lists the commands from the entry point's table (issue 16, goal 2)."""
    watched = ("rich", "markdown_it", "pygments", "pydantic", "sqlalchemy", "zyklus.app", "zyklus.config",
               "engine.i18n", *NO_COMMAND_MODULES)
    assert _loaded_by(["--help"], tmp_path, watched) == []


def test_the_status_of_one_municipality_imports_only_what_it_reads(tmp_path: Path) -> None:
    """`zyklus status AGS` reads through the door and the ORM, and loads neither the web app, nor
    the other commands and areas of the door, nor the add-ons' tables, mail, calendars, templates,
    the scheduler or the migrations: their subscribers are built on the first event, which a read
    never publishes (issue 16, goal 2)."""
    db = tmp_path / "zyklus.db"
    setup_municipality(make_service(sqlite_url(db), FixedClock(NOW)), "16051000")
    watched = ("fastapi", "starlette", "uvicorn", "zyklus.web", "email_validator", "icalendar", "jinja2",
               "aiosmtplib", "apscheduler", "alembic", "holidays", "markdown_it", "pygments", "psycopg",
               "sqlalchemy.dialects.postgresql", "notifications.tables", "notifications.timers",
               "notifications.outbox", "notifications.compose", "oparl", "zyklus.app.account_tables",
               "zyklus.app.accounts", "zyklus.app.oparl", "zyklus.app.programme", "zyklus.app.reminders",
               "zyklus.app.workflows", "zyklus.app.meetings", "zyklus.schema",
               *(m for m in NO_COMMAND_MODULES if m not in ("zyklus.cli.common", "zyklus.cli.context",
                                                             "zyklus.cli.cycles", "zyklus.cli.privacy")))
    assert _loaded_by(["--db", sqlite_url(db), "status", "16051000"], tmp_path, watched) == []
