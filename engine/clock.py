"""Injected time: the engine never calls ``datetime.now()`` itself.

Tests and `--now` travel in time by handing a different clock to the service; nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """An aware datetime."""
        ...


@dataclass(frozen=True)
class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


@dataclass
class FixedClock:
    """A clock that stands still until a test (or `--now`) moves it."""

    moment: dt.datetime

    def now(self) -> dt.datetime:
        return self.moment

    def advance(self, delta: dt.timedelta) -> None:
        self.moment = self.moment + delta


def local_today(clock: Clock, tz: ZoneInfo) -> dt.date:
    """Business dates are local to the municipality's time zone, not UTC."""
    return clock.now().astimezone(tz).date()


def to_db(moment: dt.datetime) -> dt.datetime:
    """Moments are stored as aware UTC (sqlmodel's UTCDateTime); a naive value is a bug."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: moments must carry a time zone")
    return moment.astimezone(dt.timezone.utc)


def stamp(clock: Clock) -> dt.datetime:
    return to_db(clock.now())
