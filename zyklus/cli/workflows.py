"""`zyklus workflow …`: the administrator's commands for workflow variants.

validate, list, show and simulate read files only (list adds the versions stored in the database
when there is one); migrate moves running cycles to another version.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from engine.i18n import format_date, t
from zyklus.cli.common import JsonOpt, console, print_json
from zyklus.cli.groups import group
from zyklus.cli.simulate import simulate_command

if TYPE_CHECKING:
    from zyklus.app.dto import MigrationDTO

workflow_app = group(help="Ablaufvarianten prüfen, ansehen, simulieren und migrieren.")

Target = Annotated[str, typer.Argument(metavar="NAME|PATH", help="Name einer Variante oder Pfad zu einer .toml-Datei.")]


class Format(str, enum.Enum):
    text = "text"
    mermaid = "mermaid"
    json = "json"


@workflow_app.command("validate")
def validate(ctx: typer.Context, target: Target, as_json: JsonOpt = False) -> None:
    """Eine Variante prüfen: alle Fehler auf einmal, je eine Zeile."""
    app = ctx.obj
    checked = app.door.workflows.validate(target, app.lang)
    errors = [p for p in checked.problems if p.severity == "error"]
    warnings = [p for p in checked.problems if p.severity == "warning"]
    if as_json:
        print_json(checked)
    else:
        for problem in errors:
            typer.echo(problem.line)
        for problem in warnings:
            typer.echo(t("validate.warning", app.lang, line=problem.line))
        if checked.valid:
            typer.echo(t("validate.ok", app.lang, file=checked.file, name=checked.name, version=checked.version,
                         warnings=len(warnings)))
        else:
            typer.echo(t("validate.failed", app.lang, file=checked.file, errors=len(errors), warnings=len(warnings)))
    if not checked.valid:
        raise typer.Exit(1)


@workflow_app.command("list")
def list_workflows(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Mitgelieferte und eigene Varianten mit ihren Versionen."""
    app = ctx.obj
    rows = app.door.workflows.list(app.lang)
    if as_json:
        print_json(rows)
        return
    stored = rows[0].stored is not None if rows else False
    table = Table(*(t(k, app.lang) for k in ("col.workflow", "col.label", "col.version", "col.source")))
    if stored:
        table.add_column(t("col.stored", app.lang))
    for row in rows:
        cells = [row.name, row.label or "", row.version or t("list.invalid", app.lang),
                 t("list.shipped", app.lang) if row.source == "shipped" else row.source]
        if stored:
            cells.append(", ".join(t("list.running", app.lang, version=v["version"], count=v["running_cycles"])
                                   for v in row.stored or []))
        table.add_row(*cells)
    console.print(table, markup=False)
    if not stored:
        typer.echo(t("list.no_database", app.lang))


@workflow_app.command("show")
def show(
    ctx: typer.Context,
    target: Target,
    output: Annotated[Format, typer.Option("--format", help="text, mermaid (Diagramm) oder json.")] = Format.text,
) -> None:
    """Phasen, Übergänge mit Bedingungen, Erinnerungen."""
    app = ctx.obj
    shown = app.door.workflows.show(target, output.value, app.lang)
    if output is Format.json:
        print_json(shown)
    else:
        typer.echo(shown)


@workflow_app.command("migrate")
def migrate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Die Variante, deren laufende Zyklen umziehen.")],
    to: Annotated[str, typer.Option("--to", help="Gespeicherte Version (Hash) oder 'current' (die Datei, wie sie jetzt ist).")],
    ags: Annotated[Optional[str], typer.Option("--ags", help="Nur diese Kommune.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Alle laufenden Zyklen der Variante.")] = False,
    maps: Annotated[list[str], typer.Option("--map", help="ALTE_PHASE=NEUE_PHASE, mehrfach möglich.")] = [],  # noqa: B006
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur zeigen, was geschähe.")] = False,
    actor: Annotated[str, typer.Option("--as", help="Wer migriert (für den Verlauf).")] = "admin",
    reason: Annotated[Optional[str], typer.Option("--reason", help="Begründung für den Verlauf.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Laufende Zyklen auf eine andere Version umstellen."""
    app = ctx.obj
    planned = app.door.workflows.migrate(name, to, ags=ags, every=every, maps=maps,
                                         dry_run=dry_run, actor=actor, reason=reason, lang=app.lang)
    if as_json:
        print_json(planned)
    else:
        _print_plan(planned, app.lang)
        typer.echo(t("migrate.dry_run", app.lang) if dry_run else
                   t("migrate.done", app.lang, count=planned.moved, version=planned.to_version))
    if dry_run and any(c["refusal"] for c in planned.cycles):
        raise typer.Exit(1)


def _print_plan(planned: MigrationDTO, lang: str) -> None:
    if not planned.cycles:
        typer.echo(t("migrate.none", lang, workflow=planned.workflow))
        return
    typer.echo(t("migrate.header", lang, workflow=planned.workflow, version=planned.to_version,
                 count=len(planned.cycles)))
    for item in planned.cycles:
        if item["up_to_date"]:
            typer.echo("  " + t("migrate.up_to_date", lang, ags=item["ags"], name=item["name"], number=item["cycle"],
                                version=item["from_version"]))
            continue
        if item["refusal"]:
            typer.echo(f"  ✗ {item['refusal']}")
            continue
        typer.echo("  " + t("migrate.cycle", lang, ags=item["ags"], name=item["name"], number=item["cycle"],
                            from_version=item["from_version"], to_version=planned.to_version))
        if item["to_phase"] is not None and item["to_phase"] != item["phase"]:
            typer.echo("    " + t("migrate.new_phase", lang, phase=item["phase"], to_phase=item["to_phase"],
                                  on=format_date(item["new_entered_on"], lang),
                                  due=format_date(item["new_due_on"], lang)))
        else:
            typer.echo("    " + t("migrate.same_phase", lang, phase=item["phase"], due=format_date(item["due_on"], lang)))
        if item["unmet"]:
            typer.echo("    " + t("migrate.unmet", lang))
            for result in item["unmet"]:
                mark = "✗" if result["severity"] == "block" else "!"
                new = f" {t('migrate.unmet_new', lang)}" if result["new"] else ""
                typer.echo(f"      {mark} {result['message']} [{result['id']}]{new}")
        else:
            typer.echo("    " + t("migrate.all_met", lang))
        if item["facts_without_type"]:
            typer.echo("    " + t("migrate.orphans", lang, facts=", ".join(item["facts_without_type"])))


def register(app: typer.Typer) -> None:
    workflow_app.command("simulate")(simulate_command)
    app.add_typer(workflow_app, name="workflow")
