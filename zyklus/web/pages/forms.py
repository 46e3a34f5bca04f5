"""What the pages read from a form themselves before they call the door (a date, a number), and
the refusal tied to the input it came from, so the page shows its message at that input."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData

from engine import typed_input as typed
from engine import validate
from engine.errors import InvalidInput, NotFound, ZyklusError
from engine.i18n import Language, m
from zyklus.web.context import field

_GERMAN_DATE = re.compile(r"\s*([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\s*")


def iso_date(value: str) -> str:
    """A date as typed into a form: the browser's date input sends 2027-03-15; a person typing
    into a plain field writes 15.03.2027. The engine takes ISO only."""
    match = _GERMAN_DATE.fullmatch(value)
    return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else value.strip()


def web_day(text: str | None, lang: Language, blank: str | None = None) -> dt.date | str | None:
    """A date typed into a form, in either of the forms a page takes (15.03.2027, 2027-03-15),
    read by the engine's rule (typed_input.day; empty: ``blank``). A malformed or impossible
    one is refused naming both forms and what was typed, not the ISO text made of it."""
    if text is None or not text.strip():
        return None if text is None else blank
    try:
        return typed.day(iso_date(text), lang)
    except InvalidInput as exc:
        if exc.code == "date.invalid":
            raise InvalidInput(m("date.invalid_typed", lang, value=text.strip())) from None
        if exc.code == "date.range":
            raise InvalidInput(m("date.range", lang, **{**exc.params, "value": text.strip()})) from None
        raise


class FieldRefused(Exception):
    """A value of one input that is missing or malformed: the input's name and the message, the
    engine's refusal (``error``) or a catalogue key of the web (``message_key``)."""

    def __init__(self, name: str, *, error: ZyklusError | None = None, message_key: str | None = None) -> None:
        super().__init__(name)
        self.name, self.error, self.message_key = name, error, message_key


def read_at(name: str, read: Callable[[], Any]) -> Any:
    """``read()``, its refusal tied to the input ``name``."""
    try:
        return read()
    except ZyklusError as exc:
        raise FieldRefused(name, error=exc) from exc


def form_date(form: FormData, name: str, lang: Language, *, missing: str | None = None) -> dt.date | None:
    """A date input: the browser's date input sends 2027-03-15, a person typing writes 15.03.2027.
    Left empty it is None, or refused with the web catalogue's ``missing`` where it is required."""
    text = field(form, name, 20)
    if not text.strip() and missing is not None:
        raise FieldRefused(name, message_key=missing)
    return read_at(name, lambda: web_day(text, lang))


def cycle_number(zyklus: int | None, ags: str, lang: Language) -> int | None:
    """``?zyklus=`` as a page reads it: a number no cycle can have (0, negative, beyond the
    database's integer column) is a cycle the municipality does not have, said as for 99."""
    if zyklus is None or 1 <= zyklus <= validate.DB_INT_MAX:
        return zyklus
    shown = str(zyklus) if len(str(zyklus)) <= 30 else f"{str(zyklus)[:30]}…"
    raise NotFound(m("cycle.number_unknown", lang, ags=ags, number=shown))
