"""Municipalities, people and cycles: parse what was typed, call the door, print its DTOs.

Commands read the door from ``ctx.obj`` (built in ``zyklus.cli.main``), so this module knows
nothing of configuration files, databases or the notifications add-on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from engine.i18n import format_date, t
from engine.numbers import format_exact
from zyklus.cli.common import AsOpt, JsonOpt, OnOpt, commands, console, day, print_json
from zyklus.cli.groups import group

if TYPE_CHECKING:
    from zyklus.app.dto import HistoryEntryDTO, StatusDTO

municipality_app = group(help="Kommunen registrieren und auflisten.")
person_app = group(help="Personen der Arbeitsstrukturen.")
cycle_app = group(help="Einen Zyklus starten (Liste: zyklus cycles AGS).")
deadline_app = group(help="Fristen ändern.")



# -- init ----------------------------------------------------------------------------------------
def init(ctx: typer.Context) -> None:
    """Datenbank einrichten oder auf den neuesten Stand bringen."""
    app = ctx.obj
    app.door.init_database()
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
    """Eine Kommune registrieren."""
    app = ctx.obj
    row = app.door.cycles.add_municipality(commands().AddMunicipality(ags=ags, name=name, state=state, kind=kind,
                                                             catholic_holidays=catholic), app.lang)
    typer.echo(t("municipality.added", app.lang, name=row.name, ags=row.ags))


@municipality_app.command("list")
def municipality_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Registrierte Kommunen."""
    app = ctx.obj
    rows = app.door.cycles.municipalities()
    if as_json:
        print_json(rows)
        return
    table = Table(*(t(k, app.lang) for k in ("col.ags", "col.name", "col.state", "col.kind")))
    for m in rows:
        table.add_row(m.ags, m.name, m.state, m.kind)
    console.print(table, markup=False)  # names and subjects are what people typed


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
    """Eine Person mit ihren Rollen registrieren."""
    app = ctx.obj
    row = app.door.cycles.add_person(commands().AddPerson(ags=ags, name=name, email=email, roles=parse_roles(role),
                                                 organisation=organisation, consent_publish=consent_publish,
                                                 language=language, digest=digest), app.lang)
    roles = ", ".join(t(f"role.{r}", app.lang) for r in row.roles)
    typer.echo(t("person.added", app.lang, name=row.name, email=row.email, ags=ags, roles=roles))


