"""Due-date arithmetic: ISO 8601 durations on the calendar, and working days per Land.

Pure functions with no clock, so the simulator, the service and the reminder planner agree on
every date. Months are calendar months (31 January + P1M = 28/29 February, as
:mod:`dateutil.relativedelta` and SpiffWorkflow do), never 30 days.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays

_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


@dataclass(frozen=True)
class Duration:
    """A date-only ISO 8601 duration; time parts make no sense for council calendars."""

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> "Duration":
        """Raise ValueError (caught by definition validation) for anything but PnYnMnWnD."""
        match = _DURATION.fullmatch(text.strip().upper()) if isinstance(text, str) else None
        if not match or text.strip().upper() == "P":
            raise ValueError(f"not an ISO 8601 date duration such as P3M or P14D: {text!r}")
        y, m, w, d = (int(g) if g else 0 for g in match.groups())
        return cls(years=y, months=m, days=w * 7 + d)

    @property
    def is_zero(self) -> bool:
        return not (self.years or self.months or self.days)

    def __str__(self) -> str:
        parts = [f"{v}{u}" for v, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if v]
        return "P" + ("".join(parts) or "0D")


def add(start: dt.date, duration: Duration) -> dt.date:
    """Add years and months on the calendar (clamping the day), then days."""
    month_index = start.month - 1 + duration.months + 12 * duration.years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) + dt.timedelta(days=duration.days)


def subtract(end: dt.date, duration: Duration) -> dt.date:
    return add(end, Duration(-duration.years, -duration.months, -duration.days))


@lru_cache(maxsize=64)
def _calendar(state: str, catholic: bool) -> holidays.HolidayBase:
    """Public holidays of one Land; ``catholic`` adds days that apply only in predominantly
    Catholic municipalities (Fronleichnam in Thüringen's Eichsfeld, Mariä Himmelfahrt in Bavaria)."""
    import holidays  # here, not at import: a command that moves no date (`zyklus status`) never loads it

    categories = ("public", "catholic") if catholic else ("public",)
    return holidays.Germany(subdiv=state, categories=categories, language="de")


def holiday_name(day: dt.date, state: str, catholic: bool = False) -> str | None:
    return _calendar(state, catholic).get(day)


def is_working_day(day: dt.date, state: str, catholic: bool = False) -> bool:
    return day.weekday() < 5 and day not in _calendar(state, catholic)


def next_working_day(day: dt.date, state: str, catholic: bool = False) -> dt.date:
    """A deadline on a weekend or holiday moves forward to the next day the town hall is open."""
    while not is_working_day(day, state, catholic):
        day += dt.timedelta(days=1)
    return day


def due_date(start: dt.date, duration: Duration, state: str, catholic: bool = False) -> dt.date:
    return next_working_day(add(start, duration), state, catholic)
