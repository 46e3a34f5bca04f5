"""Pydantic's validation errors as one-line findings an administrator can act on.

Pydantic says "Extra inputs are not permitted" at ``('phases', 'a', 'colour')``; an administrator
needs ``phases.a.colour: unknown key; did you mean 'label'?``. This module turns the location into
the key path of the TOML file and the error into a :class:`~engine.i18n.Message`: a stable code per
error type (``schema.unknown_key.close``) with the path and the value given as parameters, said in
the reader's language where it is shown, never more than one line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import types
import typing
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.i18n import Message, m

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
_EXPECTED = {
    "string_type": "string",
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "float_type": "number",
    "float_parsing": "number",
    "model_type": "table",
    "model_attributes_type": "table",
    "dict_type": "table",
    "tuple_type": "array",
    "list_type": "array",
}
"""pydantic's type errors by what the file should have held there: ``schema.expected.<kind>``
(``schema.expected.<kind>.got`` when the value can be quoted back)."""
_BOUNDS = {
    "greater_than_equal": "ge", "less_than_equal": "le", "greater_than": "gt", "less_than": "lt",
    "string_too_long": "max_length", "string_too_short": "min_length", "string_pattern_mismatch": "pattern",
}
"""pydantic's constraint errors: ``schema.<type>`` with the constraint's limit as ``{limit}``."""


def key_path(loc: Iterable[Any]) -> str:
    """``('transitions', 't', 'roles', 1)`` → ``transitions.t.roles[1]``; keys that are not
    plain words are quoted so the path stays one unambiguous line."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue  # the error is about the key just named, not about a value under it
        if isinstance(part, str) and part.startswith("[") and part.endswith("]"):
            continue  # the tag of a union member (a choice given as "[table]" or "[text]"), no key
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = str(part) if _PLAIN_KEY.fullmatch(str(part)) else json.dumps(str(part), ensure_ascii=False)
        out += f".{text}" if out else text
    return out


def one_line(text: str) -> str:
    return " ".join(text.split()) if "\n" in text or "\r" in text else text


def _shown(value: Any) -> str | None:
    if isinstance(value, (str, int, float, bool, dt.date, dt.time)):
        text = json.dumps(value) if isinstance(value, (bool, str)) else str(value)
        return text if len(text) <= 40 else text[:39] + "…"
    return None


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the key at ``loc`` (for suggesting the keys it does know)."""
    current: Any = root
    expect_key = False
    for part in loc:
        if expect_key:
            expect_key = False
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = next((f for name, f in current.model_fields.items() if (f.alias or name) == part), None)
        if field is None:
            return None
        current, expect_key = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the model inside an annotation, whether a dict key comes first): ``dict[Id, Phase]`` →
    (Phase, True); ``Reminders | None`` → (Reminders, False)."""
    origin = typing.get_origin(annotation)
    if origin is dict:
        return _unwrap(typing.get_args(annotation)[1])[0], True
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            inner, keyed = _unwrap(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner, keyed
    return annotation, False


class InvalidValue(ValueError):
    """What a definition's own validators raise (in model.py, guards): the ``Message`` travels
    through pydantic in the error's context, so the line is said in the reader's language. Its
    ``str()`` is English because it ends up inside pydantic's own (English) error text."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


def _message(err: dict[str, Any], root: type[BaseModel] | None, path: str) -> Message:
    """The finding of one pydantic error: a key per error type an administrator meets, with the
    key path and the value given as parameters, so a client can act on the code."""
    kind, ctx, where = err["type"], err.get("ctx") or {}, {"path": path}
    if kind == "missing":
        return m("schema.missing", "de", **where)
    got = _shown(err.get("input"))
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        model = _model_at(root, tuple(err["loc"][:-1])) if root else None
        if model is None:
            return m("schema.unknown_key", "de", key=key, **where)
        known = [f.alias or name for name, f in model.model_fields.items()]
        close = difflib.get_close_matches(key, known, n=1)
        if close:
            return m("schema.unknown_key.close", "de", key=key, suggestion=close[0], **where)
        return m("schema.unknown_key.known", "de", key=key, known=", ".join(known), **where)
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return m("schema.empty", "de", **where) if least == 1 else m("schema.too_short", "de", least=least, **where)
    if kind in _EXPECTED:
        key = f"schema.expected.{_EXPECTED[kind]}"
        return m(f"{key}.got", "de", value=got, **where) if got is not None else m(key, "de", **where)
    if kind == "literal_error":
        return m("schema.literal_error", "de", expected=ctx.get("expected", ""), value=got, **where)
    if kind in _BOUNDS:
        return m(f"schema.{kind}", "de", limit=ctx.get(_BOUNDS[kind]), value=got, **where)
    if kind in ("value_error", "assertion_error"):
        error = ctx.get("error")
        if isinstance(error, InvalidValue):
            return Message(error.message.key, {**error.message.params, **where}, error.message.lang)
        return m("schema.value_error", "de", reason=_without_prefix(err["msg"]), value=got, **where)
    return m("schema.invalid", "de", type=kind, reason=err["msg"].replace("Input should be", "expected"),
             value=got, **where)


def _without_prefix(msg: str) -> str:
    """pydantic puts "Value error, " before a validator's own words; the reader needs the words."""
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    return msg


def schema_findings(errors: ValidationError | Iterable[Any], prefix: str = "",
                    root: type[BaseModel] | None = None) -> Iterator[tuple[str, Message]]:
    """(key path, message) per error; ``prefix`` is the path of the validated table in the file."""
    for err in errors.errors() if isinstance(errors, ValidationError) else errors:
        path = key_path(err["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        yield path, _message(err, root, path)
