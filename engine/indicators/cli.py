"""Commands of the action programme and its evaluation: indicator, goal, measure, evaluate,
report, cycles. Thin like the engine's other commands: parse, call, print.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.table import Table

from engine.cli import AsOpt, JsonOpt, _print_json, console
from engine.i18n import format_date, t
from engine.numbers import format_number, format_share

if TYPE_CHECKING:
    from engine.indicators.programme import IndicatorView, Programme

indicator_app = typer.Typer(help="Indikatoren: Katalog, Ziele, Werte / indicators: catalogue, targets, values.",
                            no_args_is_help=True)
goal_app = typer.Typer(help="Ziele des Handlungsprogramms / goals of the action programme.", no_args_is_help=True)
measure_app = typer.Typer(help="Maßnahmen und ihr Stand / measures and their status.", no_args_is_help=True)

def _cycle_number(ctx: typer.Context, value: int | None) -> int | None:
    """A cycle number beyond the database's integer column is no cycle: one line, not an overflow."""
    from engine.validate import identifier

    return None if value is None else identifier(value, "--cycle", ctx.find_root().obj.lang)


CycleOpt = Annotated[Optional[int], typer.Option("--cycle", help="Zyklusnummer (Standard: der neueste).",
                                                 callback=_cycle_number)]
ThemeOpt = Annotated[Optional[str], typer.Option("--theme", help="Themenfeld, z. B. „Klima und Energie“.")]
GoalOpt = Annotated[Optional[str], typer.Option("--goal", help="Kennung eines Ziels (zyklus goal add).")]
ValuesDueOpt = Annotated[Optional[str], typer.Option(
    "--values-due", help="MM-TT: bis zu diesem Tag ist jedes Jahr der Vorjahreswert fällig (Standard 03-31).")]


def _programme(ctx: typer.Context) -> "Programme":
    from engine.indicators.programme import Programme

    return Programme(ctx.obj.service)


