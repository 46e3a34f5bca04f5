"""`zyklus person export|forget EMAIL`: GDPR access and erasure across engine and outbox."""

from __future__ import annotations

from typing import Annotated

import typer

from engine.i18n import t
from zyklus.cli.common import print_json


def export(ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-Mail-Adresse der Person.")]) -> None:
    """Alles, was über eine Person gespeichert ist, als JSON (Art. 15 DSGVO)."""
    print_json(ctx.obj.door.privacy.export(email, ctx.obj.lang))


def forget(ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-Mail-Adresse der Person.")]) -> None:
    """Eine Person überall löschen; der Verlauf behält ein Pseudonym (Art. 17 DSGVO)."""
    app = ctx.obj
    forgotten = app.door.privacy.forget(email, app.lang)
    typer.echo(t("person.forgotten", app.lang, email=forgotten.email, pseudonym=forgotten.pseudonym))
    if not forgotten.compacted:
        typer.echo(t("person.log_busy", app.lang), err=True)


def register(person_app: typer.Typer) -> None:
    person_app.command("export")(export)
    person_app.command("forget")(forget)
