"""`zyklus oparl`: a municipality's council information system (OParl 1.1) and the resolutions
found there — add a source, sync, status, the candidates, accept or dismiss one — through the door."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from engine.i18n import format_date, t
from zyklus.cli.common import AsOpt, JsonOpt, commands, console, print_json
from zyklus.cli.groups import group

oparl_app = group(help="Ratsinformationssystem (OParl): Quellen, Abgleich, Beschlussvorschläge.")


@oparl_app.command("add")
def add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    url: Annotated[str, typer.Argument(help="URL des OParl-Systems oder der Körperschaft (Body).")],
    body: Annotated[Optional[str], typer.Option("--body", help="Körperschaft, wenn das System mehrere hat (id oder Kurzname).")] = None,
    reference: Annotated[Optional[str], typer.Option("--reference", help="Erwartete Drucksachennummer.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ratsinformationssystem einer Kommune eintragen."""
    app = ctx.obj
    source = app.door.oparl.add(commands().AddOParlSource(ags=ags, url=url, body_id=body, reference=reference), app.lang)
    if as_json:
        print_json(source)
        return
    typer.echo(t("oparl.added", app.lang, ags=source.ags, body=source.body_name or source.body_id))


@oparl_app.command("sync")
def sync(
    ctx: typer.Context,
    ags: Annotated[Optional[str], typer.Argument(help="Nur diese Kommune (Standard: alle).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Geänderte Objekte abrufen und Beschlussvorschläge suchen."""
    app = ctx.obj
    reports = app.door.oparl.sync(ags, app.lang)
    if as_json:
        print_json(reports)
    else:
        for report in reports:
            if report.ok:
                typer.echo(t("oparl.synced", app.lang, ags=report.ags, created=report.created, updated=report.updated,
                             deleted=report.deleted, unchanged=report.unchanged, candidates=report.new_candidates))
    for report in reports:
        if not report.ok:
            typer.echo(f"{report.ags}: {report.error}", err=True)
    if any(not report.ok for report in reports):
        raise typer.Exit(1)


@oparl_app.command("status")
def status(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Eingetragene Quellen und ihr letzter Abgleich."""
    app = ctx.obj
    sources = app.door.oparl.status(app.lang)
    if as_json:
        print_json(sources)
        return
    if not sources:
        typer.echo(t("oparl.none", app.lang))
        return
    table = Table("AGS", t("oparl.col.body", app.lang), t("oparl.col.last_sync", app.lang),
                  t("oparl.col.objects", app.lang), t("oparl.col.open", app.lang), t("oparl.col.error", app.lang))
    for row in sources:
        table.add_row(row.ags, row.body_name or row.body_id,
                      row.last_sync_at.isoformat(timespec="minutes") if row.last_sync_at else "–",
                      str(row.objects), str(row.open_candidates), row.last_error or "")
    console.print(table, markup=False)


@oparl_app.command("candidates")
def candidates(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    all_: Annotated[bool, typer.Option("--all", help="Auch angenommene und verworfene zeigen.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Beschlussvorschläge aus dem Ratsinformationssystem."""
    app = ctx.obj
    rows = app.door.oparl.candidates(ags, app.lang, all_=all_)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(t("oparl.no_candidates", app.lang, ags=ags.strip()))
        return
    for row in rows:
        typer.echo(t("oparl.candidate_line", app.lang, id=row.id, reference=row.reference or "–", title=row.title,
                     outcome=t(f"oparl.outcome.{row.outcome}", app.lang), result=row.result or "–",
                     date=format_date(row.meeting_date, app.lang) if row.meeting_date else "–",
                     body=row.body_name or "–", status=t(f"oparl.status.{row.status}", app.lang)))


@oparl_app.command("accept")
def accept(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    candidate: Annotated[int, typer.Argument(help="Nummer des Vorschlags (zyklus oparl candidates).")],
    actor: AsOpt,
    body: Annotated[Optional[str], typer.Option("--body", help="Gremium, wenn der Name im System keinem Wert entspricht.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Einen Vorschlag als Beschluss erfassen."""
    app = ctx.obj
    accepted = app.door.oparl.accept(commands().DecideCandidate(ags=ags, candidate_id=candidate, actor=actor, body=body),
                                     app.lang)
    if as_json:
        print_json(accepted)
        return
    typer.echo(t("fact.recorded", app.lang, fact=accepted.fact.label, ags=accepted.fact.ags,
                 on=format_date(accepted.fact.on, app.lang)))


@oparl_app.command("dismiss")
def dismiss(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    candidate: Annotated[int, typer.Argument()],
    actor: AsOpt,
    as_json: JsonOpt = False,
) -> None:
    """Einen Vorschlag verwerfen."""
    app = ctx.obj
    row = app.door.oparl.dismiss(commands().DecideCandidate(ags=ags, candidate_id=candidate, actor=actor), app.lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("oparl.dismissed", app.lang, id=row.id, ags=row.ags))


def register(app: typer.Typer) -> None:
    app.add_typer(oparl_app, name="oparl")