@person_app.command("list")
def person_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Personen einer Kommune."""
    app = ctx.obj
    rows = app.door.cycles.people(ags, app.lang)
    if as_json:
        print_json(rows)
        return
    table = Table(*(t(k, app.lang) for k in ("col.name", "col.email", "col.roles")))
    for p in rows:
        table.add_row(p.name, p.email, ", ".join(t(f"role.{r}", app.lang) for r in p.roles))
    console.print(table, markup=False)  # names and subjects are what people typed


# -- cycles --------------------------------------------------------------------------------------
@cycle_app.command("start")
def cycle_start(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    workflow: Annotated[Optional[str], typer.Option("--workflow", help="Ablaufvariante, z. B. gnk-thueringen.")] = None,
    on: OnOpt = None,
) -> None:
    """Einen Zyklus beginnen."""
    app = ctx.obj
    started = app.door.cycles.start(commands().StartCycle(ags=ags, workflow=workflow, on=day(on, app.lang)), app.lang)
    typer.echo(t("cycle.started", app.lang, number=started.number, ags=started.ags, workflow=started.workflow,
                 version=started.version, phase=started.phase_label, due=format_date(started.due_on, app.lang)))


def record(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    fact: Annotated[str, typer.Argument(help="Art des Nachweises, z. B. council_resolution.")],
    actor: AsOpt,
    assignments: Annotated[list[str], typer.Option("--set", help="FELD=WERT, mehrfach möglich.")] = [],  # noqa: B006
    on: OnOpt = None,
) -> None:
    """Einen Nachweis erfassen."""
    from engine.facts import parse_assignments

    app = ctx.obj
    when = day(on, app.lang)
    values = parse_assignments(assignments, app.lang)
    result = app.door.cycles.record(commands().RecordFact(ags=ags, fact=fact, actor=actor, values=values, on=when), app.lang)
    typer.echo(t("fact.recorded", app.lang, fact=result.label, ags=result.ags, on=format_date(result.on, app.lang)))


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
    """Den Zyklus in die nächste Phase bringen."""
    from engine.errors import TransitionRefused

    app = ctx.obj
    command = commands().Advance(ags=ags, actor=actor, on=day(on, app.lang), reason=reason, expected=expected)
    try:
        result = app.door.cycles.advance(command, app.lang)
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
                         on=format_date(result.on, app.lang), phase=result.next_phase_label))
        elif result.restart_on:
            typer.echo(t("advance.restart_planned", app.lang, ags=result.ags,
                         on=format_date(result.restart_on, app.lang)))
    else:
        typer.echo(t("advance.done", app.lang, ags=result.ags, source=result.source_label,
                     dest=result.dest_label, on=format_date(result.on, app.lang)))
    for warning in result.warnings:
        typer.echo(t("advance.warning", app.lang, message=warning.message))


def status(ctx: typer.Context, ags: Annotated[Optional[str], typer.Argument()] = None, as_json: JsonOpt = False) -> None:
    """Wo steht der Zyklus, was fehlt noch?"""
    app = ctx.obj
    if ags is None:
        rows = app.door.cycles.overview(app.lang)
        if as_json:
            print_json(rows)
            return
        if not rows:
            typer.echo(t("status.none", app.lang))
            return
        table = Table(*(t(k, app.lang) for k in ("col.ags", "col.name", "col.cycle", "col.phase", "col.due")))
        for row in rows:
            if row.cycle is None:  # registered, no cycle started
                table.add_row(row.ags, row.name, "–", t("status.no_cycle", app.lang), "")
                continue
            due = format_date(row.due_on, app.lang) if row.due_on else ""
            if row.overdue:
                due += f" ({t('status.overdue', app.lang)})"
            table.add_row(row.ags, row.name, str(row.cycle), row.phase_label, due)
        console.print(table, markup=False)
        return
    data = app.door.cycles.status(ags, app.lang)
    if as_json:
        print_json(data)
        return
    _print_status(data, app.lang, _coordinator(app, data.ags))


def _coordinator(app, ags: str) -> str:  # noqa: ANN001 - the AppContext
    """Whose address the suggested commands name: the first coordinator, as a template to edit."""
    people = [p for p in app.door.cycles.people(ags, app.lang) if "coordination" in p.roles]
    return people[0].email if people else "<E-Mail>"


def _print_status(data: StatusDTO, lang: str, actor: str) -> None:
    console.print(f"[bold]{_escape(data.name)}[/bold] ({data.ags}) · {t('col.cycle', lang)} {data.cycle} · "
                  f"{data.workflow} {data.version}")
    for award in data.awards:
        console.print(t("status.award", lang, label=award.label, on=format_date(award.on, lang), by=award.by),
                      markup=False)
    if data.cycle_status == "completed":
        if data.restart_on:
            console.print(t("status.waiting", lang, number=data.cycle, on=format_date(data.restart_on, lang)))
        else:
            console.print(t("status.completed", lang))
        return
    due = format_date(data.due_on, lang) if data.due_on else "–"
    if data.overdue:
        due += f" ([red]{t('status.overdue', lang)}[/red])"
    console.print(t("status.phase", lang, phase=_escape(data.phase_label), since=format_date(data.entered_on, lang),
                    due=due))
    if data.unmet:
        console.print(t("status.missing", lang))
        for guard in data.unmet:
            mark = "✗" if guard.severity == "block" else "!"
            console.print(f"  {mark} {guard.message}", markup=False, soft_wrap=True)
    if data.steps:
        console.print(t("status.next", lang))
        from engine.status import as_commands

        for command in as_commands(data.ags, [step.model_dump() for step in data.steps], actor):
            console.print(f"  {command}", markup=False, soft_wrap=True)


def _escape(text: str) -> str:
    """Names and labels come from people and workflow files: never rich markup."""
    from rich.markup import escape

    return escape(text)


def history(ctx: typer.Context, ags: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Wer hat wann was getan?"""
    app = ctx.obj
    rows = app.door.cycles.history(ags, lang=app.lang)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(t("history.empty", app.lang))
        return
    table = Table()
    for key in ("col.cycle", "col.on", "col.actor", "col.what", "col.reason"):
        table.add_column(t(key, app.lang), overflow="fold")  # wrap, never cut off who or why
    for row in rows:
        table.add_row(str(row.cycle), format_date(row.on, app.lang), row.actor, describe(row, app.lang),
                      row.reason or "")
    console.print(table, markup=False)  # names and subjects are what people typed


