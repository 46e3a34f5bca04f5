"""What a person typed, read into the types the door takes: the one rule the entry points (the
command line, the web forms) share, so „4.000“ means four thousand wherever it is typed.

``None`` (not given) stays None. An empty text is ``blank``: None where a form or a command adds
something (nothing given), ``""`` where it changes something (the door's updates clear an
optional field with it). A bad text is refused here, at the edge, in the caller's language.
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from engine import validate
from engine.i18n import Language
from engine.numbers import parse_number

Blank = TypeVar("Blank", None, str)


def number(text: str | None, lang: Language, blank: Blank = None) -> float | Blank:
    """A number as the language writes it (German: 1.234,5; English: 1,234.5)."""
    if text is None or not text.strip():
        return None if text is None else blank
    return parse_number(text, lang)


def whole(text: str | None, lang: Language, blank: Blank = None) -> int | float | Blank:
    """A count or a per cent: a whole number stays an int; 12,5 stays a float, which the door
    refuses with the field's own rule (progress is a whole per cent)."""
    value = number(text, lang, blank)
    return int(value) if isinstance(value, float) and value.is_integer() else value


def year(text: str | None, lang: Language, blank: Blank = None) -> int | Blank:
    """A calendar year (the door refuses one in the future where an observation cannot be)."""
    from engine.indicators import spec  # with the programme's tables: not before a command runs

    if text is None or not text.strip():
        return None if text is None else blank
    return spec.year(text, lang)


def sdg(text: str | None, lang: Language, blank: Blank = None) -> int | Blank:
    """One of the 17 Sustainable Development Goals, by its number."""
    from engine.indicators import spec

    if text is None or not text.strip():
        return None if text is None else blank
    return spec.sdg(text, lang)


def day(text: str | None, lang: Language, blank: Blank = None) -> dt.date | Blank:
    """An ISO date (2027-03-15): the web forms turn 15.03.2027 into one before."""
    if text is None or not text.strip():
        return None if text is None else blank
    return validate.date(text, lang)
