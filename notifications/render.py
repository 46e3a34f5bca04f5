"""Render mail subject, text and HTML from jinja2 templates.

There is one set of templates for every language: their sentences are keys of the gettext
catalogues (``{{ _("mail.greeting", name=recipient_name) }}``, ``ngettext`` for counts), which
``engine.i18n`` already loads, so a translator adds a language with one ``.po`` file and never
touches a template. Each language has its own environment with the i18n callables of that
language installed, so every recipient reads their own language and the date filters need no
hidden context variable.

Templates in the administrator's override directory are editable by non-developers, so they
are read only from inside that folder (``ConfinedLoader``) and render in an immutable sandbox
that cannot reach Python internals. Every template, shipped ones included, renders with the
same limits on time, loop iterations, output size and recursion (``LimitedEnvironment``), so one
bad template or one odd value costs one mail, never a sweep. The environment of the shipped
templates never loads the administrator's files.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import jinja2
import markupsafe
from babel.dates import format_date as babel_date
from jinja2.ext import InternationalizationExtension

from engine.i18n import LANGUAGES, SOURCE_LANGUAGE, Language, format_date, translation
from notifications.mail import HeaderInjectionError
from notifications.template_loader import ConfinedLoader
from notifications.template_sandbox import LimitedEnvironment, RenderLimits, budget

FALLBACK_LANGUAGE: Language = SOURCE_LANGUAGE
log = logging.getLogger("zyklus.render")
SHIPPED_DIR = Path(__file__).parent / "templates"

_TEMPLATE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_BABEL_LOCALES = {"de": "de_DE", "en": "en_GB"}
"""Whose long dates a language writes (en: 15 March 2027); any other language its own."""


class UnsafeTemplateError(jinja2.TemplateError):
    """An administrator template tried to access something the sandbox forbids."""


class TemplateRuntimeFailure(jinja2.TemplateError):
    """A template raised while rendering (a division by zero, a wrong type, endless recursion)."""


class RenderFailed(Exception):
    """Not even the shipped template could render this mail (e.g. a value that makes the
    subject two lines): the caller skips this one mail and reports it; other mails go on."""

    def __init__(self, template: str, language: str, cause: Exception) -> None:
        super().__init__(f"{template} ({language}): {type(cause).__name__}: {cause}")
        self.template = template
        self.language = language
        self.cause = cause


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


class MailRenderer:
    """Look up ``{template}.{subject,txt,html}.j2`` and render it in the recipient's language.

    Lookup order per file: the administrator's override for the requested language
    (``{language}/{template}.{part}.j2``, the layout of the time when templates existed once per
    language), the administrator's override for every language (``{template}.{part}.j2``, using
    ``_()``), then the shipped template, so an administrator can replace a single part (e.g. only
    the subject) of a single mail kind, in one language or in all.
    """

    def __init__(self, override_dir: Path | None, shipped_dir: Path = SHIPPED_DIR, *,
                 fallback_to_shipped: bool = False, limits: RenderLimits = RenderLimits()) -> None:
        self._fallback = fallback_to_shipped
        self.limits = limits
        self.override_errors: list[str] = []
        self._found: dict[tuple[str, str, str, bool], jinja2.Template] = {}
        shipped_loader = jinja2.FileSystemLoader(shipped_dir)
        self._shipped = {lang: _environment(shipped_loader, lang, limits) for lang in LANGUAGES}
        self._overrides: ConfinedLoader | None = None
        self._sandboxed: dict[str, jinja2.Environment] = {}
        if override_dir is not None:
            self._overrides = ConfinedLoader(override_dir)
            # Admin templates may extend shipped layouts, under their names of today or under the
            # per-language names they had before (``de/_layout.html.j2``), which are the same file.
            legacy = jinja2.PrefixLoader(dict.fromkeys(LANGUAGES, shipped_loader))
            admin_loader = jinja2.ChoiceLoader([self._overrides, shipped_loader, legacy])
            self._sandboxed = {lang: _environment(admin_loader, lang, limits) for lang in LANGUAGES}

    def reload(self) -> None:
        """Look templates up afresh, so an administrator's edit counts from the next sweep on
        without restarting `zyklus serve`: what changed since it was compiled (a layout or macro
        file too) is dropped from the environments' caches and compiled again on first use. The
        environments do not check this themselves (``auto_reload=False``): they would stat every
        layout and macro file on every render, a tenth of rendering a sweep's mails."""
        self._found.clear()
        for env in (*self._shipped.values(), *self._sandboxed.values()):
            for key in [key for key, compiled in env.cache.items() if not compiled.is_up_to_date]:
                del env.cache[key]

    def render(self, template: str, language: str, context: Mapping[str, Any]) -> RenderedMail:
        """Render all three parts; the subject is stripped and must be a single line.

        With ``fallback_to_shipped`` a broken administrator template (a refused file, an
        undefined variable, a sandbox violation, an error or a limit hit while rendering, a
        multi-line subject) does not stop the reminders of every municipality: this mail is
        rendered from the shipped template instead and the problem is kept in
        ``override_errors`` for the operator to see. Without it the problem is raised (that is
        what ``zyklus template check`` wants). Raises :class:`RenderFailed` when the shipped
        template cannot render the mail either."""
        if not _TEMPLATE_NAME.fullmatch(template):
            raise ValueError(f"invalid template name {template!r}")
        if self._overrides is not None:
            try:
                return self._render(template, language, context, overrides=True)
            except (jinja2.TemplateError, HeaderInjectionError) as exc:
                if not self._fallback:
                    raise
                problem = f"{template} ({language}): {exc}"
                self.override_errors.append(problem)
                log.warning("administrator template failed, shipped template used instead: %s", problem)
        try:
            return self._render(template, language, context, overrides=False)
        except (jinja2.TemplateError, HeaderInjectionError) as exc:
            raise RenderFailed(template, language, exc) from exc

    def _render(self, template: str, language: str, context: Mapping[str, Any], *,
                overrides: bool) -> RenderedMail:
        """The three parts share one budget: the limits are per mail. The templates are found and
        compiled before the budget starts, so a slow first compile (a busy machine) is not
        mistaken for a runaway render."""
        subject_part, text_part, html_part = (self._template(template, part, language, overrides)
                                              for part in ("subject", "txt", "html"))
        with budget(self.limits):
            subject = self._render_part(subject_part, context).strip()
            if "\r" in subject or "\n" in subject:
                raise HeaderInjectionError(f"subject of {template!r} renders to more than one line: {subject!r}")
            return RenderedMail(subject=subject, text=self._render_part(text_part, context),
                                html=self._render_part(html_part, context))

    def _template(self, template: str, part: str, language: str, overrides: bool) -> jinja2.Template:
        key = (template, part, language, overrides)
        found = self._found.get(key)
        if found is None:  # one lookup per part and language, not per mail: a sweep renders thousands
            found = self._found[key] = self._find(template, part, language, overrides)
        return found

    @staticmethod
    def _render_part(found: jinja2.Template, context: Mapping[str, Any]) -> str:
        try:
            return found.render(context)
        except jinja2.exceptions.SecurityError as exc:
            raise UnsafeTemplateError(f"{found.name}: unsafe operation blocked by sandbox: {exc}") from exc
        except jinja2.TemplateError:
            raise
        except RecursionError as exc:
            raise TemplateRuntimeFailure(f"{found.name}: recursion too deep") from exc
        except Exception as exc:  # noqa: BLE001 - whatever a template raises costs this mail only
            raise TemplateRuntimeFailure(f"{found.name}: {type(exc).__name__}: {exc}") from exc

    def _find(self, template: str, part: str, language: str, overrides: bool) -> jinja2.Template:
        """An unknown language reads German, as the catalogues do; so does a part only the
        administrator's German folder has (as before there was one set of templates)."""
        lang = language if language in LANGUAGES else FALLBACK_LANGUAGE
        name = f"{template}.{part}.j2"
        if overrides and self._overrides is not None:
            for candidate in (f"{lang}/{name}", name):
                if self._overrides.exists(candidate):
                    return self._sandboxed[lang].get_template(candidate)
        try:
            return self._shipped[lang].get_template(name)
        except jinja2.TemplateNotFound:
            german = f"{FALLBACK_LANGUAGE}/{name}"
            if overrides and self._overrides is not None and self._overrides.exists(german):
                return self._sandboxed[FALLBACK_LANGUAGE].get_template(german)
            raise jinja2.TemplateNotFound(f"{template}.{part}.j2 ({language})") from None


