"""Turning `--set field=value` strings into typed, validated fact fields."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from engine import validate
from engine.definitions.model import FactType, FieldSpec
from engine.errors import InvalidInput
from engine.i18n import Language, m
from engine.numbers import parse_number

_URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)


def parse_assignments(items: Iterable[str], lang: Language = "de") -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(m("set.malformed", lang, value=item))
        values[name.strip()] = value
    return values


def _choice(spec: FieldSpec, raw: str, lang: Language) -> str:
    """The stored value of a choice, given as its value or as its label in a language the
    definition has (`--set result=adopted` and `--set result=beschlossen` mean the same)."""
    wanted = raw.strip().casefold()
    for value in spec.choice_values:
        if value.casefold() == wanted:
            return value
    for value in spec.choice_values:
        if wanted in {spec.choice_label(value, code).casefold() for code in ("de", "en")}:
            return value
    raise ValueError(m("value.choice", lang, value=raw, allowed=", ".join(spec.choice_values)))


def _ags_list(raw: str, lang: Language) -> list[str]:
    """AGS separated by commas or spaces, each checked, each kept once in the order given."""
    out: list[str] = []
    for item in re.split(r"[,;\s]+", raw.strip()):
        if item:
            try:
                code = validate.ags(item, lang)
            except InvalidInput as exc:
                raise ValueError(exc.message) from None
            if code not in out:
                out.append(code)
    return out


def _convert(name: str, spec: FieldSpec, raw: str, lang: Language) -> Any:
    """Raise ValueError with a translated problem; the caller adds the field's name."""
    spec_type = spec.type
    value = raw.strip()
    if spec_type != "text" and not value.isprintable():
        raise ValueError(m("text.control", lang, field=name))  # NUL, CR/LF: no field type holds them
    if spec_type == "date":
        try:
            return validate.date(value, lang).isoformat()
        except InvalidInput as exc:
            raise ValueError(exc.message) from None
    if spec_type == "integer":  # the one number rule („1.000“ is a thousand in German), then whole
        try:
            number = parse_number(raw, lang)
        except InvalidInput as exc:
            raise ValueError(exc.message) from None
        if not number.is_integer() or abs(number) >= 10**15:
            raise ValueError(m("value.integer", lang, value=raw))
        return int(number)
    if spec_type == "number":
        try:
            return parse_number(raw, lang)
        except InvalidInput as exc:
            raise ValueError(exc.message) from None
    if spec_type == "url":
        if not _URL.fullmatch(value) or len(value) > 2000:
            raise ValueError(m("value.url", lang, value=raw))
        return value
    if spec_type == "choice":
        return _choice(spec, raw, lang)
    if spec_type == "ags_list":
        return _ags_list(raw, lang)
    try:
        return validate.text(raw, name, lang)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


def parse_fields(fact_id: str, fact: FactType, raw: dict[str, str], lang: Language = "de") -> dict[str, Any]:
    """Check names, types and required fields; return JSON-ready values (dates as ISO strings)."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        spec = fact.fields.get(name)
        if spec is None:
            raise InvalidInput(m("field.unknown", lang, fact=fact_id, field=name,
                                 allowed=", ".join(fact.fields) or "–"))
        try:
            converted = _convert(name, spec, value, lang)
        except ValueError as exc:
            raise InvalidInput(m("field.bad_value", lang, field=name, problem=str(exc))) from None
        if converted not in ("", []):
            out[name] = converted
    for name, spec in fact.fields.items():
        if spec.required and name not in out:
            raise InvalidInput(m("field.missing", lang, fact=fact_id, field=name))
    return out
