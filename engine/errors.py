"""Errors a user can cause, each with the CLI exit code it maps to and a stable code.

An error is raised with a :class:`engine.i18n.Message` (``raise NotFound(m("municipality.unknown",
lang, ags=ags))``): ``code`` is the message key, the same in every language, for scripts and the
REST API; ``render(lang)`` says it in the caller's language; ``message`` in the language it was
raised in. Entry points print one line; a traceback is reserved for bugs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.i18n import Message


class ZyklusError(Exception):
    """Base for all expected failures: bad input, not found, conflicts."""

    exit_code = 1

    def __init__(self, message: "str | Message") -> None:
        text = message if isinstance(message, str) else message.render()
        super().__init__(text)
        self.message = text
        self.detail = None if isinstance(message, str) else message
        self.code: str | None = None if isinstance(message, str) else message.key
        """The message key (``municipality.unknown``); None for the few errors raised with a
        composed text (a definition file's own problem lines)."""
        self.params: dict[str, Any] = {} if isinstance(message, str) else dict(message.params)

    def render(self, lang: str) -> str:
        """The error in ``lang`` (the text it was raised with when it carries no code)."""
        return self.detail.render(lang) if self.detail is not None else self.message


class InvalidInput(ZyklusError):
    """The user gave a value zyklus cannot accept (a date, an AGS, an address ...)."""


class NotFound(ZyklusError):
    """A municipality, person, cycle or workflow that does not exist."""


class Conflict(ZyklusError):
    """Someone else changed the same cycle first, or the change contradicts stored state."""


class VersionMismatch(Conflict):
    """The caller changed a cycle it last saw in another version (an API client's If-Match, a stale
    page): nothing is written, and the caller reads the cycle again before deciding anew."""


class PermissionDenied(ZyklusError):
    """The actor is not allowed to fire this trigger."""


class ConfigError(ZyklusError):
    """config.toml or the environment is wrong."""


class DefinitionError(ZyklusError):
    """A workflow definition failed to load or validate; ``problems`` lists every finding."""

    def __init__(self, message: "str | Message", problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class TransitionRefused(ZyklusError):
    """A blocking guard is unmet; ``unmet`` holds the guard results for display."""

    exit_code = 3

    def __init__(self, message: "str | Message", unmet: list[Any]) -> None:
        super().__init__(message)
        self.unmet = unmet


class DatabaseBusy(ZyklusError):
    """Another process held the database's write lock longer than the busy timeout."""