class KeyedI18n(InternationalizationExtension):
    """jinja2's i18n (``_``, ``gettext``, ``ngettext``) over zyklus's catalogues, whose msgids are
    keys with ``{name}`` placeholders. ``{% trans %}`` is not offered: its msgid would be the
    text between the tags and its placeholders ``%(name)s``, so it would render the key, or a
    sentence with its placeholders unfilled; unknown, the tag is a syntax error that
    ``zyklus template check`` reports instead."""

    tags: ClassVar[set[str]] = set()


def _gettext_callables(language: str) -> tuple[Any, Any]:
    """``gettext(key, **values)`` and ``ngettext(key, plural_key, n, **values)`` (``{n}`` is the
    count, as in ``engine.i18n.tn``) in one language. In an HTML template the translation is
    markup and the values are escaped into it, so a municipality named ``<b>`` stays text."""

    def fill(eval_ctx: jinja2.nodes.EvalContext, text: str, values: dict[str, Any]) -> str:
        if not eval_ctx.autoescape:
            return text.format(**values)
        if not _named_fields_only(text):
            return markupsafe.Markup(text).format(**values)
        # Each value as Markup.format escapes it, then the text formatted in C: the same string,
        # at a fraction of the cost of markupsafe's formatter written in Python.
        return markupsafe.Markup(text.format(**{name: _ESCAPING.format_field(value, "")
                                                for name, value in values.items()}))

    @jinja2.pass_eval_context
    def gettext(eval_ctx: jinja2.nodes.EvalContext, key: str, **values: Any) -> str:
        return fill(eval_ctx, _sentence(key, language, None), values)

    @jinja2.pass_eval_context
    def ngettext(eval_ctx: jinja2.nodes.EvalContext, key: str, _plural: str, n: int, **values: Any) -> str:
        return fill(eval_ctx, _sentence(key, language, n), {"n": n, **values})

    return gettext, ngettext


