"""A progress bar for long commands, shown only to a person watching a terminal.

With ``--json`` or when standard output is a pipe or a file, nothing but the result is printed:
a script reads exactly the DTO, a log no bar frames.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from zyklus.cli.common import console

Report = Callable[[str, int, "int | None"], None]
"""What the door's long use cases are told: ``(phase, done, total)``."""


@contextmanager
def progress_bar(labels: dict[str, str], *, quiet: bool) -> Iterator[Report | None]:
    """A callback drawing one bar per phase (``labels`` names them), or None when ``quiet`` or
    not on a terminal. The bars vanish when the command ends; its result line stays."""
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def report(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(labels.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total, refresh=True)  # drawn at once: a phase may last less than one tick

        yield report
