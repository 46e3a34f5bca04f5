"""User-facing text: gettext catalogues (Babel), German by default, English available.

The catalogues live in ``engine/locale/<lang>/LC_MESSAGES/zyklus.po``; the compiled ``.mo`` next
to each is what a running process reads (stdlib ``gettext``, about a millisecond, where parsing the
``.po`` would cost every command 50 ms). ``tests/unit/test_engine_i18n.py`` fails when a ``.mo`` is
older than its ``.po`` or a key lacks a translation; docs/translating.md shows the workflow.

The msgids are stable keys (``cycle.conflict``), not German sentences: the same key is the
machine-readable code an error carries to a client, so improving a German sentence changes
neither the code nor any other language's translation.
"""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

Language = Literal["de", "en"]
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "zyklus"
SOURCE_LANGUAGE: Language = "de"
"""The language every other one falls back to for a key it lacks."""


def _discover(folder: Path = LOCALE_DIR) -> tuple[str, ...]:
    """German first, then every other language that has a catalogue: adding a language is adding
    its folder with a ``.po`` (and its compiled ``.mo``), nothing else."""
    found = sorted(p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return tuple([SOURCE_LANGUAGE] + [lang for lang in found if lang != SOURCE_LANGUAGE])


LANGUAGES: tuple[Language, ...] = _discover()  # type: ignore[assignment]


def language_of(code: str | None) -> Language:
    """The language a person reads zyklus in: theirs when a catalogue exists for it, else the
    source language. Every mail, link and page that goes to a person asks this, so a language
    added as one more ``.po`` reaches its readers without a change in the code."""
    return code if code in LANGUAGES else SOURCE_LANGUAGE  # type: ignore[return-value]


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``; an unknown language reads the German one."""
    if lang not in LANGUAGES:
        lang = SOURCE_LANGUAGE
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


_ECHO_LIMIT = 120


def _clip(value: object) -> object:
    """A message quotes what the user typed so they can find it, but a 10 MB value pasted by
    mistake must not come back as a 10 MB error line."""
    if isinstance(value, str) and len(value) > _ECHO_LIMIT:
        return value[:_ECHO_LIMIT - 1] + "…"
    return value


def translation(key: str, lang: str, n: int | None = None) -> str:
    """The text of ``key`` in ``lang`` (the plural form for ``n``), else German, placeholders
    not yet filled in: what the mail templates format themselves (escaping values for HTML). A
    key no catalogue knows is a bug in zyklus, so it raises instead of showing the key to a user."""
    for candidate in dict.fromkeys((lang, SOURCE_LANGUAGE)):
        found = catalogue(candidate)
        text = found.gettext(key) if n is None else found.ngettext(key, key, n)
        if text != key:
            return text
    raise KeyError(f"no message {key!r} in the catalogues")


def _filled(values: dict[str, object], lang: str) -> dict[str, object]:
    """The values as a text shows them: a value that is itself a :class:`Message` (the reason
    inside "can never be met: …") is said in the same language as the text around it, and not
    clipped, being zyklus's own words rather than what a user typed."""
    return {name: value.render(lang) if isinstance(value, Message) else _clip(value) for name, value in values.items()}


def t(key: str, lang: Language = "de", /, **values: object) -> str:
    """Translate ``key`` and fill in ``values``; fall back to German, never to a raw key."""
    return translation(key, lang, None).format(**_filled(values, lang))


def t_or(key: str, default: str, lang: Language = "de") -> str:
    """The text of ``key`` if a catalogue has it, else ``default``: for names a definition may
    leave without a label (a fact's field ``url``), which have common texts in the catalogue."""
    try:
        return translation(key, lang)
    except KeyError:
        return default


def tn(key: str, n: int, lang: Language = "de", /, **values: object) -> str:
    """The plural form of ``key`` for the count ``n`` by the language's Plural-Forms rule
    (``ngettext``); ``n`` is available to the text as ``{n}``."""
    return translation(key, lang, n).format(n=n, **_filled(values, lang))


@dataclass(frozen=True)
class Message:
    """A text not yet (or not only) in one language: its key — the stable code a client acts on —
    and its parameters, so an entry point can say it in its caller's language."""

    key: str
    params: dict[str, object] = field(default_factory=dict)
    lang: Language = "de"
    """The language it was raised in: what ``str()`` says."""

    def render(self, lang: str | None = None) -> str:
        return t(self.key, lang or self.lang, **self.params)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.render()

    def as_json(self) -> dict[str, object]:
        """``{"code": …, "params": …}`` for a JSON client, a nested message in the same form."""
        return {"code": self.key, "params": {name: value.as_json() if isinstance(value, Message) else value
                                             for name, value in self.params.items()}}


def m(key: str, lang: Language = "de", /, **values: object) -> Message:
    """Like :func:`t`, but keeps the key and values: what an error carries (``raise NotFound(m(…))``)."""
    translation(key, lang, None)  # a key no catalogue has is a bug where it is raised, not where it is shown
    return Message(key, dict(values), lang)


def people(n: int | None, lang: Language = "de") -> str:
    """'1 Person', '3 Personen': counts of people read naturally in both languages."""
    return tn("people", n or 0, lang)


_OS_ERRORS = {"ENOENT": "os.not_found", "EACCES": "os.denied", "EPERM": "os.denied", "EISDIR": "os.is_directory",
              "ENOTDIR": "os.not_directory", "ENOSPC": "os.no_space", "EROFS": "os.read_only", "EEXIST": "os.exists"}


def os_reason(exc: BaseException, lang: Language = "de") -> str:
    """Why a file could not be read or written, in the reader's language: the operating system
    says it in English ("No such file or directory"); the common cases have a text of their own,
    anything else keeps the system's words."""
    import errno

    name = errno.errorcode.get(getattr(exc, "errno", None) or -1, "")
    if name in _OS_ERRORS:
        return t(_OS_ERRORS[name], lang)
    return str(getattr(exc, "strerror", None) or exc)


def year_span(first: int, last: int) -> str:
    """„2025–2028“, or „2025“ for one year: how a run of years reads in any language."""
    return str(first) if first == last else f"{first}–{last}"


def format_date(value: dt.date | str | None, lang: Language = "de") -> str:
    """German text writes 15.03.2027 (DIN 5008 numeric form); English text uses ISO 8601.
    ISO strings are accepted too: status and history travel as JSON-ready dicts."""
    if not value:
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()