@functools.lru_cache(maxsize=4096)
def _sentence(key: str, language: str, n: int | None) -> str:
    """A catalogue text, looked up once per process: the catalogues do not change while it runs,
    and a sweep asks for the same few dozen sentences thousands of times."""
    return translation(key, language, n)


_ESCAPING = markupsafe.EscapeFormatter(markupsafe.escape)


@functools.cache
def _named_fields_only(text: str) -> bool:
    """Whether every replacement field of a catalogue text is a bare name (``{name}``, no format
    spec, conversion, index or attribute): only then may its values be escaped beforehand."""
    try:
        return all(name is None or (name.isidentifier() and not spec and conversion is None)
                   for _, name, spec, conversion in string.Formatter().parse(text))
    except ValueError:  # a malformed text: Markup.format says what is wrong with it
        return False


def _environment(loader: jinja2.BaseLoader, language: str, limits: RenderLimits) -> jinja2.Environment:
    """One environment per language: its texts and its dates need no hidden context variable."""
    env = LimitedEnvironment(
        value_chars=limits.value_chars,
        loader=loader,
        undefined=jinja2.StrictUndefined,
        # "html.j2" because select_autoescape matches the end of the file name.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=[KeyedI18n],
        auto_reload=False,  # MailRenderer.reload checks once per sweep
    )
    gettext, ngettext = _gettext_callables(language)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.globals["_"] = gettext  # jinja2's ``_`` looks gettext up and calls it: two calls per sentence
    env.globals["language"] = language
    long_dates = translation("mail.date_in_text", language) == "long"
    env.filters["datum"] = lambda day: _short_date(day, language)
    env.filters["datum_lang"] = lambda day: babel_date(day, format="long",
                                                       locale=_BABEL_LOCALES.get(language, language))
    env.filters["datum_text"] = env.filters["datum_lang"] if long_dates else env.filters["datum"]
    return env


def _short_date(day: datetime.date, language: str) -> str:
    """German officials expect 15.03.2027; other languages get unambiguous ISO 8601. A value
    that is no date is an error of the template, not a dash as in a table."""
    if not isinstance(day, datetime.date):
        raise TypeError(f"datum expects a date, not {type(day).__name__}")
    return format_date(day, language)  # type: ignore[arg-type]
