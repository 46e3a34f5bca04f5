"""`zyklus … --help` in the reader's language.

The help texts are written in German in the code (the commands' docstrings, the options'
``help=``), German being zyklus's default language; other languages translate them in the CLI
catalogue ``zyklus/cli/locale/<lang>/LC_MESSAGES/cli.po``, whose msgids are those German texts.
That is the one exception to zyklus's keys-not-sentences rule (docs/translating.md): a help text
is no code a script matches on, and a German text that changes drops its old translation, which
the test of the catalogue then reports as missing instead of showing an outdated one.

Click's own words around the texts — "Usage:", "Options", "[required]", "Show this message and
exit." — are English in click and given their German here (:data:`CLICK_WORDS`), then translated
like every other text. The language is the call's: ``--lang``, else the configuration's, else
``ZYKLUS_LANG`` (zyklus.cli.main).
"""

from __future__ import annotations

import gettext
import inspect
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

LOCALE = Path(__file__).parent / "locale"
DOMAIN = "cli"

USAGE = "Aufruf: "
CLICK_USAGE = {"[OPTIONS]": "[OPTIONEN]", "COMMAND [ARGS]...": "BEFEHL [ARGUMENTE]..."}
"""Click's English placeholders in a usage line and their German."""
HELP_OPTION = "Diese Hilfe zeigen und beenden."
SECTIONS = {"arguments": "Argumente", "options": "Optionen", "commands": "Befehle"}
CLICK_WORDS = {"required": "erforderlich", "default: ": "Standard: ", "env var: ": "Umgebungsvariable: "}
"""Click's English words in a parameter's bracket (``[env var: ZYKLUS_NOW; required]``) and their German."""


def language() -> str:
    """The language of this call (zyklus.cli.main sets it before any help is written)."""
    from zyklus.cli.main import current_language

    return current_language()


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    if lang == "de":
        return gettext.NullTranslations()  # the texts are German already
    return gettext.translation(DOMAIN, localedir=LOCALE, languages=[lang], fallback=True)


def say(text: str, lang: str | None = None) -> str:
    """A German help text in ``lang`` (the call's language): its translation, else the text."""
    return _catalogue(lang or language()).gettext(text) if text else text


def text_of(command: Any) -> str:
    """A command's help as click shows it: up to a form feed, indentation removed."""
    return inspect.cleandoc(command.help).partition("\f")[0] if command.help else ""


def parameter_record(param: Any, ctx: Any) -> tuple[str, str] | None:
    """A parameter's line of the help, its text and click's bracket in the call's language."""
    record = param.get_help_record(ctx)
    if record is None:
        return None
    term, line = record
    own = param.help or ""
    extra = line[len(own):].strip() if line.startswith(own) else line  # typer writes "help  [extra]"
    for english, german in CLICK_WORDS.items():
        extra = extra.replace(english, say(german))
    shown = say(own) if own else ""
    return term, f"{shown}  {extra}" if shown and extra else shown or extra


class Translated:
    """The help of a command or group in the call's language (mixed into zyklus's classes)."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = [say(CLICK_USAGE.get(piece, piece)) for piece in self.collect_usage_pieces(ctx)]  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=say(USAGE))

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        text = say(text_of(self))
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """Arguments and options (a group's commands follow: PlainGroup.format_commands)."""
        rows: dict[str, list[tuple[str, str]]] = {"argument": [], "option": []}
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = parameter_record(param, ctx)
            if record is not None and param.param_type_name in rows:
                rows[param.param_type_name].append(record)
        for kind, section in (("argument", "arguments"), ("option", "options")):
            if rows[kind]:
                with formatter.section(say(SECTIONS[section])):
                    formatter.write_dl(rows[kind])
        if hasattr(self, "format_commands"):
            self.format_commands(ctx, formatter)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION
        return option


def texts(root: Any, table: dict[str, tuple[str, str]], command_of: Any) -> Iterator[tuple[str, str]]:
    """Every German text the help can show, with where it stands (``zyklus goal add --title``):
    what the CLI catalogue has to translate."""
    yield from ((piece, "click") for piece in (USAGE, *CLICK_USAGE.values(), HELP_OPTION, *SECTIONS.values(),
                                               *CLICK_WORDS.values()))
    yield from _texts_of(root, "zyklus", below=False)
    for name, (module, line) in table.items():
        yield line, f"zyklus {name} (zyklus --help)"
        yield from _texts_of(command_of(module, name), f"zyklus {name}")


def _texts_of(command: Any, path: str, below: bool = True) -> Iterator[tuple[str, str]]:
    if text_of(command):
        yield text_of(command), path
    for param in command.params:
        if getattr(param, "help", None):
            yield param.help, f"{path} {param.opts[0] if param.param_type_name == 'option' else param.name}"
    if below:
        for name, sub in getattr(command, "commands", {}).items():
            yield from _texts_of(sub, f"{path} {name}")
