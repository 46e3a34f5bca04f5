"""What the pages read from a form themselves before they call the door (a date, a number), and
the refusal tied to the input it came from, so the page shows its message at that input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData

from engine import typed_input as typed
from engine.errors import ZyklusError
from engine.i18n import Language
from zyklus.web.context import field
from zyklus.web.pages.municipality import iso_date


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
    return read_at(name, lambda: typed.day(iso_date(text), lang))