# -- indicators -------------------------------------------------------------------------------------
@indicator_app.command("catalogue")
def catalogue_list(
    ctx: typer.Context,
    sdg: Annotated[Optional[int], typer.Option("--sdg", help="Nur Indikatoren dieses SDG.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Der mitgelieferte Katalog kommunaler SDG-Indikatoren / the starter catalogue."""
    from engine.indicators.catalogue import catalogue

    lang = ctx.obj.lang
    entries = [e for e in catalogue().values() if sdg is None or e.spec.sdg == sdg]
    if as_json:
        _print_json([{"id": e.spec.key, "name": e.name(lang), "sdg": e.spec.sdg, "unit": e.spec.unit,
                      "direction": e.spec.direction, "decimals": e.spec.decimals, "definition": e.spec.definition,
                      "source": e.spec.source} for e in entries])
        return
    table = Table(t("col.id", lang), "SDG", t("col.indicator", lang), t("col.unit", lang), "↑↓")
    for e in entries:
        table.add_row(e.spec.key, str(e.spec.sdg), e.name(lang), e.spec.unit, t(f"direction.{e.spec.direction}", lang))
    console.print(table)


@indicator_app.command("adopt")
def indicator_adopt(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    actor: AsOpt,
    ids: Annotated[Optional[list[str]], typer.Argument(help="Kennungen aus `zyklus indicator catalogue`.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Alle noch nicht übernommenen Katalog-Indikatoren.")] = False,
    theme: ThemeOpt = None,
    goal: GoalOpt = None,
    values_due: ValuesDueOpt = None,
) -> None:
    """Indikatoren aus dem Katalog übernehmen / adopt catalogue indicators."""
    lang = ctx.obj.lang
    adopted = _programme(ctx).adopt(ags, ids or [], actor=actor, every=every, theme_field=theme, goal=goal,
                                    values_due=values_due)
    typer.echo(t("indicator.adopted", lang, count=len(adopted), ags=ags.strip(), keys=", ".join(adopted) or "–"))


@indicator_app.command("import")
def indicator_import(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    file: Annotated[Path, typer.Argument(help="CSV-Datei; Spalten siehe docs/indicators.md.")],
    actor: AsOpt,
    values_due: ValuesDueOpt = None,
) -> None:
    """Eigene Indikatoren aus einer CSV-Datei importieren (alles oder nichts) / import from CSV.
    --values-due gilt für Zeilen ohne eigene Spalte values_due."""
    keys = _programme(ctx).import_csv(ags, file, actor=actor, values_due=values_due)
    typer.echo(t("indicator.imported", ctx.obj.lang, count=len(keys), file=file.name, ags=ags.strip()))


@indicator_app.command("add")
def indicator_add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument(help="Kennung, z. B. radverkehrsanteil.")],
    name: Annotated[str, typer.Option("--name", help="Name des Indikators.")],
    sdg: Annotated[str, typer.Option("--sdg", help="SDG 1–17.")],
    unit: Annotated[str, typer.Option("--unit", help="Einheit, z. B. % oder „t je Einwohner:in“.")],
    direction: Annotated[str, typer.Option("--direction", help="increase, decrease oder band.")],
    actor: AsOpt,
    decimals: Annotated[Optional[str], typer.Option("--decimals", help="Nachkommastellen (Standard 1).")] = None,
    band_low: Annotated[Optional[str], typer.Option("--band-low", help="Untergrenze (nur band).")] = None,
    band_high: Annotated[Optional[str], typer.Option("--band-high", help="Obergrenze (nur band).")] = None,
    baseline_year: Annotated[Optional[str], typer.Option("--baseline-year", help="Jahr des Ausgangswerts.")] = None,
    baseline_value: Annotated[Optional[str], typer.Option("--baseline-value", help="Ausgangswert.")] = None,
    target: Annotated[list[str], typer.Option("--target", help="Zielwert JAHR=WERT, mehrfach möglich.")] = [],  # noqa: B006
    source: Annotated[Optional[str], typer.Option("--source", help="Datenquelle.")] = None,
    theme: ThemeOpt = None,
    goal: GoalOpt = None,
    definition: Annotated[Optional[str], typer.Option("--definition", help="Berechnung in Worten.")] = None,
    values_due: ValuesDueOpt = None,
) -> None:
    """Einen eigenen Indikator anlegen / add an own indicator."""
    raw = {"id": key, "name": name, "sdg": sdg, "unit": unit, "direction": direction, "decimals": decimals,
           "band_low": band_low, "band_high": band_high, "baseline_year": baseline_year,
           "baseline_value": baseline_value, "targets": " ".join(target) or None, "source": source,
           "theme_field": theme, "goal": goal, "definition": definition, "values_due": values_due}
    row = _programme(ctx).add(ags, raw, actor=actor)
    typer.echo(t("indicator.added", ctx.obj.lang, key=row.key, ags=ags.strip()))


@indicator_app.command("target")
def indicator_target(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    year: Annotated[str, typer.Argument(help="Zieljahr.")],
    value: Annotated[str, typer.Argument(help="Zielwert (12,5 oder 12.5).")],
    actor: AsOpt,
) -> None:
    """Einen Zielwert setzen oder ändern / set a target."""
    indicator, target = _programme(ctx).set_target(ags, key, year, value, actor=actor)
    typer.echo(t("indicator.target_set", ctx.obj.lang, key=indicator.key, year=target.year,
                 value=format_number(target.value, indicator.decimals, ctx.obj.lang)))


@indicator_app.command("baseline")
def indicator_baseline(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    year: Annotated[str, typer.Argument(help="Jahr des Ausgangswerts.")],
    value: Annotated[str, typer.Argument(help="Ausgangswert.")],
    actor: AsOpt,
) -> None:
    """Den Ausgangswert setzen / set the baseline."""
    row = _programme(ctx).set_baseline(ags, key, year, value, actor=actor)
    typer.echo(t("indicator.baseline_set", ctx.obj.lang, key=row.key, year=row.baseline_year,
                 value=format_number(row.baseline_value, row.decimals, ctx.obj.lang)))


@indicator_app.command("values-due")
def indicator_values_due(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    month_day: Annotated[str, typer.Argument(help="MM-TT, z. B. 06-30.")],
    actor: AsOpt,
) -> None:
    """Den jährlichen Stichtag für den Vorjahreswert setzen / set the yearly due date of values."""
    lang = ctx.obj.lang
    row = _programme(ctx).set_values_due(ags, key, month_day, actor=actor)
    month, day = row.values_due.split("-")
    typer.echo(t("indicator.values_due_set", lang, key=row.key, day=f"{day}.{month}." if lang == "de" else row.values_due))


@indicator_app.command("record")
def indicator_record(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    year: Annotated[str, typer.Argument(help="Berichtsjahr.")],
    value: Annotated[str, typer.Argument(help="Wert (12,5 oder 12.5).")],
    actor: AsOpt,
    source: Annotated[Optional[str], typer.Option("--source", help="Quelle (Standard: die des Indikators).")] = None,
) -> None:
    """Einen Jahreswert erfassen (Monitoring) / record a yearly value."""
    lang = ctx.obj.lang
    recorded = _programme(ctx).record(ags, key, year, value, actor=actor, source=source)
    indicator = recorded.indicator
    values = {"key": indicator.key, "year": recorded.value.year, "unit": indicator.unit,
              "value": format_number(recorded.value.value, indicator.decimals, lang)}
    if recorded.corrected is None:
        typer.echo(t("indicator.recorded", lang, **values))
    else:
        typer.echo(t("indicator.corrected", lang, old=format_number(recorded.corrected, indicator.decimals, lang),
                     **values))


def _target_text(view: "IndicatorView", lang: str) -> str:
    if view.band:
        return f"{format_number(view.band[0], view.row.decimals, lang)}–{format_number(view.band[1], view.row.decimals, lang)}"  # type: ignore[arg-type]
    if not view.targets:
        return t(f"direction.{view.row.direction}", lang)  # type: ignore[arg-type]
    return ", ".join(f"{format_number(v, view.row.decimals, lang)} ({y})" for y, v in view.targets)  # type: ignore[arg-type]


@indicator_app.command("list")
def indicator_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Die Indikatoren eines Zyklus mit Zielen und Werten / a cycle's indicators."""
    lang = ctx.obj.lang
    views = _programme(ctx).indicators(ags, cycle)
    if as_json:
        _print_json([{"id": v.row.key, "name": v.row.name, "sdg": v.row.sdg, "unit": v.row.unit,
                      "decimals": v.row.decimals, "direction": v.row.direction, "band": v.band,
                      "baseline": {"year": v.baseline[0], "value": v.baseline[1]} if v.baseline else None,
                      "targets": [{"year": y, "value": val} for y, val in v.targets], "source": v.row.source,
                      "theme_field": v.row.theme_field, "goal": v.goal_key, "catalogue_id": v.row.catalogue_id,
                      "values_due": v.row.values_due,
                      "values": [{"year": x.year, "value": x.value, "source": x.source, "recorded_by": x.recorded_by,
                                  "recorded_at": x.recorded_at.isoformat()} for x in v.values]} for v in views])
        return
    if not views:
        typer.echo(t("indicator.none", lang, ags=ags.strip()))
        return
    table = Table(t("col.id", lang), "SDG", t("col.indicator", lang), t("col.baseline", lang), t("col.target", lang),
                  t("col.latest", lang))
    for v in views:
        d = v.row.decimals
        baseline = f"{format_number(v.baseline[1], d, lang)} ({v.baseline[0]})" if v.baseline else "–"
        latest = f"{format_number(v.values[-1].value, d, lang)} ({v.values[-1].year})" if v.values else "–"
        table.add_row(v.row.key, str(v.row.sdg), f"{v.row.name} [{v.row.unit}]", baseline, _target_text(v, lang),
                      latest)
    console.print(table)


# -- goals ------------------------------------------------------------------------------------------
@goal_app.command("add")
def goal_add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument(help="Kennung, z. B. klima-1.")],
    title: Annotated[str, typer.Option("--title", help="Das Ziel in einem Satz.")],
    theme: Annotated[str, typer.Option("--theme", help="Themenfeld.")],
    actor: AsOpt,
) -> None:
    """Ein Ziel des Handlungsprogramms anlegen / add a goal."""
    row = _programme(ctx).add_goal(ags, key, title=title, theme_field=theme, actor=actor)
    typer.echo(t("goal.added", ctx.obj.lang, key=row.key, ags=ags.strip()))


