"""`zyklus workflow …`: the administrator's commands for workflow variants.

validate, list and show read files only (list adds the versions stored in the database when
there is one); migrate moves running cycles to another version. The notifications add-on adds
`simulate` to this group (engine never imports notifications).
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from engine.errors import NotFound
from engine.i18n import format_date, t

if TYPE_CHECKING:
    from engine.definitions.loader import Catalog

workflow_app = typer.Typer(help="Ablaufvarianten prüfen, ansehen, simulieren und migrieren / "
                                "validate, show, simulate and migrate workflow variants.", no_args_is_help=True)
console = Console(highlight=False)

Target = Annotated[str, typer.Argument(metavar="NAME|PATH", help="Name einer Variante oder Pfad zu einer .toml-Datei.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Maschinenlesbar als JSON ausgeben.")]


class Format(str, enum.Enum):
    text = "text"
    mermaid = "mermaid"
    json = "json"


def catalog_for(app: Any, target: str) -> "Catalog":
    """The installation's catalogue; for a file being written, its own folder comes first so it
    may extend a sibling file that is not (yet) in a configured folder. (Imported here: loading
    the definition models is not worth its time for every other command.)"""
    from engine.definitions.loader import Catalog

    dirs = list(app.settings.workflow_dirs)
    if target.endswith(".toml") or "/" in target:
        path = Path(target)
        if not path.is_file():
            raise NotFound(t("workflow.file_missing", app.lang, path=target))
        return Catalog([path.resolve().parent, *dirs])
    catalog = Catalog(dirs)
    if catalog.path_of(target) is None:
        raise NotFound(t("workflow.unknown", app.lang, name=target, allowed=", ".join(catalog.names())))
    return catalog


@workflow_app.command("validate")
def validate(ctx: typer.Context, target: Target, as_json: JsonOpt = False) -> None:
    """Eine Variante prüfen: alle Fehler auf einmal, je eine Zeile / check a variant, every error at once."""
    app = ctx.obj
    catalog = catalog_for(app, target)
    definition, problems = catalog.check(target)
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    file = catalog.resolve(target).name
    if as_json:
        typer.echo(json.dumps({"file": file, "valid": not errors, "version": definition.version if definition else None,
                               "problems": [{"file": p.file, "path": p.path, "message": p.message,
                                             "severity": "warning" if p.warning else "error"} for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        for problem in errors:
            typer.echo(str(problem))
        for problem in warnings:
            typer.echo(t("validate.warning", app.lang, line=str(problem)))
        if definition is not None and not errors:
            typer.echo(t("validate.ok", app.lang, file=file, name=definition.name, version=definition.version,
                         warnings=len(warnings)))
        else:
            typer.echo(t("validate.failed", app.lang, file=file, errors=len(errors), warnings=len(warnings)))
    if errors or definition is None:
        raise typer.Exit(1)


@workflow_app.command("list")
def list_workflows(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Mitgelieferte und eigene Varianten mit ihren Versionen / shipped and local variants with versions."""
    from engine.definitions.loader import SHIPPED_DIR, Catalog
    from engine.versions import database_if_present, stored_versions

    app = ctx.obj
    catalog = Catalog(app.settings.workflow_dirs)
    engine = database_if_present(app.db_url)
    stored = stored_versions(engine) if engine is not None else None
    if engine is not None:
        engine.dispose()
    rows = []
    for name in catalog.names():
        path = catalog.path_of(name)
        definition, _ = catalog.check(name)
        rows.append({"name": name, "label": definition.label.get(app.lang) if definition else None,
                     "extends": definition.extends if definition else None,
                     "version": definition.version if definition else None, "valid": definition is not None,
                     "source": "shipped" if path.parent == SHIPPED_DIR else str(path.parent),
                     "path": str(path), "stored": (stored or {}).get(name, []) if stored is not None else None})
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(*(t(k, app.lang) for k in ("col.workflow", "col.label", "col.version", "col.source")))
    if stored is not None:
        table.add_column(t("col.stored", app.lang))
    for row in rows:
        cells = [row["name"], row["label"] or "", row["version"] or t("list.invalid", app.lang),
                 t("list.shipped", app.lang) if row["source"] == "shipped" else row["source"]]
        if stored is not None:
            cells.append(", ".join(t("list.running", app.lang, version=v["version"], count=v["running_cycles"])
                                   for v in row["stored"]))
        table.add_row(*cells)
    console.print(table)
    if stored is None:
        typer.echo(t("list.no_database", app.lang))


