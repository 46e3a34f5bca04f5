"""Command-line mistakes (a missing argument, an unknown option, a word that is no number) in the
reader's language, as one line: click words them in English, over four lines (usage, hint, a
blank line, the error), which a German administrator's script log then shows as four entries.

The root group turns click's usage errors into :class:`UsageProblem` (``translated``), which the
entry point prints like every other error (exit 2, as click's own). The exceptions carry what
the line needs (the option's name, the parameter); extra arguments, a value given to a flag and
a word that is no whole number are told apart only by click's English message, which is matched
against its wording here and tested, so a new click wording falls back to its own sentence
rather than to nothing. An unknown command is caught before click words it
(:func:`unknown_command`, called by the groups).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

from typer._click import exceptions as click_errors

from engine.errors import InvalidInput

if TYPE_CHECKING:
    from engine.i18n import Message

_EXTRA = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)\Z", re.S)
_NOT_INTEGER = re.compile(r".*(?:is not a valid integer|should be a valid integer)", re.S)


class UsageProblem(InvalidInput):
    """A call zyklus could not parse; exit code 2, and the line ends with where the help is."""

    exit_code = 2

    def __init__(self, message: Message, command: str | None) -> None:
        super().__init__(message)
        self.command = command

    def lines(self, lang: str) -> list[str]:
        from engine.i18n import t

        hint = f" {t('cli.usage.help', lang, command=self.command)}" if self.command else ""  # type: ignore[arg-type]
        return [self.render(lang) + hint]


@contextmanager
def translated() -> Iterator[None]:
    """Raise click's usage errors inside as :class:`UsageProblem`; a bare group's help
    (NoArgsIsHelpError) is left to click, which prints the help."""
    try:
        yield
    except click_errors.NoArgsIsHelpError:
        raise
    except click_errors.UsageError as exc:
        raise UsageProblem(message(exc), exc.ctx.command_path if exc.ctx else None) from exc


def message(exc: Any) -> Message:
    """What went wrong, as a key of the catalogue and its values."""
    from engine.i18n import m

    if isinstance(exc, click_errors.MissingParameter):
        kind = "argument" if (exc.param_type or getattr(exc.param, "param_type_name", "")) == "argument" else "option"
        return m(f"cli.usage.missing_{kind}", name=_name(exc.param, exc.param_hint))
    if isinstance(exc, click_errors.NoSuchOption):
        close = list(exc.possibilities or [])[:1]  # click's nearest first
        return (m("cli.usage.no_such_option_close", name=shown(exc.option_name), close=shown(close[0])) if close
                else m("cli.usage.no_such_option", name=shown(exc.option_name)))
    if isinstance(exc, click_errors.BadOptionUsage):
        key = "cli.usage.option_no_value" if "does not take a value" in exc.message else "cli.usage.option_value"
        return m(key, name=shown(exc.option_name))
    if isinstance(exc, click_errors.BadParameter) and (exc.param is not None or exc.param_hint):
        name = _name(exc.param, exc.param_hint)
        if _NOT_INTEGER.match(exc.message):
            return m("cli.usage.not_an_integer", name=name)
        return m("cli.usage.bad_value", name=name, problem=_sentence(exc.message))
    if found := _EXTRA.match(exc.message):
        return m("cli.usage.extra_arguments", arguments=shown(found["args"]))
    return m("cli.usage.other", problem=_sentence(exc.message))


def unknown_command(name: str, known: list[str], command_path: str) -> UsageProblem:
    """A word that names no command of the group, with the commands it resembles."""
    from engine.i18n import m

    close = ", ".join(get_close_matches(name, known, n=1))
    return UsageProblem(m("cli.usage.no_such_command_close", name=shown(name), close=close) if close
                        else m("cli.usage.no_such_command", name=shown(name)), command_path)


def _name(param: Any, hint: Any) -> str:
    """An option as typed (``--title``), an argument by its name (``key``)."""
    if param is not None:
        if getattr(param, "param_type_name", "") == "option" and param.opts:
            return max(param.opts, key=len)
        return str(param.name)
    if isinstance(hint, (list, tuple)):
        return " / ".join(str(h) for h in hint)
    return str(hint or "?")


def _sentence(text: str) -> str:
    text = shown(text.strip())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def shown(text: str) -> str:
    """Typed text as it can be printed in one line (engine.validate.visible)."""
    from engine.validate import visible

    return visible(text)
