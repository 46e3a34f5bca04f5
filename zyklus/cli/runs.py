"""Programme runs: `zyklus run add|show|list|join|leave|event add|event list|attend|status|award`
and `zyklus run advisor add|remove`. Parse what was typed, call the door's runs area, print its DTOs."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from engine.i18n import format_date, t
from zyklus.cli.common import JsonOpt, commands, console, day, print_json
from zyklus.cli.groups import group

run_app = group(help="Programmdurchgänge (z. B. GNK Thüringen 2027–2029).")
event_app = group(help="Termine des Durchgangs (Netzwerktagungen).")
advisor_app = group(help="Beratung des Durchgangs.")

RunArg = Annotated[str, typer.Argument(help="Kennung des Durchgangs, z. B. gnk-th-2027.")]
AgsArg = Annotated[str, typer.Argument(help="AGS der Kommune.")]
DateOpt = Annotated[str, typer.Option("--on", help="Datum JJJJ-MM-TT.")]


@run_app.command("add")
def run_add(
    ctx: typer.Context,
    run: RunArg,
    name: Annotated[str, typer.Option("--name", help="Name, z. B. „GNK Thüringen, 3. Durchgang 2027–2029“.")],
    workflow: Annotated[str, typer.Option("--workflow", help="Workflow-Variante.")] = "gnk-thueringen",
    organiser: Annotated[str, typer.Option("--organiser", help="Träger, z. B. Zukunftsfähiges Thüringen e.V.")] = "",
    award_requires: Annotated[Optional[list[str]], typer.Option(
        "--award-requires", help="Fakt, der für die Auszeichnung vorliegen muss (Standard: council_resolution).")] = None,
    state: Annotated[str, typer.Option("--state", help="Land, z. B. TH.")] = "",
    starts_on: Annotated[str | None, typer.Option("--from", help="Beginn JJJJ-MM-TT.")] = None,
    ends_on: Annotated[str | None, typer.Option("--until", help="Ende JJJJ-MM-TT (Tag der Auszeichnung).")] = None,
    plan_conferences: Annotated[bool, typer.Option(
        "--plan-conferences", help="Die Netzwerktagungen der Variante ab --from anlegen.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Einen Durchgang anlegen."""
    app = ctx.obj
    lang = app.lang
    row = app.door.runs.add(commands().AddRun(
        run=run, name=name, workflow=workflow, organiser=organiser, award_requires=award_requires or [],
        state=state, starts_on=day(starts_on, lang), ends_on=day(ends_on, lang),
        plan_conferences=plan_conferences), lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("run.added", app.lang, run=row.run, name=row.name))


@run_app.command("list")
def run_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Alle Durchgänge."""
    app = ctx.obj
    rows = app.door.runs.list(app.lang)
    if as_json:
        print_json(rows)
        return
    table = Table(*(t(k, app.lang) for k in ("col.run", "col.name", "col.workflow", "col.participants")))
    for row in rows:
        table.add_row(row.run, row.name, row.workflow, str(sum(1 for p in row.participants if p.left_on is None)))
    console.print(table, markup=False)


@run_app.command("show")
def run_show(ctx: typer.Context, run: RunArg, as_json: JsonOpt = False) -> None:
    """Ein Durchgang mit Kommunen, Terminen und Beratung."""
    app = ctx.obj
    row = app.door.runs.show(run, app.lang)
    if as_json:
        print_json(row)
        return
    lang = app.lang
    console.print(f"{row.name} ({row.run}) · {row.workflow} · {row.organiser}", markup=False)
    console.print(t("run.criteria", lang, facts=", ".join(row.award_requires) or "–"), markup=False)
    table = Table(*(t(k, lang) for k in ("col.ags", "col.name", "col.joined", "col.left")))
    for p in row.participants:
        table.add_row(p.ags, p.name, format_date(p.joined_on, lang), format_date(p.left_on, lang) if p.left_on else "")
    console.print(table, markup=False)
    _print_events(row.events, lang)
    if row.advisors:
        console.print(t("run.advisors", lang, emails=", ".join(row.advisors)), markup=False)


def _print_events(events, lang: str) -> None:  # noqa: ANN001 - RunEventDTOs
    table = Table(*(t(k, lang) for k in ("col.event", "col.on", "col.place", "col.topic", "col.attended")))
    for e in events:
        table.add_row(e.event, format_date(e.on, lang), e.place, e.topic, str(e.attended))
    console.print(table, markup=False)


@run_app.command("join")
def run_join(ctx: typer.Context, run: RunArg, ags: AgsArg, on: DateOpt, as_json: JsonOpt = False) -> None:
    """Eine Kommune nimmt ab einem Datum teil."""
    app = ctx.obj
    row = app.door.runs.join(commands().JoinRun(run=run, ags=ags, on=day(on, app.lang)), app.lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("run.joined", app.lang, name=row.name, ags=row.ags, run=run, on=format_date(row.joined_on, app.lang)))


@run_app.command("leave")
def run_leave(ctx: typer.Context, run: RunArg, ags: AgsArg, on: DateOpt, as_json: JsonOpt = False) -> None:
    """Eine Kommune scheidet zu einem Datum aus."""
    app = ctx.obj
    row = app.door.runs.leave(commands().LeaveRun(run=run, ags=ags, on=day(on, app.lang)), app.lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("run.left", app.lang, name=row.name, ags=row.ags, run=run, on=format_date(row.left_on, app.lang)))


@event_app.command("add")
def event_add(
    ctx: typer.Context,
    run: RunArg,
    event: Annotated[str, typer.Argument(help="Kennung des Termins, z. B. tagung-1.")],
    on: DateOpt,
    place: Annotated[str, typer.Option("--place", help="Ort.")] = "",
    topic: Annotated[str, typer.Option("--topic", help="Thema.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Einen Termin anlegen oder ändern (gleiche Kennung)."""
    app = ctx.obj
    row = app.door.runs.add_event(commands().AddRunEvent(run=run, event=event, on=day(on, app.lang), place=place,
                                                         topic=topic), app.lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("run.event_added", app.lang, event=row.event, on=format_date(row.on, app.lang), run=run))


