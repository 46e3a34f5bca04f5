"""The engine's commands: a thin shell that parses arguments, calls the service, prints.

Commands read their service from ``ctx.obj`` (built by the entry point in ``zyklus.main``),
so this module knows nothing of configuration files or of the notifications add-on.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from engine.i18n import format_date, t

municipality_app = typer.Typer(help="Kommunen registrieren und auflisten / register and list municipalities.",
                               no_args_is_help=True)
person_app = typer.Typer(help="Personen der Arbeitsstrukturen / people of the working structures.",
                         no_args_is_help=True)
cycle_app = typer.Typer(help="Einen Zyklus starten (Liste: zyklus cycles AGS) / start a cycle.", no_args_is_help=True)
deadline_app = typer.Typer(help="Fristen ändern / change deadlines.", no_args_is_help=True)

console = Console(highlight=False)

JsonOpt = Annotated[bool, typer.Option("--json", help="Maschinenlesbar als JSON ausgeben.")]
AsOpt = Annotated[str, typer.Option("--as", help="E-Mail der handelnden Person (muss registriert sein).")]
OnOpt = Annotated[Optional[str], typer.Option("--on", help="Datum JJJJ-MM-TT (Standard: heute).")]


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# -- init ----------------------------------------------------------------------------------------
def init(ctx: typer.Context) -> None:
    """Datenbank einrichten oder auf den neuesten Stand bringen / create or upgrade the database."""
    app = ctx.obj
    app.init_database()
    typer.echo(t("init.done", app.lang, url=app.shown_db_url))  # the password masked


# -- municipalities ------------------------------------------------------------------------------
@municipality_app.command("add")
def municipality_add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument(help="Amtlicher Gemeindeschlüssel, 8 Ziffern.")],
    name: Annotated[str, typer.Argument(help="Name der Kommune.")],
    state: Annotated[str, typer.Option("--state", help="Bundesland, z. B. TH.")] = "TH",
    kind: Annotated[str, typer.Option("--kind", help="gemeinde, stadt oder landkreis.")] = "stadt",
    catholic: Annotated[bool, typer.Option("--catholic-holidays",
                                           help="Fronleichnam u. Ä. gelten (z. B. Eichsfeld).")] = False,
) -> None:
    """Eine Kommune registrieren / register a municipality."""
    app = ctx.obj
    row = app.service.add_municipality(ags, name, state=state, kind=kind, catholic_holidays=catholic)
    typer.echo(t("municipality.added", app.lang, name=row.name, ags=row.ags))


@municipality_app.command("list")
def municipality_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Registrierte Kommunen / registered municipalities."""
    app = ctx.obj
    rows = app.service.municipalities()
    if as_json:
        _print_json([{"ags": m.ags, "name": m.name, "state": m.state, "kind": m.kind,
                      "catholic_holidays": m.catholic_holidays} for m in rows])
        return
    table = Table(*(t(k, app.lang) for k in ("col.ags", "col.name", "col.state", "col.kind")))
    for m in rows:
        table.add_row(m.ags, m.name, m.state, m.kind)
    console.print(table)


# -- people --------------------------------------------------------------------------------------
@person_app.command("add")
def person_add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument(help="AGS der Kommune.")],
    name: Annotated[str, typer.Option("--name", help="Vor- und Nachname.")],
    email: Annotated[str, typer.Option("--email", help="Dienstliche E-Mail-Adresse.")],
    role: Annotated[list[str], typer.Option("--role", help="coordination, core_team, steering_group, mayor_office.")],
    organisation: Annotated[Optional[str], typer.Option("--organisation", help="Organisation oder Amt.")] = None,
    consent_publish: Annotated[bool, typer.Option("--consent-publish",
                                                  help="Name darf in Berichten erscheinen (Einwilligung).")] = False,
    language: Annotated[str, typer.Option("--language", help="Sprache der E-Mails: de oder en.")] = "de",
    digest: Annotated[bool, typer.Option("--digest", help="Eine Sammel-E-Mail pro Tag statt einzelner.")] = False,
) -> None:
    """Eine Person mit ihren Rollen registrieren / register a person with roles."""
    from engine.service import parse_roles

    app = ctx.obj
    row = app.service.add_person(ags, name=name, email=email, roles=parse_roles(role), organisation=organisation,
                                 consent_publish=consent_publish, language=language, digest=digest)
    roles = ", ".join(t(f"role.{r}", app.lang) for r in row.roles)
    typer.echo(t("person.added", app.lang, name=row.name, email=row.email, ags=ags, roles=roles))


