"""The command groups: plain click help, and a root group that imports a command's module only
when that command runs or its help is shown (issue 16, goal 2).

Typer's rich help imports rich, markdown-it and pygments (a third of `zyklus --help`), and
building every command's parameters from its signature costs as much again; `zyklus status AGS`
needs neither the other 30 commands nor their modules. So the help is click's plain layout, and
the root lists its commands from a table of one-line texts (``zyklus.cli.main.COMMANDS``, tested
against the real commands) without building them.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from typing import Any, ClassVar

import typer
import typer.main
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

from zyklus.cli import help as help_texts
from zyklus.cli.help import Translated, say


class _OwnContext:
    """Click's parser raises some usage errors without the context (``Option '--title' requires an
    argument``); this names the command they belong to, so the line can say where its help is."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except UsageError as exc:
            if exc.ctx is None:
                exc.ctx, exc.cmd = ctx, ctx.command
            raise


class PlainCommand(_OwnContext, Translated, TyperCommand):
    """Every command of zyklus (set in :func:`_registered`): its help in the call's language."""


def summary(command: Any) -> str:
    """The line a group's help lists for ``command`` (in German): its short help, else the first
    paragraph of its help, whole. Click's own would stop at the first full stop (after „z. B.“)
    or at the terminal's width."""
    if command.short_help:
        return inspect.cleandoc(command.short_help)
    return " ".join((command.help or "").split("\n\n", 1)[0].split())


class PlainGroup(_OwnContext, Translated, TyperGroup):
    """A group whose help lists each command with its whole :func:`summary`, wrapped, and that
    names an unknown command in the reader's language (zyklus.cli.usage)."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from typer.core import _split_opt

        if args and not ctx.resilient_parsing and not _split_opt(args[0])[0] and self.get_command(ctx, args[0]) is None:
            from zyklus.cli.usage import unknown_command

            raise unknown_command(args[0], list(self.list_commands(ctx)), ctx.command_path)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, say(line)) for name, line in self.summaries(ctx)]
        if rows:
            with formatter.section(say(help_texts.SECTIONS["commands"])):
                formatter.write_dl(rows)

    def summaries(self, ctx: Any) -> Iterable[tuple[str, str]]:
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                yield name, summary(command)


def group(help: str, cls: type[TyperGroup] = PlainGroup, **settings: Any) -> typer.Typer:
    """A group of sub-commands as every module declares one: plain help, and its help when called
    bare unless it runs on its own (``invoke_without_command=True``: `zyklus outbox` lists it)."""
    settings.setdefault("no_args_is_help", not settings.get("invoke_without_command", False))
    return typer.Typer(cls=cls, help=help, rich_markup_mode=None, **settings)


@cache
def _registered(module: str) -> typer.Typer:
    """What ``zyklus.cli.<module>`` registers (its ``register(app)``), once per process."""
    registered = _root()
    importlib.import_module(f"zyklus.cli.{module}").register(registered)
    _plain_commands(registered)
    return registered


def _plain_commands(app: typer.Typer) -> None:
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):  # typer fills in its own class
            info.cls = PlainCommand
    for sub in app.registered_groups:
        if sub.typer_instance is not None:
            _plain_commands(sub.typer_instance)


def _root() -> typer.Typer:
    return typer.Typer(rich_markup_mode=None, add_completion=False, pretty_exceptions_enable=False)


def commands_of(module: str) -> dict[str, Any]:
    """Every click command that ``zyklus.cli.<module>`` registers, by name."""
    return dict(typer.main.get_group(_registered(module)).commands)


@cache
def command_of(module: str, name: str) -> Any:
    """The click command ``name`` of ``zyklus.cli.<module>``, built alone and once per process:
    building a command's parameters from its signature costs, and `zyklus status` needs one of
    the module's fourteen (the tests run the command line in-process hundreds of times)."""
    registered, alone = _registered(module), _root()
    alone.registered_commands = [info for info in registered.registered_commands
                                 if (info.name or typer.main.get_command_name(info.callback.__name__)) == name]
    alone.registered_groups = [info for info in registered.registered_groups if info.name == name]
    return typer.main.get_group(alone).commands[name]


class LazyCommands(Mapping[str, Any]):
    """A group's commands by name, each built from its module when first looked up."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self._table = table

    def __getitem__(self, name: str) -> Any:
        module, _ = self._table[name]
        return command_of(module, name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


class LazyGroup(PlainGroup):
    """The root group: ``table`` maps each command's name to the module that registers it and the
    line its help lists. Looking a command up (to run it, show its help or complete it) imports
    that module alone; the root's own help imports none."""

    table: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands(self.table)  # type: ignore[assignment]  (read-only: nothing adds commands)

    def summaries(self, ctx: Any) -> Iterable[tuple[str, str]]:
        return ((name, line) for name, (_, line) in self.table.items())

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        from zyklus.cli.usage import translated

        with translated():  # the root's own options
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        from zyklus.cli.usage import translated

        with translated():  # every command below: its parsing happens in here
            return super().invoke(ctx)