@goal_app.command("list")
def goal_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
              as_json: JsonOpt = False) -> None:
    """Ziele eines Zyklus / a cycle's goals."""
    rows = _programme(ctx).goals(ags, cycle)
    if as_json:
        _print_json([{"id": g.key, "title": g.title, "theme_field": g.theme_field} for g in rows])
        return
    table = Table(t("col.id", ctx.obj.lang), t("col.title", ctx.obj.lang), t("col.theme", ctx.obj.lang))
    for g in rows:
        table.add_row(g.key, g.title, g.theme_field)
    console.print(table)


# -- measures ---------------------------------------------------------------------------------------
@measure_app.command("add")
def measure_add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument(help="Kennung, z. B. m-radwege.")],
    title: Annotated[str, typer.Option("--title", help="Was getan wird.")],
    actor: AsOpt,
    goal: GoalOpt = None,
    theme: ThemeOpt = None,
    responsible: Annotated[Optional[str], typer.Option("--responsible",
                                                       help="Zuständiges Amt oder Funktion (erscheint im Bericht).")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="Geplanter Beginn JJJJ-MM-TT.")] = None,
    end: Annotated[Optional[str], typer.Option("--end", help="Geplantes Ende JJJJ-MM-TT.")] = None,
) -> None:
    """Eine Maßnahme anlegen / add a measure."""
    row = _programme(ctx).add_measure(ags, key, title=title, actor=actor, goal=goal, theme_field=theme,
                                      responsible=responsible, planned_start=start, planned_end=end)
    typer.echo(t("measure.added", ctx.obj.lang, key=row.key, ags=ags.strip()))


