"""Errors a user can cause, each with the CLI exit code it maps to and a stable code.

An error is raised with a :class:`engine.i18n.Message` (``raise NotFound(m("municipality.unknown",
lang, ags=ags))``): ``code`` is the message key, the same in every language, for scripts and the
REST API; ``render(lang)`` says it in the caller's language; ``message`` in the language it was
raised in. Entry points print one line; a traceback is reserved for bugs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from engine.i18n import Message


class Line(Protocol):
    """A problem that says itself as one line in the reader's language (a definition's
    :class:`~engine.definitions.loader.Problem`)."""

    def line(self, lang: str = "de") -> str: ...


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

    def lines(self, lang: str) -> list[str]:
        """What an entry point prints: the error, then the further problems of an error that
        lists several (``problems``, whose first entry is the error itself)."""
        return [self.render(lang), *[str(p) for p in getattr(self, "problems", [])[1:]]]


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


class NotInstalled(ConfigError):
    """An optional part of zyklus is not installed here (the PDF's WeasyPrint and its Pango): the
    rest works, and the message says what to install."""


class DefinitionError(ZyklusError):
    """A workflow definition failed to load or validate; ``problems`` lists every error. The code
    and parameters are the first error's; its line names the file and key path too, so that line
    (not only the message) is what ``render`` says, and ``lines`` says every one, in ``lang``."""

    def __init__(self, message: "str | Message", problems: Sequence[Line] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)
        if self.problems:
            self.message = self.problems[0].line(self.detail.lang if self.detail else "de")
            self.args = (self.message,)

    def render(self, lang: str) -> str:
        return self.problems[0].line(lang) if self.problems else super().render(lang)

    def lines(self, lang: str) -> list[str]:
        return [p.line(lang) for p in self.problems] or [self.render(lang)]


class TransitionRefused(ZyklusError):
    """A blocking guard is unmet; ``unmet`` holds the guard results for display."""

    exit_code = 3

    def __init__(self, message: "str | Message", unmet: list[Any]) -> None:
        super().__init__(message)
        self.unmet = unmet


class DatabaseBusy(ZyklusError):
    """Another process held the database's write lock longer than the busy timeout."""
