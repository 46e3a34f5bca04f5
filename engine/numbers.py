"""Numbers as a reader writes them: German 1.234,5 and 48 %, English 1,234.5 and 48%.

One rule in one place for every input (CLI, CSV import, web forms, fact fields): a number is
read in one language's notation, thousands groups of exactly three digits allowed, and what
that notation cannot read for sure is refused, never guessed. In German „4.000“ is four
thousand and „12.5“ is refused (a point only groups thousands); in English "4,000" is four
thousand and "12,5" is refused. Everything :func:`format_number` prints reads back as the same
number, so copying zyklus's own output into it never shifts a value by a factor of 1,000.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from babel.numbers import format_decimal, format_percent

from engine.errors import InvalidInput
from engine.i18n import Language, m

_LOCALES: dict[Language, str] = {"de": "de_DE", "en": "en_GB"}

_NOTATION: dict[Language, tuple[re.Pattern[str], str, str]] = {
    "de": (re.compile(r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?"), ".", ","),
    "en": (re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"), ",", "."),
}
"""Per language: the whole number (sign, digits with optional groups of three, decimals), the
grouping mark and the decimal mark."""

_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009"), None)
"""Spaces inside a number group thousands in print (ISO 31-0); they are dropped."""
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
"""The typographic minus (U+2212) and the en dash a word processor puts in its place. They let
a negative value start without a hyphen, which a command line would read as an option."""


def parse_number(text: str | float, lang: Language = "de", *, notation: Language | None = None) -> float:
    """``text`` as a finite number in ``notation`` (the language's own by default: a CSV file
    may be written in another one than the person importing it reads); anything else is refused
    in one line, said in ``lang``, that names the accepted forms. A number the caller has already
    read (the door's typed inputs, a JSON number, an XLSX cell) is only checked to be finite."""
    notation = notation or lang
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if math.isfinite(text):
            return float(text)
        raise InvalidInput(m(f"value.number_{notation}", lang, value=str(text)))
    pattern, group, decimal = _NOTATION[notation]
    compact = text.strip().translate(_SPACES).translate(_MINUS)
    if pattern.fullmatch(compact):
        value = float(compact.replace(group, "").replace(decimal, "."))
        if math.isfinite(value):
            return value
    shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:40] + "…"
    raise InvalidInput(m(f"value.number_{notation}", lang, value=shown))


def write_number(value: float, notation: Language = "de") -> str:
    """``value`` with every digit it has (the shortest text that reads back as the same float),
    thousands grouped, in ``notation``: what a file written by zyklus holds, so that reading it
    back with :func:`parse_number` gives exactly the stored number (``format_number`` rounds to
    the indicator's decimals, which a round trip must not). Never in exponent form, which no
    notation here reads."""
    _, group, decimal = _NOTATION[notation]
    value = 0.0 if value == 0 else float(value)  # no "-0"
    whole, _, fraction = format(Decimal(repr(value)), "f").partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}".replace(",", group)
    fraction = fraction.rstrip("0")
    return f"{sign}{grouped}{decimal}{fraction}" if fraction else f"{sign}{grouped}"


def format_number(value: float | None, decimals: int, lang: Language = "de") -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(value, format=pattern, locale=_LOCALES[lang])
    return text[1:] if _is_negative_zero(text) else text


def format_share(value: float | None, lang: Language = "de") -> str:
    if value is None:
        return "–"
    text = format_percent(value, locale=_LOCALES[lang])
    return text[1:] if _is_negative_zero(text) else text


def _is_negative_zero(text: str) -> bool:
    """„-0 %“ and „-0,0“: a value that rounds to zero is shown without a sign."""
    return text.startswith("-") and not any(digit in text for digit in "123456789")