@measure_app.command("status")
def measure_status(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    status: Annotated[str, typer.Argument(help="planned, in_progress, done, delayed oder dropped.")],
    actor: AsOpt,
    on: Annotated[Optional[str], typer.Option("--on", help="Datum JJJJ-MM-TT (Standard: heute).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Anmerkung, z. B. Grund der Verzögerung.")] = None,
) -> None:
    """Den Stand einer Maßnahme festhalten / record a measure's status."""
    lang = ctx.obj.lang
    row = _programme(ctx).set_measure_status(ags, key, status, actor=actor, on=on, note=note)
    typer.echo(t("measure.status_set", lang, key=row.key, status=t(f"measure.status.{row.status}", lang),
                 on=format_date(row.status_on, lang)))


@measure_app.command("list")
def measure_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Maßnahmen eines Zyklus mit Stand / a cycle's measures."""
    lang = ctx.obj.lang
    programme = _programme(ctx)
    rows = programme.measures(ags, cycle)
    goals = {g.id: g.key for g in programme.goals(ags, cycle)}
    if as_json:
        _print_json([{"id": m.key, "title": m.title, "goal": goals.get(m.goal_id), "theme_field": m.theme_field,  # type: ignore[arg-type]
                      "responsible": m.responsible, "status": m.status, "status_on": m.status_on.isoformat(),
                      "planned_start": _iso(m.planned_start), "planned_end": _iso(m.planned_end),
                      "started_on": _iso(m.started_on), "finished_on": _iso(m.finished_on),
                      "carried_over": m.carried_from_id is not None} for m in rows])
        return
    table = Table(t("col.id", lang), t("col.title", lang), t("col.theme", lang), t("col.status", lang),
                  t("col.planned_end", lang))
    for m in rows:
        table.add_row(m.key, m.title, goals.get(m.goal_id) or m.theme_field or "",  # type: ignore[arg-type]
                      f"{t(f'measure.status.{m.status}', lang)} ({format_date(m.status_on, lang)})",
                      format_date(m.planned_end, lang))
    console.print(table)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


