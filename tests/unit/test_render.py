"""Template rendering: shipped templates, admin overrides, sandbox, escaping, filters."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import pytest

from notifications.mail import HeaderInjectionError
from notifications.render import MailRenderer, RenderFailed, UnsafeTemplateError

DUE = datetime.date(2027, 3, 15)
BASE: dict[str, Any] = {
    "municipality": "Musterstadt",
    "ags": "09162000",
    "cycle_number": 2,
    "phase_label": "Bestandsaufnahme",
    "recipient_name": "Frau Müller",
}
CONTEXTS: dict[str, dict[str, Any]] = {
    "reminder": BASE
    | {
        "due_on": DUE,
        "days_left": 3,
        "kind": "before",
        "missing": ["Bericht hochladen"],
        "next_steps": ["zyklus status 09162000"],
        "links": [],
    },
    "phase_entered": BASE
    | {
        "phase_description": "Erhebung des Ist-Zustands.",
        "due_on": DUE,
        "missing": ["Bericht hochladen"],
        "next_steps": ["zyklus status 09162000"],
        "links": [],
    },
    "review": BASE | {"event_label": "Netzwerktreffen", "event_on": DUE, "days_left": 0},
    "cycle_started": BASE | {"previous_cycle_number": 1, "due_on": None},
    "digest": {
        "recipient_name": "Frau Müller",
        "day": DUE,
        "items": [{"subject": "Erinnerung", "text": "Frist endet bald."}],
    },
}


@pytest.fixture
def renderer() -> MailRenderer:
    return MailRenderer(override_dir=None)


def write(root: Path, name: str, body: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


# --- shipped templates ---------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_every_shipped_template_renders(renderer: MailRenderer, template: str, language: str) -> None:
    mail = renderer.render(template, language, CONTEXTS[template])  # type: ignore[arg-type]

    assert mail.subject and "\n" not in mail.subject
    greeting = "Guten Tag Frau Müller," if language == "de" else "Hello Frau Müller,"
    assert mail.text.startswith(greeting)
    assert greeting in mail.html and f'<html lang="{language}">' in mail.html
    assert "{{" not in mail.text + mail.html and "http" not in mail.html  # no external resources


@pytest.mark.parametrize(
    ("kind", "days_left", "expected"),
    [
        ("before", 3, "Erinnerung: Bestandsaufnahme – Frist am 15.03.2027 (Musterstadt)"),
        ("due", 0, "Heute fällig: Bestandsaufnahme (Musterstadt)"),
        ("overdue", -2, "Frist überschritten: Bestandsaufnahme (Musterstadt)"),
        ("escalation", -1, "Eskalation: Bestandsaufnahme seit 1 Tag überfällig (Musterstadt)"),
    ],
)
def test_reminder_subject_per_kind(renderer: MailRenderer, kind: str, days_left: int, expected: str) -> None:
    context = CONTEXTS["reminder"] | {"kind": kind, "days_left": days_left}
    assert renderer.render("reminder", "de", context).subject == expected


def test_reminder_lists_missing_conditions_and_commands(renderer: MailRenderer) -> None:
    mail = renderer.render("reminder", "de", CONTEXTS["reminder"])
    assert "  - Bericht hochladen\n" in mail.text
    assert "  zyklus status 09162000\n" in mail.text
    assert "endet die Frist am 15.03.2027. Bis dahin bleiben noch 3 Tage." in mail.text


def test_missing_context_variable_is_an_error(renderer: MailRenderer) -> None:
    context = dict(CONTEXTS["review"])
    del context["event_label"]
    with pytest.raises(RenderFailed) as caught:
        renderer.render("review", "de", context)
    assert isinstance(caught.value.cause, jinja2.UndefinedError) and "review (de)" in str(caught.value)


# --- escaping ------------------------------------------------------------------


def test_html_is_autoescaped_but_text_is_not(renderer: MailRenderer) -> None:
    context = CONTEXTS["reminder"] | {"recipient_name": "<script>alert(1)</script>"}

    mail = renderer.render("reminder", "de", context)

    assert "<script>" not in mail.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "Guten Tag <script>alert(1)</script>," in mail.text


def test_admin_html_override_is_autoescaped_too(tmp_path: Path) -> None:
    write(tmp_path, "de/review.html.j2", "<p>{{ event_label }}</p>")
    context = CONTEXTS["review"] | {"event_label": "<b>Treffen</b>"}

    mail = MailRenderer(tmp_path).render("review", "de", context)

    assert mail.html == "<p>&lt;b&gt;Treffen&lt;/b&gt;</p>"


# --- subject -------------------------------------------------------------------


def test_subject_is_stripped(tmp_path: Path) -> None:
    write(tmp_path, "de/review.subject.j2", "\n   Termin {{ event_label }}  \n\n")
    assert MailRenderer(tmp_path).render("review", "de", CONTEXTS["review"]).subject == "Termin Netzwerktreffen"


def test_subject_with_newline_is_rejected(renderer: MailRenderer) -> None:
    context = CONTEXTS["review"] | {"municipality": "Musterstadt\nBcc: all@example.org"}
    with pytest.raises(RenderFailed) as caught:  # the shipped template cannot help: the value is the problem
        renderer.render("review", "de", context)
    assert isinstance(caught.value.cause, HeaderInjectionError)


# --- overrides and sandbox -----------------------------------------------------


def test_override_replaces_only_the_overridden_part(tmp_path: Path) -> None:
    write(tmp_path, "de/review.subject.j2", "Hinweis der Verwaltung: {{ event_label }}")

    mail = MailRenderer(tmp_path).render("review", "de", CONTEXTS["review"])

    assert mail.subject == "Hinweis der Verwaltung: Netzwerktreffen"
    assert mail.text.startswith("Guten Tag Frau Müller,")


def test_override_may_extend_the_shipped_layout(tmp_path: Path) -> None:
    write(
        tmp_path,
        "de/review.html.j2",
        '{% extends "de/_layout.html.j2" %}{% block content %}<p>Eigener Text</p>{% endblock %}',
    )

    html = MailRenderer(tmp_path).render("review", "de", CONTEXTS["review"]).html

    assert "<p>Eigener Text</p>" in html and "Mit freundlichen Grüßen" in html


@pytest.mark.parametrize(
    "body",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ '{0.__class__}'.format(recipient_name) }}",
        "{{ missing.append('x') }}",
    ],
)
def test_sandbox_blocks_unsafe_admin_template(tmp_path: Path, body: str) -> None:
    write(tmp_path, "de/reminder.txt.j2", body)

    with pytest.raises(UnsafeTemplateError) as caught:
        MailRenderer(tmp_path).render("reminder", "de", CONTEXTS["reminder"])

    assert isinstance(caught.value, jinja2.TemplateError)
    assert "de/reminder.txt.j2" in str(caught.value) and "\n" not in str(caught.value)


def test_shipped_templates_never_load_admin_files(tmp_path: Path) -> None:
    # An admin file named like a shipped include must not leak into trusted rendering.
    write(tmp_path, "de/_footer.txt.j2", "{{ ''.__class__ }}")
    mail = MailRenderer(tmp_path).render("review", "de", CONTEXTS["review"])
    assert "Mit freundlichen Grüßen" in mail.text


def test_missing_language_falls_back_to_german(tmp_path: Path) -> None:
    for part in ("subject", "txt", "html"):
        write(tmp_path, f"de/notice.{part}.j2", f"{part} {{{{ day|datum }}}}")

    mail = MailRenderer(tmp_path).render("notice", "en", {"day": DUE})

    assert (mail.subject, mail.text, mail.html) == ("subject 15.03.2027", "txt 15.03.2027", "html 15.03.2027")


def test_unknown_template_and_bad_names(renderer: MailRenderer) -> None:
    with pytest.raises(RenderFailed) as caught:
        renderer.render("nonexistent", "de", {})
    assert isinstance(caught.value.cause, jinja2.TemplateNotFound)
    with pytest.raises(ValueError):
        renderer.render("../../etc/passwd", "de", {})


# --- filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [("de", "15.03.2027", "15. März 2027"), ("en", "2027-03-15", "15 March 2027")],
)
def test_date_filters(tmp_path: Path, language: str, short: str, long: str) -> None:
    for part in ("subject", "txt", "html"):
        write(tmp_path, f"{language}/dates.{part}.j2", "{{ day|datum }} / {{ day|datum_lang }}")

    mail = MailRenderer(tmp_path).render("dates", language, {"day": DUE})  # type: ignore[arg-type]

    assert mail.subject == f"{short} / {long}"


def test_german_short_date_pads_day_and_month(renderer: MailRenderer) -> None:
    context = CONTEXTS["review"] | {"event_on": datetime.date(2027, 1, 5)}
    assert "am 05.01.2027" in renderer.render("review", "de", context).subject


# --- one set of templates, overrides per language and for all ------------------------------


def test_a_language_neutral_override_speaks_every_language(tmp_path: Path) -> None:
    write(tmp_path, "review.subject.j2", '{{ _("mail.review.subject", event=event_label, date=event_on|datum, '
                                         'municipality=municipality) }}!')
    renderer = MailRenderer(tmp_path)
    assert renderer.render("review", "de", CONTEXTS["review"]).subject == \
        "Termin: Netzwerktreffen am 15.03.2027 (Musterstadt)!"
    assert renderer.render("review", "en", CONTEXTS["review"]).subject == \
        "Upcoming: Netzwerktreffen on 2027-03-15 (Musterstadt)!"


def test_a_per_language_override_wins_and_may_extend_the_old_layout_names(tmp_path: Path) -> None:
    write(tmp_path, "review.html.j2", "{{ _('mail.review.title', event=event_label) }}")
    write(tmp_path, "de/review.html.j2", '{% extends "de/_layout.html.j2" %}{% block content %}eigen{% endblock %}')
    renderer = MailRenderer(tmp_path)
    german = renderer.render("review", "de", CONTEXTS["review"]).html
    assert "eigen" in german and "Mit freundlichen Grüßen" in german
    assert renderer.render("review", "en", CONTEXTS["review"]).html == "Upcoming: Netzwerktreffen"


def test_texts_are_escaped_into_html_but_not_into_plain_text(renderer: MailRenderer) -> None:
    context = CONTEXTS["review"] | {"municipality": "A & <B>"}
    mail = renderer.render("review", "en", context)
    assert "of A &amp; &lt;B&gt; (AGS" in mail.html
    assert "of A & <B> (AGS" in mail.text


def test_a_trans_block_or_an_unknown_key_is_a_template_error(tmp_path: Path) -> None:
    write(tmp_path, "de/review.subject.j2", "{% trans %}Hallo{% endtrans %}")
    write(tmp_path, "en/review.subject.j2", "{{ _('mail.no_such_key') }}")
    renderer = MailRenderer(tmp_path)
    with pytest.raises(jinja2.TemplateSyntaxError):
        renderer.render("review", "de", CONTEXTS["review"])
    with pytest.raises(jinja2.TemplateError, match="no_such_key"):
        renderer.render("review", "en", CONTEXTS["review"])


def test_an_edited_macro_file_counts_from_the_next_sweep_on(tmp_path: Path) -> None:
    """The environments do not stat the files a template imports on every render; the sweep's
    reload finds what changed since it was compiled."""
    write(tmp_path, "review.txt.j2", '{% from "_gruss.txt.j2" import gruss %}{{ gruss() }}')
    write(tmp_path, "_gruss.txt.j2", "{% macro gruss() %}Erste Fassung{% endmacro %}")
    renderer = MailRenderer(override_dir=tmp_path)
    assert renderer.render("review", "de", CONTEXTS["review"]).text == "Erste Fassung"
    macros = tmp_path / "_gruss.txt.j2"
    write(tmp_path, "_gruss.txt.j2", "{% macro gruss() %}Zweite Fassung{% endmacro %}")
    later = macros.stat().st_mtime_ns + 10**9  # the edit a second later, whatever the file system's granularity
    os.utime(macros, ns=(later, later))

    renderer.reload()  # what every sweep does first

    assert renderer.render("review", "de", CONTEXTS["review"]).text == "Zweite Fassung"


class _Html:
    """A value that brings its own HTML, as a plain string (markupsafe escapes that once more)."""

    def __html__(self) -> str:
        return "<i>kursiv</i>"


@pytest.mark.parametrize("value", ['<b>Müller & "Söhne"</b>', "O'Brien", markupsafe.Markup("<em>schon HTML</em>"),
                                   42, DUE, _Html(), None])
def test_a_sentence_escapes_its_values_into_html_as_markupsafe_does(tmp_path: Path, value: Any) -> None:
    write(tmp_path, "review.html.j2", '{{ _("mail.greeting", name=value) }}')

    mail = MailRenderer(tmp_path).render("review", "de", CONTEXTS["review"] | {"value": value})

    assert mail.html == markupsafe.Markup("Guten Tag {name},").format(name=value)
