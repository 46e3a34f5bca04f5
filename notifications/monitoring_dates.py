"""On which days the monitoring reminders fall: yearly indicator values and unchanged measures.

Pure date arithmetic over plain values (no clock, no database), shared by the planner, the sweep
and the tests. On an indicator's day (``values_due``, MM-DD) of year Y the value of year Y − lag is
due, with reminders some days before: ``lag`` is the years its source takes to publish a year's
value (1 for a town's own count, 2 for most official statistics), so the reminder asks for the
year that can be recorded by then, not one the statistical office has not published yet; a measure is stale once its status has stayed the same
for a span (P180D by default), and again after each further span.

``fired`` are the days whose reminder of the same kind has already gone out for the cycle (its
timer was claimed): a day is never planned twice, so the plan moves on to the next one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from engine.dates import Duration, add, subtract


def due_day(values_due: str, year: int) -> dt.date:
    month, day = values_due.split("-")
    return dt.date(year, int(month), int(day))


def values_due_days(values_due: str, offsets: Sequence[Duration], recorded: Collection[int], today: dt.date,
                    fired: Collection[dt.date], lag: int = 1) -> set[dt.date]:
    """The reminder days still ahead for the next due date whose value is missing: this year's
    while one of its reminders is ahead, else next year's. A value recorded early (before the
    due date) skips that due date altogether."""
    for year in (today.year, today.year + 1, today.year + 2):
        if year - lag in recorded:
            continue
        due = due_day(values_due, year)
        ahead = {day for day in (subtract(due, offset) for offset in offsets) if day >= today and day not in fired}
        if ahead:
            return ahead
    return set()


def open_due_date(values_due: str, offsets: Sequence[Duration], on: dt.date, lag: int = 1) -> tuple[int, dt.date]:
    """(value year, due date) of the latest due date whose reminders have begun by ``on``: that
    value is asked for from its first reminder until the next year's reminders begin (offsets
    are shorter than a year, see engine.definitions.model.Monitoring)."""
    for year in (on.year + 1, on.year):
        due = due_day(values_due, year)
        if min((subtract(due, offset) for offset in offsets), default=due) <= on:
            return year - lag, due
    return on.year - 1 - lag, due_day(values_due, on.year - 1)


def _times(span: Duration, k: int) -> Duration:
    return Duration(span.years * k, span.months * k, span.days * k)


def stale_day(status_on: dt.date, span: Duration, today: dt.date, fired: Collection[dt.date]) -> dt.date:
    """The next day (from ``today``) on which a measure unchanged since ``status_on`` has been
    so for a whole number of spans."""
    longest = span.years * 366 + span.months * 31 + span.days  # at least one span's length
    k = max(1, (today - status_on).days // longest)  # skip the spans long past without overshooting
    while (day := add(status_on, _times(span, k))) < today or day in fired:
        k += 1
    return day


def is_stale(status_on: dt.date, span: Duration, on: dt.date) -> bool:
    return add(status_on, span) <= on