@person_app.command("list")
def person_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Personen einer Kommune / people of a municipality."""
    from engine.roles import effective_roles

    app = ctx.obj
    rows = app.service.people(ags)
    if as_json:
        _print_json([{"name": p.name, "email": p.email, "roles": p.roles,
                      "counts_in": sorted(effective_roles(p.roles)), "organisation": p.organisation,
                      "consent_publish": p.consent_publish, "language": p.language, "digest": p.digest}
                     for p in rows])
        return
    table = Table(*(t(k, app.lang) for k in ("col.name", "col.email", "col.roles")))
    for p in rows:
        table.add_row(p.name, p.email, ", ".join(t(f"role.{r}", app.lang) for r in p.roles))
    console.print(table)


# -- cycles --------------------------------------------------------------------------------------
@cycle_app.command("start")
def cycle_start(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    workflow: Annotated[Optional[str], typer.Option("--workflow", help="Ablaufvariante, z. B. gnk-thueringen.")] = None,
    on: OnOpt = None,
) -> None:
    """Einen Zyklus beginnen / start a cycle."""
    app = ctx.obj
    cycle = app.service.start_cycle(ags, workflow=workflow, on=on)
    status = app.service.status(ags)
    typer.echo(t("cycle.started", app.lang, number=cycle.number, ags=status["ags"], workflow=status["workflow"],
                 version=status["version"], phase=status["phase_label"], due=format_date(status["due_on"], app.lang)))


def record(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    fact: Annotated[str, typer.Argument(help="Art des Nachweises, z. B. council_resolution.")],
    actor: AsOpt,
    assignments: Annotated[list[str], typer.Option("--set", help="FELD=WERT, mehrfach möglich.")] = [],  # noqa: B006
    on: OnOpt = None,
) -> None:
    """Einen Nachweis erfassen / record a fact."""
    from engine.facts import parse_assignments

    app = ctx.obj
    values = parse_assignments(assignments, app.lang)
    result = app.service.record(ags, fact, actor=actor, values=values, on=on)
    typer.echo(t("fact.recorded", app.lang, fact=result.label, ags=ags.strip(), on=format_date(result.fact.on, app.lang)))


def advance(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    actor: AsOpt,
    on: OnOpt = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Begründung für den Verlauf.")] = None,
    expected: Annotated[Optional[str], typer.Option(
        "--from", metavar="PHASE",
        help="Nur weiterschalten, wenn der Zyklus noch in dieser Phase ist (Schutz vor Doppelklick).")] = None,
) -> None:
    """Den Zyklus in die nächste Phase bringen / advance the cycle."""
    from engine.errors import TransitionRefused

    app = ctx.obj
    try:
        result = app.service.advance(ags, actor=actor, on=on, reason=reason, expected=expected)
    except TransitionRefused as refused:
        err = Console(stderr=True, highlight=False)
        err.print(refused.message, markup=False, soft_wrap=True)
        for guard in refused.unmet:
            err.print(f"  ✗ {guard.message}", markup=False, soft_wrap=True)  # one line per guard
        raise typer.Exit(3) from None
    if result.dest == "completed":
        typer.echo(t("advance.completed", app.lang, ags=result.ags, number=result.number,
                     on=format_date(result.on, app.lang)))
        if result.next_cycle:
            typer.echo(t("advance.restarted", app.lang, ags=result.ags, number=result.next_cycle,
                         on=format_date(result.on, app.lang), phase=result.next_phase))
        elif result.restart_on:
            typer.echo(t("advance.restart_planned", app.lang, ags=result.ags,
                         on=format_date(result.restart_on, app.lang)))
    else:
        typer.echo(t("advance.done", app.lang, ags=result.ags, source=result.source_label,
                     dest=result.dest_label, on=format_date(result.on, app.lang)))
    for warning in result.warnings:
        typer.echo(t("advance.warning", app.lang, message=warning.message))


def status(ctx: typer.Context, ags: Annotated[Optional[str], typer.Argument()] = None, as_json: JsonOpt = False) -> None:
    """Wo steht der Zyklus, was fehlt noch? / where the cycle stands and what is missing."""
    app = ctx.obj
    if ags is None:
        rows = app.service.status_all()
        if as_json:
            _print_json(rows)
            return
        if not rows:
            typer.echo(t("status.none", app.lang))
            return
        table = Table(*(t(k, app.lang) for k in ("col.ags", "col.name", "col.cycle", "col.phase", "col.due")))
        for row in rows:
            if row.get("cycle") is None:
                table.add_row(row["ags"], row["name"], "–", t("status.no_cycle", app.lang), "")
                continue
            due = format_date(row["due_on"], app.lang) if row["due_on"] else ""
            if row["overdue"]:
                due += f" ({t('status.overdue', app.lang)})"
            table.add_row(row["ags"], row["name"], str(row["cycle"]), row["phase_label"], due)
        console.print(table)
        return
    data = app.service.status(ags)
    if as_json:
        _print_json(data)
        return
    _print_status(data, app.lang)


def _print_status(data: dict[str, Any], lang: str) -> None:
    console.print(f"[bold]{data['name']}[/bold] ({data['ags']}) · {t('col.cycle', lang)} {data['cycle']} · "
                  f"{data['workflow']} {data['version']}")
    if data["cycle_status"] == "completed":
        if data["restart_on"]:
            console.print(t("status.waiting", lang, number=data["cycle"], on=format_date(data["restart_on"], lang)))
        else:
            console.print(t("status.completed", lang))
        return
    due = format_date(data["due_on"], lang) if data["due_on"] else "–"
    if data["overdue"]:
        due += f" ([red]{t('status.overdue', lang)}[/red])"
    console.print(t("status.phase", lang, phase=data["phase_label"], since=format_date(data["entered_on"], lang), due=due))
    if data["unmet"]:
        console.print(t("status.missing", lang))
        for guard in data["unmet"]:
            mark = "✗" if guard["severity"] == "block" else "!"
            console.print(f"  {mark} {guard['message']}", markup=False, soft_wrap=True)
    if data.get("next_steps"):
        console.print(t("status.next", lang))
        for command in data["next_steps"]:
            console.print(f"  {command}", markup=False, soft_wrap=True)


def history(ctx: typer.Context, ags: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Wer hat wann was getan? / who did what, when."""
    app = ctx.obj
    rows = app.service.history(ags)
    if as_json:
        _print_json(rows)
        return
    if not rows:
        typer.echo(t("history.empty", app.lang))
        return
    table = Table()
    for key in ("col.cycle", "col.on", "col.actor", "col.what", "col.reason"):
        table.add_column(t(key, app.lang), overflow="fold")  # wrap, never cut off who or why
    for row in rows:
        table.add_row(str(row["cycle"]), format_date(row["on"], app.lang), row["actor"], describe(row, app.lang),
                      row["reason"] or "")
    console.print(table)


