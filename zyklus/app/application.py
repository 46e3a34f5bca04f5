"""The door itself: one object per process, its areas as attributes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from engine.i18n import Language

if TYPE_CHECKING:
    from pathlib import Path

    from argon2 import PasswordHasher

    from engine.service import Service
    from notifications.outbox import Transport
    from zyklus.app.accounts import Accounts
    from zyklus.app.cycles import Cycles
    from zyklus.app.idempotency import Idempotency
    from zyklus.app.meetings import Meetings
    from zyklus.app.oparl import OParl
    from zyklus.app.privacy import Privacy
    from zyklus.app.programme import ProgrammeArea
    from zyklus.app.reminders import Reminders
    from zyklus.app.runs import RunsArea
    from zyklus.app.workflows import Workflows
    from zyklus.config import Settings


class Application:
    """What zyklus can do, by area.

    ``cycles``: municipalities, people and their cycles (start, record, advance, deadline, status,
    overview, history); ``programme``: indicators, goals, measures, values, evaluation, report;
    ``workflows``: list, validate, show, simulate, migrate; ``reminders``: the sweep, the outbox,
    failing reminders, the calendar; ``oparl``: council information systems and the
    resolutions found there; ``privacy``: export and erase a person; ``accounts``: who
    signs in to the web app and the API, and what they may see (zyklus.app.access); ``idempotency``:
    the replies kept for retried API writes. Every method takes
    the caller's language (``lang``), so one process answers each caller in theirs.

    The database is opened on first use, so what needs none (``workflows.validate``, ``--help``)
    neither waits for it nor creates a file; an area's module is imported on first use, so
    `zyklus status` loads the cycles' use cases and their DTOs alone.
    """

    def __init__(self, service: Callable[[], Service], *, settings: Settings, db_url: str,
                 transport: Transport | None = None, password_hasher: PasswordHasher | None = None) -> None:
        self._build_service = service
        self.settings = settings
        self._db_url = db_url
        self._transport = transport
        self._password_hasher = password_hasher

    @cached_property
    def service(self) -> Service:
        """The engine's service; for the areas of the door only, never for an entry point."""
        return self._build_service()

    @cached_property
    def workflows(self) -> Workflows:
        from zyklus.app.workflows import Workflows

        return Workflows(self.settings.workflow_dirs, self._db_url, lambda: self.service)

    @cached_property
    def cycles(self) -> Cycles:
        from zyklus.app.cycles import Cycles

        return Cycles(self.service)

    @cached_property
    def meetings(self) -> Meetings:
        """Meetings of the working structures (the steering group's workshops above all)."""
        from zyklus.app.meetings import Meetings

        return Meetings(self.service)

    @cached_property
    def programme(self) -> ProgrammeArea:
        from zyklus.app.programme import ProgrammeArea

        return ProgrammeArea(self.service)

    @cached_property
    def accounts(self) -> Accounts:
        """Signing in, sessions, links and tokens (the web app and the REST API); loads argon2
        only when a password is checked."""
        from zyklus.app.accounts import Accounts

        return Accounts(self.service, self.settings, self._password_hasher)

    @cached_property
    def idempotency(self) -> Idempotency:
        """The replies kept for API requests with an Idempotency-Key (zyklus.app.idempotency)."""
        from zyklus.app.idempotency import Idempotency

        return Idempotency(self.service)

    @cached_property
    def runs(self) -> RunsArea:
        """Programme runs: participants, conferences, attendance, advisors, the label (zyklus.app.runs)."""
        from zyklus.app.runs import RunsArea

        return RunsArea(self.service)

    @cached_property
    def oparl(self) -> OParl:
        """The council information systems (OParl): sources, sync, candidates to accept."""
        from zyklus.app.oparl import OParl

        return OParl(self.service, self.settings, self.cycles)

    def serve(self) -> None:
        """`zyklus serve`: the sweep every ``[scheduler] interval_seconds`` and, when
        ``[oparl] interval_minutes`` is set, the OParl sync beside it."""
        self.reminders.serve(also=self.oparl.scheduled())

    @cached_property
    def privacy(self) -> Privacy:
        from zyklus.app.privacy import Privacy

        return Privacy(self.service)

    @cached_property
    def reminders(self) -> Reminders:
        from zyklus.app.reminders import Reminders

        return Reminders(self.service, self.settings, self._transport)

    def today(self) -> dt.date:
        """Today in the configured time zone, by the door's clock (a test's or `--now`'s)."""
        return self.service.today()

    def init_database(self) -> None:
        """Create the database or bring it to the newest schema (alembic), keeping every row
        (`zyklus init`)."""
        from engine.db.database import make_engine
        from zyklus.schema import upgrade

        engine = make_engine(self._db_url, busy_timeout=self.settings.busy_timeout)
        try:
            upgrade(engine)
        finally:
            engine.dispose()

    def backup(self, path: Path, lang: Language = "de") -> dict[str, Any]:
        """A consistent copy of the SQLite database to the new file ``path`` while zyklus runs
        (`zyklus backup`); returns what was written. PostgreSQL: refused with the pg_dump line."""
        from zyklus.app.backup import backup

        return backup(self._db_url, path, lang)

    def close(self) -> None:
        """Release the database connections (end of a command, shutdown of a server)."""
        if "service" in self.__dict__:
            self.service.engine.dispose()