def describe(row: HistoryEntryDTO, lang: str) -> str:
    """One history row in words, for the table and the demo's timeline."""
    if row.kind == "start":
        return f"{t('history.start', lang)} → {row.to_label}"
    if row.kind == "complete":
        return f"{row.from_label} → {t('history.complete', lang)}"
    if row.kind == "deadline":
        return t("history.deadline", lang, due=format_date(row.details["due_on"], lang))
    if row.kind == "fact":
        return t("history.fact", lang, fact=row.fact_label)
    if row.kind in ("person_added", "person_changed", "person_removed"):
        return t(f"history.{row.kind}", lang, email=row.details.get("email"),
                 fields=", ".join(row.details.get("changed", {})))
    if row.kind == "award":
        return t("history.award", lang, label=row.details.get("label"), by=row.details.get("by"),
                 run=row.details.get("run"))
    if row.kind == "migrate":
        moved = f"; {row.from_label} → {row.to_label}" if row.from_ != row.to else ""
        return (f"{t('history.migrate', lang)}: {row.details.get('from_version')} → "
                f"{row.details.get('to_version')}{moved}")
    if row.kind in ("value_corrected", "value_deleted", "target_deleted"):
        # as typed and stored, every digit: rounded to the indicator's decimals a correction of
        # -1.250,5 to -125,5 would read „-1.250 → -126“ and hide what was corrected
        text = t(f"history.{row.kind}", lang, key=row.trigger, year=row.details.get("year"),
                 value=format_exact(row.details.get("value"), lang),
                 previous=format_exact(row.details.get("previous"), lang))
        before = row.details.get("previous_source") if row.kind == "value_corrected" else row.details.get("source")
        if before and (row.kind == "value_deleted" or before != row.details.get("source")):
            text += f"; {t('history.previous_source', lang, source=before)}"
        return text
    if row.kind in PROGRAMME_CHANGES:
        return programme_change(row, lang)
    return f"{row.from_label} → {row.to_label}"


PROGRAMME_CHANGES = ("goal_updated", "goal_deleted", "indicator_added", "indicator_updated", "indicator_deleted", "measure_updated",
                     "measure_deleted", "measure_linked", "measure_unlinked")


def programme_change(row: HistoryEntryDTO, lang: str) -> str:
    """A correction of the programme in words: each changed field with its old and new value, or
    what a removed goal, indicator or measure was called."""
    details = row.details
    if row.kind.endswith("_updated"):
        changes = "; ".join(f"{name}: {_shown(change['old'], lang)} → {_shown(change['new'], lang)}"
                            for name, change in details.get("changes", {}).items())
        return t(f"history.{row.kind}", lang, key=row.trigger, changes=changes)
    if row.kind.endswith("_deleted"):
        removed = details.get("removed", {})
        return t(f"history.{row.kind}", lang, key=row.trigger, title=removed.get("title") or removed.get("name"))
    return t(f"history.{row.kind}", lang, key=row.trigger, indicator=details.get("indicator"))


def _shown(value: object, lang: str) -> str:
    """An old or new value as the user typed it: a number as a German writes it, a date as 15.03.2027."""
    if value in (None, ""):
        return "–"
    if isinstance(value, float):
        return format_exact(value, lang)
    return str(value)


@deadline_app.command("set")
def deadline_set(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    due: Annotated[str, typer.Argument(help="Neue Frist JJJJ-MM-TT.")],
    actor: AsOpt,
    reason: Annotated[str, typer.Option("--reason", help="Begründung (wird im Verlauf festgehalten).")],
) -> None:
    """Die Frist der aktuellen Phase ändern."""
    app = ctx.obj
    command = commands().SetDeadline(ags=ags, due=day(due, app.lang), actor=actor, reason=reason)
    moved = app.door.cycles.set_deadline(command, app.lang)
    typer.echo(t("deadline.set", app.lang, ags=moved.ags, phase=moved.phase_label,
                 due=format_date(moved.due_on, app.lang)))


def parse_roles(values: Iterable[str]) -> list[str]:
    """`--role a --role b` or `--role a,b`: both are natural on a command line."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def register(app: typer.Typer) -> None:
    """Attach these commands to the root application (a person's export and erasure to `person`)."""
    from zyklus.cli import privacy

    app.command("init")(init)
    app.add_typer(municipality_app, name="municipality")
    privacy.register(person_app)
    app.add_typer(person_app, name="person")
    app.add_typer(cycle_app, name="cycle")
    app.command("record")(record)
    app.command("advance")(advance)
    app.command("status")(status)
    app.command("history")(history)
    app.add_typer(deadline_app, name="deadline")