@event_app.command("remove")
def event_remove(ctx: typer.Context, run: RunArg, event: Annotated[str, typer.Argument()],
                 as_json: JsonOpt = False) -> None:
    """Einen Termin entfernen; seine Erinnerungen entfallen."""
    app = ctx.obj
    row = app.door.runs.remove_event(run, event, app.lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("run.event_removed", app.lang, event=row.event, run=run))


@event_app.command("list")
def event_list(ctx: typer.Context, run: RunArg, as_json: JsonOpt = False) -> None:
    """Die Termine des Durchgangs."""
    app = ctx.obj
    rows = app.door.runs.events(run, app.lang)
    if as_json:
        print_json(rows)
        return
    _print_events(rows, app.lang)


@run_app.command("attend")
def run_attend(
    ctx: typer.Context,
    run: RunArg,
    event: Annotated[str, typer.Argument(help="Kennung des Termins.")],
    ags: AgsArg,
    count: Annotated[int, typer.Option("--count", help="Wie viele Personen der Kommune teilnahmen.")],
    name: Annotated[Optional[list[str]], typer.Option(
        "--name", help="Name einer Person, die der Nennung zugestimmt hat (mehrfach).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Teilnahme einer Kommune an einem Termin erfassen."""
    app = ctx.obj
    row = app.door.runs.attend(commands().RecordEventAttendance(run=run, event=event, ags=ags, count=count,
                                                           names=name or []), app.lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("run.attended", app.lang, ags=row.ags, event=row.event, count=row.count))


@run_app.command("status")
def run_status(ctx: typer.Context, run: RunArg, as_json: JsonOpt = False) -> None:
    """Stand aller teilnehmenden Kommunen in einer Tabelle."""
    app = ctx.obj
    data = app.door.runs.status(run, app.lang)
    if as_json:
        print_json(data)
        return
    lang = app.lang
    table = Table(*(t(k, lang) for k in ("col.ags", "col.name", "col.phase", "col.due", "col.overdue_days",
                                         "col.open")))
    for row in data.participants:
        table.add_row(row.ags, row.name, row.phase_label or t("status.no_cycle", lang),
                      format_date(row.due_on, lang) if row.due_on else "",
                      str(row.overdue_days) if row.overdue_days else "", "; ".join(row.open_conditions))
    console.print(table, markup=False)


@run_app.command("award")
def run_award(
    ctx: typer.Context,
    run: RunArg,
    on: DateOpt,
    by: Annotated[Optional[str], typer.Option("--by", help="Auszeichnende Organisation (Standard: der Träger).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Die Auszeichnung an die Kommunen vergeben, die die Kriterien erfüllen."""
    app = ctx.obj
    data = app.door.runs.award(commands().AwardRun(run=run, on=day(on, app.lang), by=by), app.lang)
    if as_json:
        print_json(data)
        return
    lang = app.lang
    for check in data.checks:
        if check.already:
            line = t("run.award_already", lang, name=check.name, ags=check.ags)
        elif check.awarded:
            line = t("run.award_given", lang, name=check.name, ags=check.ags, label=data.label,
                     on=format_date(data.on, lang))
        else:
            line = t("run.award_missing", lang, name=check.name, ags=check.ags, facts=", ".join(check.missing))
        console.print(line, markup=False)


@advisor_app.command("add")
def advisor_add(ctx: typer.Context, run: RunArg,
                email: Annotated[str, typer.Argument(help="E-Mail eines Kontos (zyklus account add).")],
                as_json: JsonOpt = False) -> None:
    """Ein Konto als Beratung des Durchgangs eintragen."""
    app = ctx.obj
    row = app.door.runs.add_advisor(commands().AddRunAdvisor(run=run, email=email), app.lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("run.advisor_added", app.lang, email=row.email, run=row.run))


@advisor_app.command("remove")
def advisor_remove(ctx: typer.Context, run: RunArg, email: Annotated[str, typer.Argument(help="E-Mail des Kontos.")],
                   as_json: JsonOpt = False) -> None:
    """Ein Konto nicht mehr als Beratung des Durchgangs führen (das Konto bleibt)."""
    app = ctx.obj
    row = app.door.runs.remove_advisor(commands().RemoveRunAdvisor(run=run, email=email), app.lang)
    if as_json:
        print_json(row)
        return
    typer.echo(t("run.advisor_removed", app.lang, email=row.email, run=row.run))


def register(app: typer.Typer) -> None:
    run_app.add_typer(event_app, name="event")
    run_app.add_typer(advisor_app, name="advisor")
    app.add_typer(run_app, name="run")
