"""`zyklus person export|forget EMAIL`: GDPR access and erasure across engine and outbox."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from engine.i18n import t


def export(ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-Mail-Adresse der Person.")]) -> None:
    """Alles, was über eine Person gespeichert ist, als JSON (Art. 15 DSGVO) / what is stored about a person."""
    from sqlmodel import Session

    from engine.privacy import export_person
    from notifications.privacy import outbox_of

    service = ctx.obj.service
    data = export_person(service, email)
    with Session(service.engine) as session:
        data["mails"] = outbox_of(session, data["email"])
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def forget(ctx: typer.Context, email: Annotated[str, typer.Argument(help="E-Mail-Adresse der Person.")]) -> None:
    """Eine Person überall löschen; der Verlauf behält ein Pseudonym (Art. 17 DSGVO) / erase a person."""
    from engine.privacy import forget_person

    app = ctx.obj
    forgotten = forget_person(app.service, email)
    typer.echo(t("person.forgotten", app.lang, email=forgotten.email, pseudonym=forgotten.pseudonym))
    if not forgotten.compacted:
        typer.echo(t("person.log_busy", app.lang), err=True)


def register(person_app: typer.Typer) -> None:
    person_app.command("export")(export)
    person_app.command("forget")(forget)
