"""Administrator templates are read from their folder only and every render has limits.

Real files in tmp_path: links out of the folder, FIFOs, wrong encodings, oversized files;
templates that loop, recurse, divide by zero or grow without end.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest

from notifications.render import MailRenderer, RenderFailed, TemplateRuntimeFailure
from notifications.template_check import SAMPLE_COMMON, SAMPLE_DIGEST, SAMPLES
from notifications.template_loader import MAX_TEMPLATE_BYTES, TemplateRefused
from notifications.template_sandbox import RenderLimitExceeded, RenderLimits

SECRET = "fake-secret-7c1e"
CONTEXT: dict[str, Any] = {"municipality": "Musterstadt", "ags": "09162000", "cycle_number": 2,
                           "phase_label": "Bestandsaufnahme", "recipient_name": "Frau Müller",
                           "event_label": "Netzwerktreffen", "event_on": datetime.date(2027, 3, 15), "days_left": 3}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "vorlagen" / "de").mkdir(parents=True)
    (tmp_path / "geheim.txt").write_text(f"PASSWORD={SECRET}\n", encoding="utf-8")
    return tmp_path / "vorlagen"


def override(folder: Path, body: str, name: str = "de/review.txt.j2") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def failure(folder: Path, context: dict[str, Any] = CONTEXT, **limits: Any) -> Exception:
    with pytest.raises(Exception) as caught:
        MailRenderer(folder, limits=RenderLimits(**limits)).render("review", "de", context)
    return caught.value


# --- confinement -------------------------------------------------------------------------------


def test_a_link_to_a_file_outside_the_folder_is_refused(folder: Path) -> None:
    (folder / "de" / "review.txt.j2").symlink_to(folder.parent / "geheim.txt")
    error = failure(folder)
    assert isinstance(error, TemplateRefused) and "outside the template folder" in error.render("en")
    assert error.detail.key == "template.refused.outside_to" and "Vorlagenordner" in str(error)  # German by default
    assert SECRET not in str(error)


def test_a_link_to_the_process_environment_is_refused(folder: Path) -> None:
    (folder / "de" / "review.txt.j2").symlink_to("/proc/self/environ")
    assert isinstance(failure(folder), TemplateRefused)


def test_a_linked_directory_leading_out_is_refused(folder: Path) -> None:
    (folder / "de" / "teile").symlink_to(folder.parent, target_is_directory=True)
    override(folder, '{% include "de/teile/geheim.txt" %}')
    assert isinstance(failure(folder), TemplateRefused)


@pytest.mark.parametrize("include", ["../geheim.txt", "de/../../geheim.txt", "/etc/passwd", str(Path("/tmp"))])
def test_an_include_or_extends_leaving_the_folder_is_refused(folder: Path, include: str) -> None:
    override(folder, f'{{% include "{include}" %}}')
    assert isinstance(failure(folder), TemplateRefused)
    override(folder, f'{{% extends "{include}" %}}')
    assert isinstance(failure(folder), TemplateRefused)


def test_a_link_inside_the_folder_works(folder: Path) -> None:
    override(folder, "Eigener Text für {{ municipality }}", "de/gemeinsam.txt.j2")
    (folder / "de" / "review.txt.j2").symlink_to("gemeinsam.txt.j2")
    assert MailRenderer(folder).render("review", "de", CONTEXT).text == "Eigener Text für Musterstadt"


@pytest.mark.parametrize("make, reason", [
    (lambda p: os.mkfifo(p), "not a regular file"),  # would block a plain open() for good
    (lambda p: p.mkdir(), "not a regular file"),
    (lambda p: p.write_bytes("Grüße".encode("latin-1")), "not valid UTF-8"),
    (lambda p: p.write_bytes(b"x" * (MAX_TEMPLATE_BYTES + 1)), "bytes"),
])
def test_files_that_are_not_templates_are_refused(folder: Path, make, reason: str) -> None:
    make(folder / "de" / "review.txt.j2")
    error = failure(folder)
    assert isinstance(error, TemplateRefused) and reason in error.render("en")


def test_a_dangling_link_is_reported_not_skipped(folder: Path) -> None:
    (folder / "de" / "review.txt.j2").symlink_to(folder / "de" / "gone.txt.j2")
    assert isinstance(failure(folder), TemplateRefused)


def test_a_file_replaced_by_a_link_out_is_noticed_without_a_restart(folder: Path) -> None:
    path = override(folder, "Erste Fassung")
    renderer = MailRenderer(folder, fallback_to_shipped=True)
    assert renderer.render("review", "de", CONTEXT).text == "Erste Fassung"
    path.unlink()
    path.symlink_to(folder.parent / "geheim.txt")
    renderer.reload()  # what every sweep does first

    mail = renderer.render("review", "de", CONTEXT)

    assert SECRET not in mail.text and mail.text.startswith("Guten Tag Frau Müller,")  # the shipped text
    assert len(renderer.override_errors) == 1 and "führt aus dem Vorlagenordner hinaus" in renderer.override_errors[0]


# --- limits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, expected", [
    ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", "loop iterations"),
    ("{% set l = range(100000)|list %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}", "loop iterations"),
    ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "nested more than"),
    ("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", "output larger than"),
    ("{% for i in range(100000) %}" + "static text " * 10 + "{% endfor %}", "output larger than"),
    ("{{ 'x' * 10**9 }}", "would produce more than"),
    ("{{ ['x'] * 10**9 }}", "would produce more than"),
    ("{{ 10 ** 10000000 }}", "would produce more than"),
    ("{{ 'x'|center(10**9) }}", "would produce more than"),
    ("{{ 'x'.rjust(10**9) }}", "would produce more than"),
    ("{{ '%999999999d'|format(1) }}", "would produce more than"),
    ("{{ '%(n)999999999d' % {'n': 1} }}", "would produce more than"),
    ("{{ '%*d' % (999999999, 1) }}", "'*' widths"),
    ("{{ '{:>999999999}'.format(1) }}", "would produce more than"),
    ("{% set s = 'x' * 100000 %}{{ s|replace('', s) }}", "would produce more than"),
    ("{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     "a value of more than"),
])
def test_a_template_that_would_run_or_grow_without_end_is_stopped(folder: Path, body: str, expected: str) -> None:
    override(folder, body)
    error = failure(folder)
    assert isinstance(error, RenderLimitExceeded) and expected in str(error)


def test_a_render_past_its_deadline_is_stopped(folder: Path) -> None:
    override(folder, "{% for i in range(10) %}{{ i }}{% endfor %}")
    error = failure(folder, seconds=-1)  # a deadline already past: the first check stops it
    assert isinstance(error, RenderLimitExceeded) and "longer than" in str(error)


@pytest.mark.parametrize("body, expected", [
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
    ("{{ 1 + 'a' }}", "TypeError"),
    ("{{ range(10**6)|list }}", "OverflowError"),  # the sandbox's own cap on range()
    ('{% include "de/review.txt.j2" %}', "recursion too deep"),  # includes itself
])
def test_errors_at_render_time_are_template_errors(folder: Path, body: str, expected: str) -> None:
    override(folder, body)
    error = failure(folder)
    assert isinstance(error, TemplateRuntimeFailure) and expected in str(error)
    assert "de/review.txt.j2" in str(error)


def test_a_failure_at_render_time_falls_back_for_that_mail_only(folder: Path) -> None:
    override(folder, "Noch {{ 30 // days_left }} Monate")
    renderer = MailRenderer(folder, fallback_to_shipped=True)

    failing = renderer.render("review", "de", CONTEXT | {"days_left": 0})
    working = renderer.render("review", "de", CONTEXT | {"days_left": 3})

    assert failing.text.startswith("Guten Tag Frau Müller,") and working.text == "Noch 10 Monate"
    [problem] = renderer.override_errors
    assert "review (de)" in problem and "ZeroDivisionError" in problem


def test_the_shipped_template_has_the_same_limits_and_raises_render_failed(folder: Path) -> None:
    override(folder, "{{ 1 / 0 }}")
    huge = CONTEXT | {"recipient_name": "x" * (2 * 1024 * 1024)}
    with pytest.raises(RenderFailed) as caught:
        MailRenderer(folder, fallback_to_shipped=True).render("review", "de", huge)
    assert isinstance(caught.value.cause, RenderLimitExceeded) and "review (de)" in str(caught.value)


@pytest.mark.parametrize("language", ["de", "en"])
def test_shipped_templates_render_well_inside_the_limits(language: str) -> None:
    tight = RenderLimits(output_chars=20_000, iterations=100, depth=10)
    renderer = MailRenderer(None, limits=tight)
    for template, kind, extra in SAMPLES:
        context = {**SAMPLE_COMMON, "kind": kind, **extra}
        assert renderer.render(template, language, context).subject  # type: ignore[arg-type]
    assert renderer.render("digest", language, SAMPLE_DIGEST).subject  # type: ignore[arg-type]
