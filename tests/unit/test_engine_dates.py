"""Due-date arithmetic: calendar months, leap years, working days per Land."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import dates
from engine.dates import Duration

D = dt.date


@pytest.mark.parametrize(("text", "expected"), [
    ("P3M", Duration(months=3)),
    ("P1Y2M10D", Duration(years=1, months=2, days=10)),
    ("P2W", Duration(days=14)),
    ("p14d", Duration(days=14)),
    ("P0D", Duration()),
])
def test_duration_parses_date_durations(text: str, expected: Duration) -> None:
    assert Duration.parse(text) == expected


@pytest.mark.parametrize("text", ["P", "", "3M", "PT5H", "P1.5M", "P-1M", "P3X", "1 month"])
def test_duration_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        Duration.parse(text)


def test_duration_round_trips_as_text() -> None:
    assert str(Duration.parse("P1Y2M3D")) == "P1Y2M3D"
    assert str(Duration()) == "P0D"
    assert Duration().is_zero and not Duration(days=1).is_zero


@pytest.mark.parametrize(("start", "duration", "expected"), [
    (D(2027, 1, 31), "P1M", D(2027, 2, 28)),   # clamp to the month's last day, never 30 days
    (D(2028, 1, 31), "P1M", D(2028, 2, 29)),   # leap year
    (D(2027, 1, 30), "P1M", D(2027, 2, 28)),
    (D(2027, 1, 15), "P1M", D(2027, 2, 15)),
    (D(2027, 3, 31), "P1M", D(2027, 4, 30)),
    (D(2027, 11, 30), "P3M", D(2028, 2, 29)),  # across the year into a leap February
    (D(2028, 2, 29), "P1Y", D(2029, 2, 28)),
    (D(2028, 2, 29), "P4Y", D(2032, 2, 29)),
    (D(2027, 12, 31), "P2M", D(2028, 2, 29)),
    (D(2027, 1, 31), "P1M1D", D(2027, 3, 1)),  # months first, then days
    (D(2027, 10, 15), "P24M", D(2029, 10, 15)),
])
def test_add_counts_calendar_months(start: dt.date, duration: str, expected: dt.date) -> None:
    assert dates.add(start, Duration.parse(duration)) == expected


def test_subtract_is_calendar_aware() -> None:
    assert dates.subtract(D(2027, 3, 31), Duration.parse("P1M")) == D(2027, 2, 28)
    assert dates.subtract(D(2028, 3, 1), Duration.parse("P1D")) == D(2028, 2, 29)
    assert dates.subtract(D(2027, 4, 10), Duration.parse("P14D")) == D(2027, 3, 27)


@pytest.mark.parametrize(("day", "expected"), [
    (D(2027, 3, 6), D(2027, 3, 8)),    # Saturday -> Monday
    (D(2027, 3, 7), D(2027, 3, 8)),    # Sunday -> Monday
    (D(2027, 3, 8), D(2027, 3, 8)),    # a Monday stays
    (D(2027, 3, 26), D(2027, 3, 30)),  # Good Friday -> over Easter to Tuesday
    (D(2027, 12, 25), D(2027, 12, 27)),  # Christmas Saturday, Boxing Day Sunday
    (D(2027, 12, 24), D(2027, 12, 24)),  # Christmas Eve is a working day
    (D(2030, 10, 3), D(2030, 10, 4)),    # Tag der Deutschen Einheit (Thursday)
    (D(2027, 10, 2), D(2027, 10, 4)),    # Saturday, then 3 October on Sunday
])
def test_next_working_day_in_thueringen(day: dt.date, expected: dt.date) -> None:
    assert dates.next_working_day(day, "TH") == expected


def test_reformation_day_is_a_holiday_in_thueringen_only() -> None:
    day = D(2028, 10, 31)  # a Tuesday
    assert day.weekday() == 1
    assert dates.holiday_name(day, "TH") == "Reformationstag"
    assert not dates.is_working_day(day, "TH")
    assert dates.next_working_day(day, "TH") == D(2028, 11, 1)
    assert dates.is_working_day(day, "NW")
    assert dates.next_working_day(day, "NW") == day


def test_german_unity_day_everywhere() -> None:
    day = D(2025, 10, 3)  # Friday
    for state in ("TH", "NW", "BY", "HH"):
        assert not dates.is_working_day(day, state)
        assert dates.next_working_day(day, state) == D(2025, 10, 6)


def test_corpus_christi_only_with_catholic_flag_in_thueringen() -> None:
    corpus_christi = D(2027, 5, 27)  # Thursday
    assert dates.is_working_day(corpus_christi, "TH")
    assert dates.next_working_day(corpus_christi, "TH") == corpus_christi
    assert dates.holiday_name(corpus_christi, "TH", catholic=True) == "Fronleichnam"
    assert not dates.is_working_day(corpus_christi, "TH", catholic=True)
    assert dates.next_working_day(corpus_christi, "TH", catholic=True) == D(2027, 5, 28)
    # In NRW Fronleichnam is a public holiday for everyone.
    assert not dates.is_working_day(corpus_christi, "NW")


def test_due_date_adds_months_then_moves_to_a_working_day() -> None:
    # 31 January + P1M = 28 February 2027, a Sunday -> Monday 1 March.
    assert dates.due_date(D(2027, 1, 31), Duration.parse("P1M"), "TH") == D(2027, 3, 1)
    # 3 July + P3M = 3 October 2030, a holiday (Thursday) -> Friday.
    assert dates.due_date(D(2030, 7, 3), Duration.parse("P3M"), "TH") == D(2030, 10, 4)
    # 30 September 2028 + P1M = 30 October (Monday): a plain working day stays.
    assert dates.due_date(D(2028, 9, 30), Duration.parse("P1M"), "TH") == D(2028, 10, 30)
    # 31 August 2028 + P2M = 31 October: Reformationstag in TH, not in NW.
    assert dates.due_date(D(2028, 8, 31), Duration.parse("P2M"), "TH") == D(2028, 11, 1)
    assert dates.due_date(D(2028, 8, 31), Duration.parse("P2M"), "NW") == D(2028, 10, 31)
