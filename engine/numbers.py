"""Numbers as a reader expects them: German 1.234,5 and 48 %, English 1,234.5 and 48%."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from engine.i18n import Language

_LOCALES: dict[Language, str] = {"de": "de_DE", "en": "en_GB"}


def format_number(value: float | None, decimals: int, lang: Language = "de") -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[lang])


def format_share(value: float | None, lang: Language = "de") -> str:
    return "–" if value is None else format_percent(value, locale=_LOCALES[lang])
