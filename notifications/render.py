"""Render mail subject, text and HTML from jinja2 templates.

Templates in the administrator's override directory are editable by non-developers, so they
are read only from inside that folder (``ConfinedLoader``) and render in an immutable sandbox
that cannot reach Python internals. Every template, shipped ones included, renders with the
same limits on time, loop iterations, output size and recursion (``LimitedEnvironment``), so one
bad template or one odd value costs one mail, never a sweep. The environment of the shipped
templates never loads the administrator's files.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jinja2
from babel.dates import format_date

from notifications.mail import HeaderInjectionError
from notifications.template_loader import ConfinedLoader
from notifications.template_sandbox import LimitedEnvironment, RenderLimits, budget

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")
FALLBACK_LANGUAGE: Language = "de"
log = logging.getLogger("zyklus.render")
SHIPPED_DIR = Path(__file__).parent / "templates"

_TEMPLATE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_BABEL_LOCALES: dict[Language, str] = {"de": "de_DE", "en": "en_GB"}


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
    """Look up ``{language}/{template}.{subject,txt,html}.j2`` and render it.

    Lookup order per file: override dir in the requested language, shipped in
    the requested language, then the same for German, so an administrator can
    replace a single part (e.g. only the subject) of a single mail kind.
    """

    def __init__(self, override_dir: Path | None, shipped_dir: Path = SHIPPED_DIR, *,
                 fallback_to_shipped: bool = False, limits: RenderLimits = RenderLimits()) -> None:
        self._fallback = fallback_to_shipped
        self.limits = limits
        self.override_errors: list[str] = []
        self._found: dict[tuple[str, str, str, bool], jinja2.Template] = {}
        self._shipped_dir = shipped_dir
        shipped_loader = jinja2.FileSystemLoader(shipped_dir)
        self._shipped = {lang: _environment(shipped_loader, lang, limits) for lang in LANGUAGES}
        self._overrides: ConfinedLoader | None = None
        self._sandboxed: dict[Language, jinja2.Environment] = {}
        if override_dir is not None:
            self._overrides = ConfinedLoader(override_dir)
            # Admin templates may extend shipped layouts, so they see both directories.
            admin_loader = jinja2.ChoiceLoader([self._overrides, shipped_loader])
            self._sandboxed = {lang: _environment(admin_loader, lang, limits) for lang in LANGUAGES}

    def reload(self) -> None:
        """Look templates up afresh, so an administrator's edit counts from the next sweep on
        without restarting `zyklus serve`."""
        self._found.clear()

    def render(self, template: str, language: Language, context: Mapping[str, Any]) -> RenderedMail:
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

    def _render(self, template: str, language: Language, context: Mapping[str, Any], *,
                overrides: bool) -> RenderedMail:
        """The three parts share one budget: the limits are per mail."""
        with budget(self.limits):
            subject = self._render_part(template, "subject", language, context, overrides).strip()
            if "\r" in subject or "\n" in subject:
                raise HeaderInjectionError(f"subject of {template!r} renders to more than one line: {subject!r}")
            return RenderedMail(
                subject=subject,
                text=self._render_part(template, "txt", language, context, overrides),
                html=self._render_part(template, "html", language, context, overrides),
            )

    def _render_part(self, template: str, part: str, language: Language, context: Mapping[str, Any],
                     overrides: bool) -> str:
        key = (template, part, language, overrides)
        found = self._found.get(key)
        if found is None:  # one lookup per part and language, not per mail: a sweep renders thousands
            found = self._found[key] = self._find(template, part, language, overrides)
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

    def _find(self, template: str, part: str, language: Language, overrides: bool) -> jinja2.Template:
        for lang in dict.fromkeys((language, FALLBACK_LANGUAGE)):
            if lang not in LANGUAGES:
                continue
            name = f"{lang}/{template}.{part}.j2"
            if overrides and self._overrides is not None and self._overrides.exists(name):
                return self._sandboxed[lang].get_template(name)
            if (self._shipped_dir / name).is_file():
                return self._shipped[lang].get_template(name)
        raise jinja2.TemplateNotFound(f"{language}/{template}.{part}.j2")


def _environment(loader: jinja2.BaseLoader, language: Language, limits: RenderLimits) -> jinja2.Environment:
    """One environment per language so the date filters need no hidden context variable."""
    env = LimitedEnvironment(
        value_chars=limits.value_chars,
        loader=loader,
        undefined=jinja2.StrictUndefined,
        # "html.j2" because select_autoescape matches the end of the file name.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datum"] = lambda day: _short_date(day, language)
    env.filters["datum_lang"] = lambda day: format_date(day, format="long", locale=_BABEL_LOCALES[language])
    return env


def _short_date(day: datetime.date, language: Language) -> str:
    """German officials expect 15.03.2027; English mails get unambiguous ISO 8601."""
    return day.strftime("%d.%m.%Y") if language == "de" else day.isoformat()
