"""What every command needs: settings, language, clock, and the door, built on first use.

Building the door lazily keeps `zyklus --help` from importing the database layer, and lets
`remind --now` set the moment before anything reads the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engine.clock import Clock, FixedClock, SystemClock
from engine.i18n import Language
from zyklus.config import Settings

if TYPE_CHECKING:
    from zyklus.app import Application


@dataclass
class AppContext:
    settings: Settings
    lang: Language
    db_url: str
    now: dt.datetime | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def clock(self) -> Clock:
        return FixedClock(self.now) if self.now else SystemClock()

    @cached_property
    def door(self) -> "Application":
        from zyklus.bootstrap import bootstrap

        return bootstrap(self.settings, self.clock, db_url=self.db_url, lang=self.lang)

    def close(self) -> None:
        """Release the database at the end of a command (run by click when the command ends), so
        a process that runs several commands — the tests, later the web app — leaves no
        connection open and SQLite's write-ahead log is checkpointed as at a process exit."""
        if "door" in self.__dict__:
            self.door.close()

    @property
    def shown_db_url(self) -> str:
        """The database URL fit to print: the password replaced by ***."""
        from zyklus.secrets import masked_url

        return masked_url(self.db_url)