@workflow_app.command("show")
def show(
    ctx: typer.Context,
    target: Target,
    output: Annotated[Format, typer.Option("--format", help="text, mermaid (Diagramm) oder json.")] = Format.text,
) -> None:
    """Phasen, Übergänge mit Bedingungen, Erinnerungen / phases, transitions with guards, reminders."""
    from engine.workflow_view import render_mermaid, render_text, resolved

    app = ctx.obj
    catalog = catalog_for(app, target)
    definition = catalog.load(target)
    if output is Format.mermaid:
        typer.echo(render_mermaid(definition, app.lang))
    elif output is Format.json:
        typer.echo(json.dumps(resolved(definition), ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(definition, app.lang, str(catalog.resolve(target))))


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
    """Laufende Zyklen auf eine andere Version umstellen / move running cycles to another version."""
    from engine import migration

    app = ctx.obj
    service = app.service
    mapping = migration.parse_map(maps, app.lang)
    planned = migration.plan(service, name, to, ags=ags, every=every, mapping=mapping)
    if as_json:
        typer.echo(json.dumps(dict(planned.as_dict(), dry_run=dry_run), ensure_ascii=False, indent=2))
    if dry_run:
        if not as_json:
            _print_plan(planned, app.lang)
            typer.echo(t("migrate.dry_run", app.lang))
        if planned.refused:
            raise typer.Exit(1)
        return
    moved = migration.apply(service, planned, actor=actor, reason=reason)
    if not as_json:
        _print_plan(planned, app.lang)
        typer.echo(t("migrate.done", app.lang, count=len(moved), version=planned.target.version))


def _print_plan(planned: Any, lang: str) -> None:
    if not planned.cycles:
        typer.echo(t("migrate.none", lang, workflow=planned.workflow))
        return
    typer.echo(t("migrate.header", lang, workflow=planned.workflow, version=planned.target.version,
                 count=len(planned.cycles)))
    for item in planned.cycles:
        if item.up_to_date:
            typer.echo("  " + t("migrate.up_to_date", lang, ags=item.ags, name=item.name, number=item.number,
                                version=item.from_version))
            continue
        if item.refusal:
            typer.echo(f"  ✗ {item.refusal}")
            continue
        typer.echo("  " + t("migrate.cycle", lang, ags=item.ags, name=item.name, number=item.number,
                            from_version=item.from_version, to_version=planned.target.version))
        if item.phase_changes:
            typer.echo("    " + t("migrate.new_phase", lang, phase=item.phase, to_phase=item.to_phase,
                                  on=format_date(item.new_entered_on, lang), due=format_date(item.new_due_on, lang)))
        else:
            typer.echo("    " + t("migrate.same_phase", lang, phase=item.phase, due=format_date(item.due_on, lang)))
        if item.unmet:
            typer.echo("    " + t("migrate.unmet", lang))
            for result in item.unmet:
                mark = "✗" if result.severity == "block" else "!"
                new = f" {t('migrate.unmet_new', lang)}" if result.id in item.newly_unmet else ""
                typer.echo(f"      {mark} {result.message} [{result.id}]{new}")
        else:
            typer.echo("    " + t("migrate.all_met", lang))
        if item.orphan_facts:
            typer.echo("    " + t("migrate.orphans", lang, facts=", ".join(item.orphan_facts)))
