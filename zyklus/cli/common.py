"""What the commands share: the common options, the console, and printing DTOs as JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

console = Console(highlight=False)
"""Standard output; tables go here. Text a person typed is printed with ``markup=False``."""

JsonOpt = Annotated[bool, typer.Option("--json", help="Maschinenlesbar als JSON ausgeben.")]
AsOpt = Annotated[str, typer.Option("--as", help="E-Mail der handelnden Person (muss registriert sein).")]
OnOpt = Annotated[Optional[str], typer.Option("--on", help="Datum JJJJ-MM-TT (Standard: heute).")]


def print_json(data: Any) -> None:
    """A DTO, a list of DTOs or plain data as indented JSON (dates ISO 8601), as the API returns it."""
    typer.echo(json.dumps(_plain(data), ensure_ascii=False, indent=2))


def _plain(data: Any) -> Any:
    if hasattr(data, "as_json"):
        return data.as_json()
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return [_plain(item) for item in data]
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    return data


def day(value: str | None, lang: str) -> dt.date | None:
    """A date as typed (`--on 2027-03-15`), checked with the one message every command uses."""
    from engine import validate

    return validate.date(value, lang) if value is not None else None  # type: ignore[arg-type]


def commands():  # noqa: ANN201 - the module zyklus.app.commands
    """The door's command types, imported when a command runs: `zyklus --help` loads no pydantic."""
    from zyklus.app import commands as loaded

    return loaded