def describe(row: dict[str, Any], lang: str) -> str:
    """One history row in words, for the table and the demo's timeline."""
    kind = row["kind"]
    if kind == "start":
        return f"{t('history.start', lang)} → {row['to_label']}"
    if kind == "complete":
        return f"{row['from_label']} → {t('history.complete', lang)}"
    if kind == "deadline":
        return t("history.deadline", lang, due=format_date(row["details"]["due_on"], lang))
    if kind == "fact":
        return t("history.fact", lang, fact=row["fact_label"])
    if kind == "migrate":
        details = row["details"]
        moved = f"; {row['from_label']} → {row['to_label']}" if row["from"] != row["to"] else ""
        return f"{t('history.migrate', lang)}: {details.get('from_version')} → {details.get('to_version')}{moved}"
    return f"{row['from_label']} → {row['to_label']}"


@deadline_app.command("set")
def deadline_set(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    due: Annotated[str, typer.Argument(help="Neue Frist JJJJ-MM-TT.")],
    actor: AsOpt,
    reason: Annotated[str, typer.Option("--reason", help="Begründung (wird im Verlauf festgehalten).")],
) -> None:
    """Die Frist der aktuellen Phase ändern / change the current phase's deadline."""
    app = ctx.obj
    cycle = app.service.set_deadline(ags, due, actor=actor, reason=reason)
    status = app.service.status(ags)
    typer.echo(t("deadline.set", app.lang, ags=status["ags"], phase=status["phase_label"],
                 due=format_date(cycle.due_on, app.lang)))


def register(app: typer.Typer) -> None:
    """Attach the engine's commands to the root application."""
    app.command("init")(init)
    app.add_typer(municipality_app, name="municipality")
    app.add_typer(person_app, name="person")
    app.add_typer(cycle_app, name="cycle")
    app.command("record")(record)
    app.command("advance")(advance)
    app.command("status")(status)
    app.command("history")(history)
    app.add_typer(deadline_app, name="deadline")
    from engine.workflow_cli import workflow_app  # validate, list, show, migrate (simulate: notifications)

    app.add_typer(workflow_app, name="workflow")
    from engine.indicators.cli import register as register_programme  # indicators, measures, evaluation, report

    register_programme(app)