# -- evaluation, report, cycles -------------------------------------------------------------------------
def evaluate(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
             as_json: JsonOpt = False) -> None:
    """Indikatoren bewerten (Wettersymbole), Maßnahmen und Zeitplan bilanzieren / evaluate a cycle."""
    from engine.indicators.assessment import as_json as assessment_json
    from engine.indicators.assessment import assess

    lang = ctx.obj.lang
    assessment = assess(ctx.obj.service, ags, cycle)
    if as_json:
        _print_json(assessment_json(assessment))
        return
    table = Table(t("col.id", lang), t("col.indicator", lang), t("col.rating", lang), t("col.latest", lang),
                  t("col.target", lang), t("col.reached", lang))
    for item in assessment.indicators:
        rating, d = item.rating, item.view.row.decimals
        table.add_row(item.view.row.key, item.view.row.name, t(f"rating.{rating.symbol or 'none'}", lang),
                      f"{format_number(rating.current[1], d, lang)} ({rating.current[0]})" if rating.current else "–",
                      _target_text(item.view, lang), format_share(rating.share_reached, lang))
    console.print(table)
    summary = assessment.summary
    counts = ", ".join(f"{n} {t(f'measure.status.{s}', lang)}" for s, n in summary.counts.items() if n) or "–"
    typer.echo(t("evaluate.measures", lang, total=summary.total, counts=counts))
    if summary.overdue:
        typer.echo(t("evaluate.overdue", lang, keys=", ".join(m.key for m in summary.overdue)))
    timeline = Table(t("col.phase", lang), t("col.started", lang), t("col.planned_end", lang), t("col.ended", lang),
                     t("col.deviation", lang))
    for visit, label in assessment.timeline:
        late = visit.days_late(assessment.today)
        timeline.add_row(label, format_date(visit.entered_on, lang), format_date(visit.planned_end, lang),
                         format_date(visit.left_on, lang), "" if late is None else f"{late:+d}")
    console.print(timeline)


def report(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    out: Annotated[Path, typer.Option("--out", help="Zieldatei, z. B. bericht.html.")],
    cycle: CycleOpt = None,
) -> None:
    """Den Nachhaltigkeitsbericht als HTML-Datei erzeugen / render the sustainability report."""
    from engine.errors import InvalidInput
    from engine.indicators.assessment import assess
    from engine.report.render import render_report

    lang = ctx.obj.lang
    html = render_report(assess(ctx.obj.service, ags, cycle), lang)
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(t("report.unwritable", lang, path=str(out), error=exc.strerror or exc)) from None
    typer.echo(t("report.written", lang, path=str(out)))


def cycles(ctx: typer.Context, ags: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Alle Zyklen mit Daten, Ablauf-Version und Ergebnis / all cycles with dates, version and outcome."""
    from engine.outcomes import cycle_outcomes

    lang = ctx.obj.lang
    rows = cycle_outcomes(ctx.obj.service, ags)
    if as_json:
        _print_json(rows)
        return
    table = Table(t("col.cycle", lang), "Workflow", t("col.started", lang), t("col.ended", lang),
                  t("col.outcome", lang))
    for row in rows:
        outcome = [t("cycles.running", lang, phase=row["phase_label"]) if row["status"] == "running"
                   else t("cycles.completed", lang)]
        if row["report_published"]:
            published = row["report_published"]
            outcome.append(t("cycles.published", lang, date=format_date(published["date"], lang), where=published["where"]))
        if row["restart_on"]:
            outcome.append(t("cycles.next", lang, on=format_date(row["restart_on"], lang)))
        table.add_row(str(row["number"]), f'{row["workflow"]} {row["version"]}', format_date(row["started_on"], lang),
                      format_date(row["completed_on"], lang), "; ".join(outcome))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(indicator_app, name="indicator")
    app.add_typer(goal_app, name="goal")
    app.add_typer(measure_app, name="measure")
    app.command("evaluate")(evaluate)
    app.command("report")(report)
    app.command("cycles")(cycles)
