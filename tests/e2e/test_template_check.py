"""`zyklus template check`: an administrator finds a broken template before a sweep does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from engine_support import zyklus


def _check(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return zyklus("template", "check", cwd=tmp_path)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text('[general]\ntemplate_dir = "vorlagen"\n', encoding="utf-8")
    folder = tmp_path / "vorlagen" / "de"
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize("body, expected", [
    ("{{ ''.__class__.__mro__ }}", "UnsafeTemplateError"),  # reaching outside the sandbox
    ("{{ cycle.__init__.__globals__ }}", "UnsafeTemplateError"),  # no globals, whatever the object
    ("{{ no_such_variable }}", "UndefinedError"),  # StrictUndefined: a typo is an error, not a blank
    ("{{ municipality.lower.__self__ }}", "UnsafeTemplateError"),
])
def test_an_unsafe_or_broken_template_is_one_clear_line_and_exit_1(templates: Path, tmp_path: Path,
                                                                   body: str, expected: str) -> None:
    (templates / "reminder.txt.j2").write_text(body, encoding="utf-8")
    result = _check(tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert expected in line and "reminder" in line and "Traceback" not in result.stderr


def test_a_two_line_subject_is_refused(templates: Path, tmp_path: Path) -> None:
    (templates / "reminder.subject.j2").write_text("Frist\nBcc: everyone@example.org", encoding="utf-8")
    result = _check(tmp_path)
    assert result.returncode == 1 and "HeaderInjectionError" in result.stderr


def test_good_templates_pass(templates: Path, tmp_path: Path) -> None:
    (templates / "reminder.subject.j2").write_text("Frist für {{ phase_label }} am {{ due_on|datum }}",
                                                   encoding="utf-8")
    result = _check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "in Ordnung" in result.stdout
