"""Errors a user can cause, each with the CLI exit code it maps to.

Every message is already translated when the error is raised, so entry points only print
one line; a traceback is reserved for bugs.
"""

from __future__ import annotations

from typing import Any


class ZyklusError(Exception):
    """Base for all expected failures: bad input, not found, conflicts."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ZyklusError):
    """The user gave a value zyklus cannot accept (a date, an AGS, an address ...)."""


class NotFound(ZyklusError):
    """A municipality, person, cycle or workflow that does not exist."""


class Conflict(ZyklusError):
    """Someone else changed the same cycle first, or the change contradicts stored state."""


class PermissionDenied(ZyklusError):
    """The actor is not allowed to fire this trigger."""


class ConfigError(ZyklusError):
    """config.toml or the environment is wrong."""


class DefinitionError(ZyklusError):
    """A workflow definition failed to load or validate; ``problems`` lists every finding."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class TransitionRefused(ZyklusError):
    """A blocking guard is unmet; ``unmet`` holds the guard results for display."""

    exit_code = 3

    def __init__(self, message: str, unmet: list[Any]) -> None:
        super().__init__(message)
        self.unmet = unmet


class DatabaseBusy(ZyklusError):
    """Another process held the database's write lock longer than the busy timeout."""


class InternalError(ZyklusError):
    """Something zyklus did not expect: a bug, shown as one line and logged with its traceback."""
