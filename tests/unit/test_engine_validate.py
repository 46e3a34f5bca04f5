"""Input validation at the boundary: one translated line per problem, never a traceback."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from engine import validate
from engine.errors import InvalidInput


@pytest.mark.parametrize("value", ["16051000", " 16051000 ", "01001000"])
def test_ags_accepts_eight_digits_and_keeps_a_string(value: str) -> None:
    result = validate.ags(value)
    assert result == value.strip()
    assert isinstance(result, str)  # a leading zero (Schleswig-Holstein) survives


@pytest.mark.parametrize("value", ["1605100", "160510000", "1605100A", "ABCDEFGH", "", "16 51000",
                                   "16051000\n1", "１６０５１０００", "1605.100"])
def test_ags_refuses_anything_but_eight_ascii_digits(value: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate.ags(value)
    assert "8" in exc.value.message
    assert "\n" not in exc.value.message


def test_messages_follow_the_language() -> None:
    with pytest.raises(InvalidInput, match="Gemeindeschlüssel"):
        validate.ags("123", "de")
    with pytest.raises(InvalidInput, match="exactly 8 digits"):
        validate.ags("123", "en")


def test_state_and_kind() -> None:
    assert validate.state("th") == "TH"
    assert validate.kind(" Stadt ") == "stadt"
    with pytest.raises(InvalidInput, match="TH"):
        validate.state("Thüringen")
    with pytest.raises(InvalidInput, match="landkreis"):
        validate.kind("dorf")


@pytest.mark.parametrize(("value", "expected"), [
    ("anna@erfurt.de", "anna@erfurt.de"),
    (" Anna.Schmidt@Erfurt.DE ", "anna.schmidt@erfurt.de"),  # stored and compared in lower case
    ("anna@müller.example", "anna@xn--mller-kva.example"),  # the domain as the SMTP envelope carries it
])
def test_email_accepts_and_normalises(value: str, expected: str) -> None:
    assert validate.email(value) == expected


@pytest.mark.parametrize("value", [
    "anna.erfurt.de",               # no @
    "anna@erfurt",                  # no dot in the domain
    "anna@@erfurt.de",
    "anna schmidt@erfurt.de",
    "anna@erfurt.de\nBcc: x@y.de",  # header injection
    "anna@erfurt.de\r",
    "anna@erfurt.de\x00",
    "a" * 250 + "@erfurt.de",
    "",
    "anna@erfurt.de, ben@erfurt.de",  # two recipients where one is expected
    "anna@erfurt.de;ben@erfurt.de",
    "Anna Koch <anna@erfurt.de>",   # a display name: the envelope would differ from what is stored
    "<anna@erfurt.de>",
    '"anna koch"@erfurt.de',         # quoted local part
    "anna@[192.0.2.1]",             # IP literal
    "anna@",                        # no domain
    "anna@erfurt.local",            # reserved for the local network, not for mail
    "jürgen@erfurt.de",             # needs SMTPUTF8
    "anna@erfurt.de\t",
])
def test_email_refuses(value: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate.email(value)
    assert "\n" not in exc.value.message  # the bad value is shown escaped, on one line


@pytest.mark.parametrize("value", ["Anna\nSchmidt", "Anna\rSchmidt", "Anna\tSchmidt", "Anna\x1bSchmidt",
                                   "Anna\u2028Schmidt", "Anna\u0085Schmidt"])
def test_single_line_refuses_line_breaks_and_control_characters(value: str) -> None:
    with pytest.raises(InvalidInput, match="Name"):
        validate.single_line(value, "Name")


def test_single_line_strips_and_limits() -> None:
    assert validate.single_line("  Erfurt  ", "Name") == "Erfurt"
    assert validate.single_line("Müller-Lüdenscheidt", "Name") == "Müller-Lüdenscheidt"
    with pytest.raises(InvalidInput):
        validate.single_line("   ", "Name")
    with pytest.raises(InvalidInput):
        validate.single_line("x" * (validate.MAX_NAME + 1), "Name")


def test_text_allows_lines_but_no_other_control_characters() -> None:
    assert validate.text("Zeile 1\nZeile 2\t!", "Text") == "Zeile 1\nZeile 2\t!"
    with pytest.raises(InvalidInput):
        validate.text("a\x07b", "Text")
    with pytest.raises(InvalidInput):
        validate.text("x" * 11, "Text", limit=10)


@pytest.mark.parametrize(("value", "expected"), [
    ("2027-03-15", dt.date(2027, 3, 15)),
    ("2028-02-29", dt.date(2028, 2, 29)),
    (" 2027-12-31 ", dt.date(2027, 12, 31)),
])
def test_date_accepts_iso(value: str, expected: dt.date) -> None:
    assert validate.date(value) == expected


@pytest.mark.parametrize("value", ["2027-02-30", "2027-02-29", "2027-13-01", "15.03.2027", "2027-3-15",
                                   "20270315", "2027-03-15T10:00", "morgen", ""])
def test_date_refuses(value: str) -> None:
    with pytest.raises(InvalidInput, match="JJJJ-MM-TT"):
        validate.date(value)


def test_moment_is_local_when_naive() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    moment = validate.moment("2027-03-15T08:00", berlin)
    assert moment.utcoffset() == dt.timedelta(hours=1)
    assert validate.moment("2027-07-01T08:00+00:00", berlin).utcoffset() == dt.timedelta(0)
    with pytest.raises(InvalidInput):
        validate.moment("gestern", berlin)


def test_the_control_character_classes_are_exactly_their_unicode_categories() -> None:
    """The checks use character classes for speed; they must match what the Unicode categories
    say of every code point (Cc; Cc with Zl and Zp; Cc but tab and line feed): all of the code
    points below U+3000, where every Cc, Zl and Zp character lies, and every 97th above."""
    import sys
    import unicodedata

    from engine.validate import CONTROL, CONTROL_IN_TEXT, LINE_BREAKING

    for point in [*range(0x3000), *range(0x3000, sys.maxunicode + 1, 97)]:
        ch = chr(point)
        category = unicodedata.category(ch)
        assert bool(CONTROL.match(ch)) == (category == "Cc"), hex(point)
        assert bool(LINE_BREAKING.match(ch)) == (category in ("Cc", "Zl", "Zp")), hex(point)
        assert bool(CONTROL_IN_TEXT.match(ch)) == (category == "Cc" and ch not in "\n\t"), hex(point)
