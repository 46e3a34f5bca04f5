"""What every command needs: settings, language, clock, and a service built on first use.

Building the service lazily keeps `zyklus --help` from importing the database layer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from engine.clock import Clock, FixedClock, SystemClock
from engine.i18n import Language
from zyklus.config import Settings

if TYPE_CHECKING:
    from engine.service import Service


@dataclass
class AppContext:
    settings: Settings
    lang: Language
    db_url: str
    now: dt.datetime | None = None
    wiring: list[Callable[["Service", "AppContext"], None]] = field(default_factory=list)
    """Add-ons (the reminder planner) subscribe to the service's event bus through these."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def clock(self) -> Clock:
        return FixedClock(self.now) if self.now else SystemClock()

    def init_database(self) -> None:
        """Create the database or upgrade it to the newest schema (alembic), keeping every row."""
        from engine.db.database import make_engine
        from zyklus.schema import upgrade

        engine = make_engine(self.db_url, busy_timeout=self.settings.busy_timeout)
        try:
            upgrade(engine)
        finally:
            engine.dispose()

    def close(self) -> None:
        """Release the database at the end of a command (run by click when the command ends), so
        a process that runs several commands — the tests, later the web app — leaves no
        connection open and SQLite's write-ahead log is checkpointed as at a process exit."""
        if "service" in self.__dict__:
            self.service.engine.dispose()

    @property
    def shown_db_url(self) -> str:
        """The database URL fit to print: the password replaced by ***."""
        from zyklus.secrets import masked_url

        return masked_url(self.db_url)

    def _missing_sqlite_file(self) -> bool:
        from sqlalchemy.engine import make_url

        url = make_url(self.db_url)
        return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists()

    @cached_property
    def service(self) -> "Service":
        return self.build_service(require_schema=True)

    def build_service(self, *, require_schema: bool) -> "Service":
        from engine.db.database import is_initialised, make_engine
        from engine.definitions.loader import Catalog
        from engine.errors import ConfigError
        from engine.i18n import t
        from engine.service import Service

        if require_schema and self._missing_sqlite_file():
            raise ConfigError(t("db.not_initialised", self.lang))  # and connecting would create the file
        engine = make_engine(self.db_url, busy_timeout=self.settings.busy_timeout, create=not require_schema)
        if require_schema and not is_initialised(engine):
            raise ConfigError(t("db.not_initialised", self.lang))
        service = Service(engine, Catalog(self.settings.workflow_dirs), self.clock, tz=self.settings.timezone,
                          lang=self.lang, default_workflow=self.settings.get("general", "default_workflow"))
        for wire in self.wiring:
            wire(service, self)
        return service
