"""Numbers as a reader writes them: German 1.234,5 and 48 %, English 1,234.5 and 48%.

One rule in one place for every input (CLI, CSV import, web forms, fact fields): a number is
read in one language's notation, thousands groups of exactly three digits allowed (marked by the
language's grouping mark or by one space, as print does: „1 000“, „12 345,5“), and what that
notation cannot read for sure is refused, never guessed („12 5“, „1  000“). In German „4.000“ is four
thousand and „12.5“ is refused (a point only groups thousands); in English "4,000" is four
thousand and "12,5" is refused. Everything :func:`format_number` prints reads back as the same
number, so copying zyklus's own output into it never shifts a value by a factor of 1,000.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

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

_SPACED: dict[Language, re.Pattern[str]] = {
    "de": re.compile(r"[+-]?[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+(?:,[0-9]+)?"),
    "en": re.compile(r"[+-]?[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+(?:\.[0-9]+)?"),
}
"""Per language: the whole number with thousands grouped by spaces, as print does (ISO 31-0: a
space, no-break space, narrow or thin space) — one space between groups of exactly three
digits, never anywhere else („12 5“ and „1  000“ are refused)."""
_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009"), None)
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
    compact = text.strip().translate(_MINUS)
    if pattern.fullmatch(compact) or _SPACED[notation].fullmatch(compact):
        value = float(compact.translate(_SPACES).replace(group, "").replace(decimal, "."))
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


def format_exact(value: float | None, lang: Language = "de") -> str:
    """``value`` with every digit it has, thousands grouped, in the reader's notation
    (-1250.5 → „-1.250,5“, en "-1,250.5"): a value as it was typed or stored, where rounding to
    the indicator's decimals would hide what it is (a correction: „-125,5 (ersetzt -1.250,5)“)."""
    return "–" if value is None else write_number(value, lang)


def format_number(value: float | None, decimals: int, lang: Language = "de") -> str:
    """``value`` rounded to ``decimals`` commercially (DIN 1333: a 5 rounds up, away from zero
    for a negative value: 2,5 → 3, -2,5 → -3, 6,25 → 6,3), on the shortest text of the float
    (2.675 is 2,68, not the 2,67 its binary neighbour below would give), thousands grouped."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    rounded: float | Decimal = value
    if math.isfinite(value):
        with localcontext() as exact:
            exact.prec = 800  # every digit of any float, so quantize never runs out of precision
            rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = format_decimal(rounded, format=pattern, locale=_LOCALES[lang])
    return text[1:] if _is_negative_zero(text) else text


def format_share(value: float | None, lang: Language = "de") -> str:
    if value is None:
        return "–"
    text = format_percent(value, locale=_LOCALES[lang])
    return text[1:] if _is_negative_zero(text) else text


def _is_negative_zero(text: str) -> bool:
    """„-0 %“ and „-0,0“: a value that rounds to zero is shown without a sign."""
    return text.startswith("-") and not any(digit in text for digit in "123456789")
