"""The web app's own texts: the gettext catalogue ``zyklus/web/locale/<lang>/LC_MESSAGES/web.po``
(msgids are keys, as in the engine's catalogue; docs/translating.md), and the language of a
request: the signed-in person's choice, else ``?lang=`` or the ``lang`` cookie, else the
browser's Accept-Language, else the configured default."""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

from engine.i18n import LANGUAGES, Language

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "web"


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    if lang not in LANGUAGES:
        lang = "de"
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


def gettext_for(lang: str):
    """``gettext`` and ``ngettext`` of one language, falling back to German, never to a raw key
    (a key no catalogue has is a bug and raises)."""
    own, german = catalogue(lang), catalogue("de")

    def _gettext(key: str) -> str:
        for found in (own, german):
            text = found.gettext(key)
            if text != key:
                return text
        raise KeyError(f"no web message {key!r}")

    def _ngettext(key: str, plural: str, n: int) -> str:
        for found in (own, german):
            text = found.ngettext(key, plural, n)
            if text not in (key, plural):
                return text
        raise KeyError(f"no web message {key!r}")

    return _gettext, _ngettext


def negotiate(accept_language: str | None, default: Language) -> Language:
    """The first of de/en the browser lists (q-values respected), else ``default``."""
    if not accept_language:
        return default
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()[:2]))
    for quality, _index, tag in sorted(ranked):
        if quality < 0 and tag in ("de", "en"):
            return tag  # type: ignore[return-value]
    return default
