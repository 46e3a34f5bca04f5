"""The one number rule (engine/numbers.py): German „4.000“ is four thousand, what a language's
notation cannot read for sure is refused with the accepted forms, and everything zyklus prints
reads back as the same number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import InvalidInput
from engine.numbers import format_exact, format_number, format_share, parse_number


@pytest.mark.parametrize(("typed", "lang", "value"), [
    ("4.000", "de", 4000.0), ("4.000,5", "de", 4000.5), ("1,25", "de", 1.25), ("1.100", "de", 1100.0),
    ("1.250", "de", 1250.0), ("19.500", "de", 19500.0), ("1.000.000", "de", 1_000_000.0), (" 12,5 ", "de", 12.5),
    ("12", "de", 12.0), ("0,5", "de", 0.5), ("-5", "de", -5.0), ("−5,5", "de", -5.5), ("+3", "de", 3.0),
    ("4 000,5", "de", 4000.5), ("4\u00a0000", "de", 4000.0), ("–1.200", "de", -1200.0),
    ("4,000.5", "en", 4000.5), ("4,000", "en", 4000.0), ("12.5", "en", 12.5), ("1,250", "en", 1250.0),
    ("−0.25", "en", -0.25), ("1250.75", "en", 1250.75),
    ("1 000", "de", 1000.0), ("12 345,5", "de", 12345.5), ("1\u202f234\u202f567", "de", 1234567.0),
    ("-1 250,5", "de", -1250.5), ("1 000.5", "en", 1000.5), ("12\u00a0345", "en", 12345.0),
    ("−1 000 000.25", "en", -1000000.25),
])
def test_numbers_are_read_in_the_notation_of_the_language(typed: str, lang: str, value: float) -> None:
    assert parse_number(typed, lang) == value  # type: ignore[arg-type]


@pytest.mark.parametrize(("typed", "lang"), [
    ("12.5", "de"), ("1.25", "de"), ("1.25,5", "de"), ("4.000,", "de"), ("1,000.5", "de"), ("12,5", "en"),
    ("1,2", "en"), ("4.000,5", "en"), ("", "de"), ("zwölf", "de"), ("1e5", "de"), ("1e309", "en"), ("nan", "de"),
    ("inf", "en"), ("12,5,1", "de"), ("--5", "de"), ("1" + "0" * 400, "de"),
    # a space only between groups of exactly three digits, one at a time, never mixed with the mark
    ("12 5", "de"), ("1 2", "de"), ("1  000", "de"), ("1 00", "de"), ("1234 567", "de"), ("1 000.000", "de"),
    ("1.000 000", "de"), ("12,5 5", "de"), ("1 000,", "de"), ("- 5", "de"), ("1 000 ,5", "de"),
    ("12 5", "en"), ("1 2", "en"), ("1  000", "en"), ("1 000,000", "en"), ("1 000.5 5", "en"),
    ("1 000,5", "en"), ("1\u00a0\u00a0000", "en"),
])
def test_what_could_be_misread_is_refused(typed: str, lang: str) -> None:
    with pytest.raises(InvalidInput):
        parse_number(typed, lang)  # type: ignore[arg-type]


def test_a_stray_space_is_refused_in_one_line_as_typed() -> None:
    with pytest.raises(InvalidInput) as german:
        parse_number("12 5", "de")
    assert german.value.message.startswith("„12 5“ ist keine Zahl in deutscher Schreibweise: ")
    with pytest.raises(InvalidInput) as english:
        parse_number("1 2", "en")
    assert english.value.message.startswith("'1 2' is not a number in English notation: ")


def test_the_refusal_is_one_line_naming_the_accepted_forms() -> None:
    with pytest.raises(InvalidInput) as german:
        parse_number("12.5", "de")
    assert german.value.message == ("„12.5“ ist keine Zahl in deutscher Schreibweise: 1.234,5 oder 1234,5 oder −5 "
                                    "(der Punkt trennt nur Tausendergruppen, das Komma die Nachkommastellen).")
    with pytest.raises(InvalidInput) as english:
        parse_number("12,5", "en")
    assert english.value.message == ("'12,5' is not a number in English notation: 1,234.5 or 1234.5 or −5 "
                                     "(a comma only groups thousands, a point starts the decimals).")


def test_a_file_notation_other_than_the_readers_language_is_said_in_the_readers_language() -> None:
    assert parse_number("1,234.5", "de", notation="en") == 1234.5
    with pytest.raises(InvalidInput, match="englischer Schreibweise"):
        parse_number("1.234,5", "de", notation="en")


@pytest.mark.parametrize("lang", ["de", "en"])
@given(value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), decimals=st.integers(0, 4))
def test_every_printed_number_reads_back_as_the_same_number(lang: str, value: float, decimals: int) -> None:
    printed = format_number(value, decimals, lang)  # type: ignore[arg-type]
    read = parse_number(printed, lang)  # type: ignore[arg-type]
    assert abs(read - value) <= 0.5 * 10 ** -decimals + abs(value) * 1e-15
    assert format_number(read, decimals, lang) == printed  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "decimals", "lang", "shown"), [
    (-0.04, 0, "de", "0"), (-0.004, 2, "de", "0,00"), (-0.4, 0, "de", "0"), (-0.6, 0, "de", "-1"),
    (4000, 0, "de", "4.000"), (4000.5, 1, "en", "4,000.5"),
])
def test_a_value_that_rounds_to_zero_has_no_sign(value: float, decimals: int, lang: str, shown: str) -> None:
    assert format_number(value, decimals, lang) == shown  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "decimals", "lang", "shown"), [
    (2.5, 0, "de", "3"), (3.5, 0, "de", "4"), (0.5, 0, "de", "1"), (-2.5, 0, "de", "-3"), (-0.5, 0, "de", "-1"),
    (6.25, 1, "de", "6,3"), (-6.25, 1, "de", "-6,3"), (2.675, 2, "de", "2,68"), (1.005, 2, "de", "1,01"),
    (1250.5, 0, "de", "1.251"), (-1250.5, 0, "de", "-1.251"), (2.45, 1, "en", "2.5"), (1234.5, 0, "en", "1,235"),
    (2.4999, 0, "de", "2"), (6.24, 1, "de", "6,2"), (-0.05, 1, "de", "-0,1"), (-0.049, 1, "de", "0,0"),
    (1e20, 2, "de", "100.000.000.000.000.000.000,00"),
])
def test_numbers_round_commercially_half_up(value: float, decimals: int, lang: str, shown: str) -> None:
    """DIN 1333: a 5 rounds away from zero (Python's round() and babel would give 2, 4, 6,2, 2,67)."""
    assert format_number(value, decimals, lang) == shown  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "lang", "shown"), [
    (-125.5, "de", "-125,5"), (-1250.5, "de", "-1.250,5"), (1250.0, "de", "1.250"), (0.1, "de", "0,1"),
    (-0.0, "de", "0"), (12345.678, "en", "12,345.678"), (2.675, "de", "2,675"), (None, "de", "–"),
])
def test_an_exact_value_is_shown_with_every_digit_it_has(value: float | None, lang: str, shown: str) -> None:
    assert format_exact(value, lang) == shown  # type: ignore[arg-type]
    if value is not None:
        assert parse_number(shown, lang) == value  # type: ignore[arg-type]


def test_a_share_that_rounds_to_zero_has_no_sign() -> None:
    assert format_share(-0.001, "de") == "0\u00a0%"
    assert format_share(-0.02, "de") == "-2\u00a0%"
    assert format_share(-0.001, "en") == "0%"
