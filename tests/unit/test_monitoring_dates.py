"""The days of the monitoring reminders: yearly indicator values and measures left unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.dates import Duration
from notifications.monitoring_dates import is_stale, open_due_date, stale_day, values_due_days

D = dt.date
BEFORE = [Duration(days=14), Duration()]  # the default: 14 days before and on the day
SPAN = Duration(days=180)


@pytest.mark.parametrize(("today", "recorded", "fired", "expected"), [
    # an indicator adopted in January: this year's two reminders, for last year's value
    (D(2027, 1, 4), set(), set(), {D(2027, 3, 17), D(2027, 3, 31)}),
    # the first has gone out: only the one on the day is left
    (D(2027, 3, 17), set(), {D(2027, 3, 17)}, {D(2027, 3, 31)}),
    # ... and once that has gone out too, next year's (for this year's value)
    (D(2027, 3, 31), set(), {D(2027, 3, 31)}, {D(2028, 3, 17), D(2028, 3, 31)}),
    # the 2026 value was recorded early: no reminder this year at all
    (D(2027, 2, 1), {2026}, set(), {D(2028, 3, 17), D(2028, 3, 31)}),
    # adopted after the due day: next year
    (D(2027, 6, 1), set(), set(), {D(2028, 3, 17), D(2028, 3, 31)}),
    # adopted between the two reminders: the remaining one
    (D(2027, 3, 20), set(), set(), {D(2027, 3, 31)}),
])
def test_the_next_reminder_days_of_an_indicator(today: dt.date, recorded: set[int], fired: set[dt.date],
                                                expected: set[dt.date]) -> None:
    assert values_due_days("03-31", BEFORE, recorded, today, fired) == expected


def test_reminders_of_a_due_day_in_january_begin_in_december() -> None:
    assert values_due_days("01-10", BEFORE, set(), D(2027, 12, 20), set()) == {D(2027, 12, 27), D(2028, 1, 10)}


def test_without_reminder_offsets_nothing_is_planned() -> None:
    assert values_due_days("03-31", [], set(), D(2027, 1, 4), set()) == set()


@pytest.mark.parametrize(("on", "expected"), [
    (D(2027, 3, 16), (2025, D(2026, 3, 31))),  # the day before the first reminder: last year's request
    (D(2027, 3, 17), (2026, D(2027, 3, 31))),  # from the first reminder on, this year's
    (D(2027, 11, 30), (2026, D(2027, 3, 31))),  # and while it is overdue, until next year's begins
])
def test_which_value_a_mail_asks_for(on: dt.date, expected: tuple[int, dt.date]) -> None:
    assert open_due_date("03-31", BEFORE, on) == expected


@pytest.mark.parametrize(("lag", "on", "expected"), [
    (1, D(2027, 3, 17), (2026, D(2027, 3, 31))),  # a town's own count: last year's value
    (2, D(2027, 3, 17), (2025, D(2027, 3, 31))),  # official statistics via INKAR: published two years later
    (3, D(2027, 3, 16), (2023, D(2026, 3, 31))),  # before this year's reminders: still the 2026 due date's year
    (0, D(2027, 4, 1), (2027, D(2027, 3, 31))),   # known in its own year
])
def test_the_value_asked_for_is_the_due_year_minus_the_publication_lag(
        lag: int, on: dt.date, expected: tuple[int, dt.date]) -> None:
    assert open_due_date("03-31", BEFORE, on, lag) == expected


def test_a_published_value_recorded_early_skips_its_due_date_whatever_the_lag() -> None:
    # lag 2: the 31 March 2027 reminder asks for 2025; recording 2025 in January skips it
    assert values_due_days("03-31", BEFORE, {2025}, D(2027, 1, 4), set(), lag=2) == {D(2028, 3, 17), D(2028, 3, 31)}
    # recording 2026 early does not: the 2027 due date still waits for 2025
    assert values_due_days("03-31", BEFORE, {2026}, D(2027, 1, 4), set(), lag=2) == {D(2027, 3, 17), D(2027, 3, 31)}


def test_a_january_due_day_is_asked_for_from_december() -> None:
    assert open_due_date("01-10", BEFORE, D(2027, 12, 26)) == (2026, D(2027, 1, 10))
    assert open_due_date("01-10", BEFORE, D(2027, 12, 27)) == (2027, D(2028, 1, 10))


@pytest.mark.parametrize(("status_on", "today", "fired", "expected"), [
    (D(2027, 1, 4), D(2027, 1, 4), set(), D(2027, 7, 3)),  # 180 days after the status was set
    (D(2027, 1, 4), D(2027, 7, 3), {D(2027, 7, 3)}, D(2027, 12, 30)),  # reminded: the next span
    (D(2027, 1, 4), D(2027, 8, 1), set(), D(2027, 12, 30)),  # spans long past are skipped
    (D(2020, 1, 1), D(2027, 1, 4), set(), D(2027, 5, 24)),  # 15 × 180 = 2700 days later
])
def test_the_next_stale_day_of_a_measure(status_on: dt.date, today: dt.date, fired: set[dt.date],
                                         expected: dt.date) -> None:
    assert stale_day(status_on, SPAN, today, fired) == expected


def test_month_spans_count_from_the_status_day_not_from_the_clamped_last_one() -> None:
    span = Duration(months=6)
    assert stale_day(D(2027, 8, 31), span, D(2027, 9, 1), set()) == D(2028, 2, 29)
    assert stale_day(D(2027, 8, 31), span, D(2028, 3, 1), set()) == D(2028, 8, 31)


def test_stale_from_the_day_the_span_is_complete() -> None:
    assert not is_stale(D(2027, 1, 4), SPAN, D(2027, 7, 2))
    assert is_stale(D(2027, 1, 4), SPAN, D(2027, 7, 3))
