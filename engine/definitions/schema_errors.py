"""Pydantic's validation errors as one-line findings an administrator can act on.

Pydantic says "Extra inputs are not permitted" at ``('phases', 'a', 'colour')``; an administrator
needs ``phases.a.colour: unknown key; did you mean 'label'?``. This module turns the location into
the key path of the TOML file and the message into plain words, never more than one line.
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

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
_EXPECTED = {
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "int_parsing": "expected an integer",
    "int_from_float": "expected an integer",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "dict_type": "expected a table",
    "tuple_type": "expected an array",
    "list_type": "expected an array",
    "missing": "required key is missing",
}


def key_path(loc: Iterable[Any]) -> str:
    """``('transitions', 't', 'roles', 1)`` → ``transitions.t.roles[1]``; keys that are not
    plain words are quoted so the path stays one unambiguous line."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue  # the error is about the key just named, not about a value under it
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


def _message(err: dict[str, Any], root: type[BaseModel] | None) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        model = _model_at(root, tuple(err["loc"][:-1])) if root else None
        if model is None:
            return "unknown key"
        known = [f.alias or name for name, f in model.model_fields.items()]
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        return f"unknown key; {hint}"
    if kind == "too_short":
        least = err.get("ctx", {}).get("min_length", 1)
        return "must not be empty" if least == 1 else f"needs at least {least} entries"
    if kind in _EXPECTED:
        got = _shown(err.get("input")) if kind != "missing" else None
        return _EXPECTED[kind] + (f", got {got}" if got is not None else "")
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    return msg.replace("Input should be", "expected")


def schema_findings(errors: ValidationError | Iterable[Any], prefix: str = "",
                    root: type[BaseModel] | None = None) -> Iterator[tuple[str, str]]:
    """(key path, message) per error; ``prefix`` is the path of the validated table in the file."""
    for err in errors.errors() if isinstance(errors, ValidationError) else errors:
        path = key_path(err["loc"])
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        yield path, one_line(_message(err, root))
