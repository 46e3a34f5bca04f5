"""`zyklus backup PATH`: a consistent copy of the SQLite database while zyklus keeps running."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engine.i18n import t
from zyklus.cli.common import JsonOpt, print_json


def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(metavar="PATH", help="Zieldatei der Sicherung (darf noch nicht existieren).")],
    as_json: JsonOpt = False,
) -> None:
    """Die SQLite-Datenbank im laufenden Betrieb sichern."""
    app = ctx.obj
    written = app.door.backup(path, app.lang)
    if as_json:
        print_json(written)
        return
    typer.echo(t("backup.written", app.lang, path=written["path"], size=written["bytes"],
                 rows=sum(written["tables"].values()), tables=len(written["tables"])))


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
