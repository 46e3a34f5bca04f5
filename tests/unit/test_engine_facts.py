"""`--set field=value` strings into typed, validated fact fields."""

from __future__ import annotations

import pytest

from engine.definitions.model import FactType
from engine.errors import InvalidInput
from engine.facts import parse_assignments, parse_fields

FACT = FactType.model_validate({
    "label": "Test",
    "fields": {
        "date": {"type": "date", "required": True},
        "body": {"type": "choice", "choices": ["Stadtrat", "Gemeinderat", "Kreistag"]},
        "count": {"type": "integer"},
        "share": {"type": "number"},
        "url": {"type": "url"},
        "note": {"type": "text"},
    },
})


def test_assignments_split_on_the_first_equals_sign() -> None:
    assert parse_assignments(["reference=DS 0371/27", "note=a=b", " body =Stadtrat"]) == {
        "reference": "DS 0371/27", "note": "a=b", "body": "Stadtrat"}


@pytest.mark.parametrize("item", ["reference", "=value", " =x"])
def test_assignment_without_name_or_equals_is_refused(item: str) -> None:
    with pytest.raises(InvalidInput, match="FELD=WERT"):
        parse_assignments([item])


def test_fields_are_converted_to_json_ready_values() -> None:
    out = parse_fields("t", FACT, {"date": "2027-03-09", "body": "stadtrat", "count": "+12", "share": "12,5",
                                   "url": "https://erfurt.de/ds", "note": "  Beschluss\neinstimmig "})
    assert out == {"date": "2027-03-09", "body": "Stadtrat", "count": 12, "share": 12.5,
                   "url": "https://erfurt.de/ds", "note": "Beschluss\neinstimmig"}


def test_empty_optional_values_are_dropped_and_empty_required_values_are_missing() -> None:
    assert parse_fields("t", FACT, {"date": "2027-03-09", "note": "   "}) == {"date": "2027-03-09"}
    with pytest.raises(InvalidInput, match="'date'"):
        parse_fields("t", FACT, {"date": " "})


def test_missing_required_field_names_it() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_fields("council_resolution", FACT, {"body": "Stadtrat"})
    assert "'date'" in exc.value.message and "--set" not in exc.value.message  # the CLI adds its hint


def test_unknown_field_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_fields("t", FACT, {"date": "2027-03-09", "colour": "red"})
    assert "'colour'" in exc.value.message and "body" in exc.value.message


@pytest.mark.parametrize(("field", "value"), [
    ("date", "2027-02-30"),
    ("date", "09.03.2027"),
    ("body", "Bundestag"),
    ("count", "12.5"),
    ("count", "zwölf"),
    ("count", "1" * 16),
    ("share", "1.00,5"),
    ("share", "12.5"),
    ("share", "nan"),
    ("share", "inf"),
    ("share", "1e999"),
    ("url", "erfurt.de"),
    ("url", "javascript:alert(1)"),
    ("url", "https://erfurt.de/a b"),
    ("note", "a\x00b"),
])
def test_bad_values_are_refused_with_the_field_name(field: str, value: str) -> None:
    raw = {"date": "2027-03-09", field: value}
    with pytest.raises(InvalidInput) as exc:
        parse_fields("t", FACT, raw)
    assert f"'{field}'" in exc.value.message
    assert "\n" not in exc.value.message


@pytest.mark.parametrize(("lang", "value", "expected"), [
    ("de", "1.000", 1000), ("de", "+12", 12), ("de", "−3", -3), ("de", "4.000,0", 4000),
    ("en", "1,000", 1000), ("en", "12", 12),
])
def test_integer_fields_read_numbers_by_the_one_number_rule(lang: str, value: str, expected: int) -> None:
    """„1.000 Teilnehmende“ is a thousand, as in every other number field (walkthrough finding 22)."""
    out = parse_fields("t", FACT, {"date": "2027-03-09", "count": value}, lang)  # type: ignore[arg-type]
    assert out["count"] == expected and isinstance(out["count"], int)


@pytest.mark.parametrize(("lang", "value", "problem"), [
    ("de", "1,5", "keine ganze Zahl"), ("de", "12 5", "deutscher Schreibweise"), ("en", "1.5", "not an integer"),
])
def test_integer_fields_refuse_a_number_that_is_not_whole(lang: str, value: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_fields("t", FACT, {"date": "2027-03-09", "count": value}, lang)  # type: ignore[arg-type]
    assert "'count'" in exc.value.message and problem in exc.value.message
