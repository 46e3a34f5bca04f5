"""`zyklus template check`: an administrator finds a broken template before a sweep does."""

from __future__ import annotations

import os
import sys
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


SECRET = "fake-smtp-secret-e2e-81d2"


def _check_with_secret(tmp_path: Path, lang: str = "de") -> subprocess.CompletedProcess[str]:
    """The check as run on a server whose environment holds a secret."""
    return subprocess.run([sys.executable, "-m", "zyklus.main", "--lang", lang, "template", "check"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "ZYKLUS_TEST_SECRET": SECRET})


@pytest.mark.parametrize("lang, refusal", [("de", "abgelehnt, führt aus dem Vorlagenordner hinaus"),
                                            ("en", "refused, it leads outside the template folder")])
@pytest.mark.parametrize("target", ["/proc/self/environ", "../../geheim.env"])
def test_a_link_out_of_the_folder_is_reported_without_its_content(templates: Path, tmp_path: Path,
                                                                  target: str, lang: str, refusal: str) -> None:
    (tmp_path / "geheim.env").write_text(f"ZYKLUS_TEST_SECRET={SECRET}\n", encoding="utf-8")
    (templates / "reminder.txt.j2").symlink_to(target)
    result = _check_with_secret(tmp_path, lang)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "reminder.txt.j2" in line and refusal in line
    assert SECRET not in result.stdout + result.stderr


def test_a_partial_linked_out_is_reported_even_if_no_mail_includes_it(templates: Path, tmp_path: Path) -> None:
    (templates / "_fusszeile.txt.j2").symlink_to("/etc/hostname")
    result = _check(tmp_path)
    assert result.returncode == 1 and "_fusszeile.txt.j2" in result.stderr


@pytest.mark.parametrize("body, expected", [
    ('{% include "../../geheim.env" %}', "'..' ist in Vorlagennamen nicht erlaubt"),
    ('{% extends "/etc/passwd" %}', "müssen relativ zum Vorlagenordner sein"),
    ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", "loop iterations"),
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "nested more than"),
    ("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", "output larger than"),
    ("{{ 'x' * 10**10 }}", "would produce more than"),
    ("{{ range(10**9)|list }}", "OverflowError"),
])
def test_runtime_failures_and_limits_are_found(templates: Path, tmp_path: Path, body: str, expected: str) -> None:
    (tmp_path / "geheim.env").write_text(f"ZYKLUS_TEST_SECRET={SECRET}\n", encoding="utf-8")
    (templates / "review.txt.j2").write_text(body, encoding="utf-8")
    result = _check(tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert expected in line and "review" in line and SECRET not in line


def test_a_failure_in_one_kind_of_mail_only_is_found_and_named(templates: Path, tmp_path: Path) -> None:
    (templates / "reminder.txt.j2").write_text(
        "{% if kind == 'overdue' %}{{ 1 / 0 }}{% endif %}Erinnerung {{ phase_label }}", encoding="utf-8")
    result = _check(tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "reminder (overdue)" in line and "ZeroDivisionError" in line


@pytest.mark.parametrize("content, expected", [
    ("Grüße {{ recipient_name }}".encode("cp1252"), "kein gültiges UTF-8"),
    (b"x" * (256 * 1024 + 1), "höchstens 262144"),
])
def test_files_that_cannot_be_templates_are_found(templates: Path, tmp_path: Path, content: bytes,
                                                  expected: str) -> None:
    (templates / "digest.html.j2").write_bytes(content)
    result = _check(tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert expected in line and "digest.html.j2" in line


def test_every_kind_of_mail_is_rendered_in_both_languages(templates: Path, tmp_path: Path) -> None:
    english = templates.parent / "en"
    english.mkdir()
    for folder in (templates, english):
        for name in ("reminder", "review", "phase_entered", "cycle_started", "digest", "values_due",
                     "stale_measures"):
            (folder / f"{name}.txt.j2").write_text("{{ 1 / 0 }}", encoding="utf-8")
    result = _check(tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 14, lines  # one line per template and language
    for name in ("reminder", "review", "phase_entered", "cycle_started", "digest", "values_due", "stale_measures"):
        assert sum(f"/{name}" in line for line in lines) == 2, name


def test_a_language_neutral_override_is_checked_in_every_language(templates: Path, tmp_path: Path) -> None:
    (templates.parent / "review.subject.j2").write_text("{{ _('mail.review.title', event=no_such) }}",
                                                        encoding="utf-8")
    result = _check(tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all("UndefinedError" in line and "review" in line for line in lines)


def test_the_programme_run_mails_are_checked_with_their_own_context(templates: Path, tmp_path: Path) -> None:
    (templates / "run_event.txt.j2").write_text("{{ run_name }} {{ place }} {{ cycle_number }}", encoding="utf-8")
    (templates / "run_digest.txt.j2").write_text("{% for i in items %}{{ i.days_overdue }}{% endfor %}",
                                                 encoding="utf-8")
    result = _check(tmp_path)
    # a run's conference mail has no cycle: the typo is found; the digest's loop renders
    [line] = result.stderr.strip().splitlines()
    assert result.returncode == 1 and "/run_event" in line and "cycle_number" in line, line
