"""The door itself: one object per process, its areas as attributes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zyklus.app.cycles import Cycles

if TYPE_CHECKING:
    from engine.service import Service


class Application:
    """What zyklus can do, by area.

    ``cycles``: municipalities, people and their cycles (start, record, advance, deadline, status,
    overview, history). Every method takes the caller's language (``lang``), so one process answers
    each caller in theirs.
    """

    def __init__(self, service: "Service") -> None:
        self.service = service
        """The engine's service; for the areas of the door only, never for an entry point."""
        self.cycles = Cycles(service)

    def close(self) -> None:
        """Release the database connections (end of a command, shutdown of a server)."""
        self.service.engine.dispose()
