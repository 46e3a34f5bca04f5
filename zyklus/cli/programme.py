"""Commands of the action programme and its evaluation: indicator, goal, measure, evaluate,
report, cycles. Thin like the other commands: parse, call the door, print its DTOs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.table import Table

from engine import typed_input as typed
from engine.i18n import Language, format_date, m, os_reason, t, tn, year_span
from engine.numbers import format_exact, format_number, format_share
from zyklus.cli.common import AsOpt, JsonOpt, console, print_json
from zyklus.cli.groups import PlainGroup, group

if TYPE_CHECKING:
    from zyklus.app.dto import GoalDTO, IndicatorDTO
    from zyklus.app.programme import Branch


class SetByDefault(PlainGroup):
    """A group whose first argument, when it names no subcommand, belongs to its ``set`` command:
    ``indicator target AGS KEY 2030 40`` sets a target as it always did, while
    ``indicator target delete AGS KEY 2030`` removes one."""

    default = "set"

    def parse_args(self, ctx, args):  # noqa: ANN001, ANN201 - click's signature
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


class WriteByDefault(SetByDefault):
    """``report AGS --out FILE`` writes the report as it always did; ``report text …`` and
    ``report texts …`` manage the report's own texts."""

    default = "write"


indicator_app = group(help="Indikatoren: Katalog, Ziele, Werte.")
goal_app = group(help="Ziele des Handlungsprogramms.")
measure_app = group(help="Maßnahmen und ihr Stand.")
target_app = group(cls=SetByDefault, help="Zielwerte setzen oder löschen.")
value_app = group(help="Jahreswerte importieren, exportieren, korrigieren.")
report_app = group(cls=WriteByDefault, help="Den Nachhaltigkeitsbericht schreiben, seine Texte verfassen.")
indicator_app.add_typer(target_app, name="target")
indicator_app.add_typer(value_app, name="value")

def _cycle_number(ctx: typer.Context, value: int | None) -> int | None:
    """A cycle number beyond the database's integer column is no cycle: one line, not an overflow."""
    from engine.validate import identifier

    return None if value is None else identifier(value, "--cycle", ctx.find_root().obj.lang)


CycleOpt = Annotated[Optional[int], typer.Option("--cycle", help="Zyklusnummer (Standard: der neueste).",
                                                 callback=_cycle_number)]
ThemeOpt = Annotated[Optional[str], typer.Option("--theme", help="Themenfeld, z. B. „Klima und Energie“.")]
GoalOpt = Annotated[Optional[str], typer.Option("--goal", help="Kennung eines Ziels (zyklus goal add).")]
ReasonOpt = Annotated[Optional[str], typer.Option("--reason", help="Begründung (wird im Verlauf festgehalten).")]
SdgOpt = Annotated[Optional[str], typer.Option("--sdg", help="SDG-Ziel 1–17.")]
SdgTargetOpt = Annotated[Optional[str], typer.Option("--sdg-target", help="SDG-Unterziel, z. B. 7.2.")]
ValuesDueOpt = Annotated[Optional[str], typer.Option(
    "--values-due", help="MM-TT: bis zu diesem Tag ist jedes Jahr der Vorjahreswert fällig (Standard 03-31).")]
NumbersOpt = Annotated[Optional[str], typer.Option(
    "--numbers", help="Schreibweise der Zahlen in der Datei: de (1.234,5) oder en (1,234.5); "
                      "Standard: die Sprache der Sitzung.")]


def _programme(ctx: typer.Context):  # noqa: ANN202 - the door's ProgrammeArea
    return ctx.obj.door.programme


# -- indicators -------------------------------------------------------------------------------------
@indicator_app.command("catalogue")
def catalogue_list(
    ctx: typer.Context,
    sdg: Annotated[Optional[str], typer.Option("--sdg", help="Nur Indikatoren dieses SDG (1–17).")] = None,
    kind: Annotated[Optional[str], typer.Option(
        "--type", help="Nur Indikatoren dieses Typs: I (zentrale Daten), II (selbst erhoben), own (andere Quellen).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Der mitgelieferte Katalog kommunaler SDG-Indikatoren mit Steckbrief."""
    lang = ctx.obj.lang
    entries = _programme(ctx).catalogue(typed.sdg(sdg, lang), lang, kind=kind)
    if as_json:
        print_json(entries)
        return
    table = Table()
    # The id is what `indicator adopt` takes: never shortened, however narrow the terminal. The
    # profile's other fields (levels, interval, publication lag, citation) are in --json.
    table.add_column(t("col.id", lang), no_wrap=True, min_width=max((len(e.id) for e in entries), default=2))
    table.add_column(f'SDG · {t("col.type", lang)}', no_wrap=True)
    table.add_column(t("col.indicator", lang), min_width=10, ratio=3)
    table.add_column(t("col.unit", lang), ratio=1)
    table.add_column("↑↓", ratio=1)
    for e in entries:
        table.add_row(e.id, f"{e.sdg_target} · {e.type}" + (" · BNK" if e.bnk_core else ""), e.name, e.unit,
                      _direction_words(e.direction, e.band, e.decimals, lang))
    console.print(table, markup=False)


def _direction_words(direction: str, band: tuple[float, float] | None, decimals: int, lang: Language) -> str:
    """„sinkend“, or for a band of one value (parity) the value to move towards and hold: „→ 50,0“."""
    if band is not None and band[0] == band[1]:
        return t("direction.towards", lang, value=format_number(band[0], decimals, lang))
    return t(f"direction.{direction}", lang)


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
    """Indikatoren aus dem Katalog übernehmen."""
    lang = ctx.obj.lang
    added = _programme(ctx).adopt(ags, ids or [], actor=actor, every=every, theme_field=theme, goal=goal,
                                  values_due=values_due, lang=lang)
    typer.echo(tn("indicator.adopted", len(added.ids), lang, ags=ags.strip(), keys=", ".join(added.ids) or "–"))
    _inherited(added, lang)


def _inherited(added: Any, lang: Language) -> None:
    """One line per new indicator that takes over yearly values its key already had (a deleted
    indicator's): they count for it, and that is never silent."""
    for found in added.inherited:
        typer.echo(tn("indicator.inherits_values", found.count, lang, key=found.id,
                      years=year_span(found.first_year, found.last_year)))


@indicator_app.command("import")
def indicator_import(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    file: Annotated[Path, typer.Argument(help="CSV-Datei; Spalten siehe docs/indicators.md.")],
    actor: AsOpt,
    values_due: ValuesDueOpt = None,
    numbers: NumbersOpt = None,
) -> None:
    """Eigene Indikatoren aus einer CSV-Datei importieren (alles oder nichts).
    --values-due gilt für Zeilen ohne eigene Spalte values_due."""
    keys = _programme(ctx).import_csv(ags, file, actor=actor, values_due=values_due, numbers=numbers,
                                      lang=ctx.obj.lang)
    typer.echo(tn("indicator.imported", len(keys), ctx.obj.lang, file=file.name, ags=ags.strip()))


@indicator_app.command("add")
def indicator_add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument(help="Kennung, z. B. radverkehrsanteil.")],
    name: Annotated[str, typer.Option("--name", help="Name des Indikators.")],
    sdg: Annotated[str, typer.Option("--sdg", help="SDG 1–17.")],
    unit: Annotated[str, typer.Option("--unit", help="Einheit, z. B. % oder „t je Einwohner:in“.")],
    direction: Annotated[str, typer.Option("--direction", help="steigend, sinkend oder korridor (increase, decrease, band).")],
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
    publication_lag: Annotated[Optional[str], typer.Option(
        "--publication-lag", help="Jahre, bis die Quelle einen Jahreswert veröffentlicht (Standard 1): "
                                  "die Erinnerung im Jahr J fragt nach dem Wert von J minus diesem Verzug.")] = None,
) -> None:
    """Einen eigenen Indikator anlegen."""
    raw = {"id": key, "name": name, "sdg": sdg, "unit": unit, "direction": direction, "decimals": decimals,
           "band_low": band_low, "band_high": band_high, "baseline_year": baseline_year,
           "baseline_value": baseline_value, "targets": " ".join(target) or None, "source": source,
           "theme_field": theme, "goal": goal, "definition": definition, "values_due": values_due,
           "publication_lag": publication_lag}
    added = _programme(ctx).add_indicator(ags, raw, actor=actor, lang=ctx.obj.lang)
    typer.echo(t("indicator.added", ctx.obj.lang, key=added.ids[0], ags=ags.strip()))
    _inherited(added, ctx.obj.lang)


NEGATIVES = {"ignore_unknown_options": True}
"""A value like ``-5`` is not an option these commands know, so Click hands it on as the value
instead of refusing it (no ``--`` needed); a mistyped option still fails as an extra argument."""
ValueArg = Annotated[str, typer.Argument(help="Zahl wie 1.234,5 oder -5 (in englischer Sitzung 1,234.5).")]


@target_app.command("set", context_settings=NEGATIVES)
def indicator_target(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    year: Annotated[str, typer.Argument(help="Zieljahr.")],
    value: ValueArg,
    actor: AsOpt,
) -> None:
    """Einen Zielwert setzen oder ändern (auch ohne „set“)."""
    lang = ctx.obj.lang
    target = _programme(ctx).set_target(ags, key, typed.year(year, lang), typed.number(value, lang), actor=actor,
                                        lang=lang)
    typer.echo(t("indicator.target_set", ctx.obj.lang, key=target.indicator, year=target.year,
                 value=format_number(target.value, target.decimals, ctx.obj.lang)))


@indicator_app.command("baseline", context_settings=NEGATIVES)
def indicator_baseline(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    year: Annotated[str, typer.Argument(help="Jahr des Ausgangswerts.")],
    value: ValueArg,
    actor: AsOpt,
) -> None:
    """Den Ausgangswert setzen."""
    lang = ctx.obj.lang
    baseline = _programme(ctx).set_baseline(ags, key, typed.year(year, lang), typed.number(value, lang),
                                            actor=actor, lang=lang)
    typer.echo(t("indicator.baseline_set", ctx.obj.lang, key=baseline.indicator, year=baseline.year,
                 value=format_number(baseline.value, baseline.decimals, ctx.obj.lang)))


@indicator_app.command("values-due")
def indicator_values_due(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    month_day: Annotated[str, typer.Argument(help="MM-TT, z. B. 06-30.")],
    actor: AsOpt,
) -> None:
    """Den jährlichen Stichtag für den Vorjahreswert setzen."""
    lang = ctx.obj.lang
    values_due = _programme(ctx).set_values_due(ags, key, month_day, actor=actor, lang=lang)
    month, day = values_due.split("-")
    typer.echo(t("indicator.values_due_set", lang, key=key.strip(), day=f"{day}.{month}." if lang == "de" else values_due))


@indicator_app.command("record", context_settings=NEGATIVES)
def indicator_record(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    year: Annotated[str, typer.Argument(help="Berichtsjahr.")],
    value: ValueArg,
    actor: AsOpt,
    source: Annotated[Optional[str], typer.Option("--source", help="Quelle (Standard: die des Indikators).")] = None,
    reason: ReasonOpt = None,
) -> None:
    """Einen Jahreswert erfassen oder korrigieren (Monitoring)."""
    lang = ctx.obj.lang
    recorded = _programme(ctx).record_value(ags, key, typed.year(year, lang), typed.number(value, lang),
                                            actor=actor, source=source, reason=reason, lang=lang)
    if recorded.corrected is None:
        typer.echo(t("indicator.recorded", lang, key=recorded.indicator, year=recorded.year, unit=recorded.unit,
                     value=format_number(recorded.value, recorded.decimals, lang)))
    else:  # both as typed and stored, every digit: rounded, the line would hide what was corrected
        typer.echo(t("indicator.corrected", lang, key=recorded.indicator, year=recorded.year, unit=recorded.unit,
                     value=format_exact(recorded.value, lang), old=format_exact(recorded.corrected, lang)))


def _echo_removed_year(ctx: typer.Context, message: str, key: str, removed, as_json: bool) -> None:  # noqa: ANN001
    """A removed value or target: the DTO, or one line with the number as it was stored (every digit)."""
    if as_json:
        print_json(removed)
        return
    lang = ctx.obj.lang
    typer.echo(t(message, lang, key=key.strip(), year=removed.year, value=format_exact(removed.value, lang)))


@value_app.command("delete")
def value_delete(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    year: Annotated[str, typer.Argument(help="Berichtsjahr.")],
    actor: AsOpt,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Einen versehentlich erfassten Jahreswert löschen."""
    removed = _programme(ctx).delete_value(ags, key, typed.year(year, ctx.obj.lang), actor=actor, reason=reason,
                                           lang=ctx.obj.lang)
    _echo_removed_year(ctx, "indicator.value_deleted", key, removed, as_json)


@value_app.command("import")
def value_import(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    file: Annotated[Path, typer.Argument(help="CSV- oder XLSX-Datei mit Spalten indicator, year, value "
                                              "[, source, reason]; siehe docs/indicators.md.")],
    actor: AsOpt,
    numbers: NumbersOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Jahreswerte vieler Indikatoren aus CSV oder XLSX erfassen (alles oder nichts)."""
    from zyklus.cli.progress import progress_bar

    lang = ctx.obj.lang
    labels = {phase: t(f"values.progress.{phase}", lang) for phase in ("read", "write")}
    with progress_bar(labels, quiet=as_json) as progress:
        imported = _programme(ctx).import_values(ags, file, actor=actor, numbers=numbers, lang=lang,
                                                 on_progress=progress)
    if as_json:
        print_json(imported)
        return
    typer.echo(t("values.imported", lang, file=imported.file, ags=ags.strip(), added=imported.added,
                 changed=imported.changed, unchanged=imported.unchanged))
    for c in imported.indicators:
        typer.echo(t("values.imported_indicator", lang, key=c.indicator, added=c.added, changed=c.changed,
                     unchanged=c.unchanged))


@value_app.command("export")
def value_export(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    file: Annotated[Path, typer.Argument(help="Zieldatei, .csv oder .xlsx (wird ersetzt).")],
    cycle: CycleOpt = None,
    numbers: NumbersOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Die Jahreswerte der Indikatoren eines Zyklus in eine CSV- oder XLSX-Datei schreiben,
    im Format von `indicator value import`."""
    from zyklus.cli.progress import progress_bar

    lang = ctx.obj.lang
    with progress_bar({"write": t("values.progress.export", lang)}, quiet=as_json) as progress:
        exported = _programme(ctx).export_values(ags, file, cycle=cycle, numbers=numbers, lang=lang,
                                                 on_progress=progress)
    if as_json:
        print_json(exported)
        return
    typer.echo(tn("values.exported", exported.values, lang, cycle=exported.cycle, ags=ags.strip(),
                  file=exported.file))


@target_app.command("delete")
def target_delete(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    year: Annotated[str, typer.Argument(help="Zieljahr.")],
    actor: AsOpt,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Einen versehentlich gesetzten Zielwert löschen."""
    removed = _programme(ctx).delete_target(ags, key, typed.year(year, ctx.obj.lang), actor=actor, reason=reason,
                                            lang=ctx.obj.lang)
    _echo_removed_year(ctx, "indicator.target_deleted", key, removed, as_json)


@indicator_app.command("update")
def indicator_update(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    actor: AsOpt,
    name: Annotated[Optional[str], typer.Option("--name", help="Neuer Name.")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="Neue Einheit.")] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Datenquelle (leer: keine).")] = None,
    theme: Annotated[Optional[str], typer.Option("--theme", help="Themenfeld (leer: keines).")] = None,
    goal: Annotated[Optional[str], typer.Option("--goal", help="Kennung eines Ziels (leer: keines).")] = None,
    sdg: SdgOpt = None,
    sdg_target: SdgTargetOpt = None,
    definition: Annotated[Optional[str], typer.Option("--definition", help="Berechnung in Worten (leer: keine).")] = None,
    direction: Annotated[Optional[str], typer.Option(
        "--direction", help="steigend, sinkend oder korridor (increase, decrease, band); ein Korridor braucht "
                            "--band-low und --band-high.")] = None,
    band_low: Annotated[Optional[str], typer.Option("--band-low", help="Untergrenze (nur band).")] = None,
    band_high: Annotated[Optional[str], typer.Option("--band-high", help="Obergrenze (nur band).")] = None,
    values_due: ValuesDueOpt = None,
    publication_lag: Annotated[Optional[str], typer.Option(
        "--publication-lag", help="Jahre, bis die Quelle einen Jahreswert veröffentlicht.")] = None,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Einen Indikator korrigieren (alte Angaben bleiben im Verlauf)."""
    lang = ctx.obj.lang
    row = _programme(ctx).update_indicator(ags, key, actor=actor, reason=reason, name=name, unit=unit, source=source,
                                           theme_field=theme, goal=goal, sdg=typed.whole(sdg, lang, ""),
                                           sdg_target=sdg_target, definition=definition, direction=direction,
                                           band_low=typed.number(band_low, lang),
                                           band_high=typed.number(band_high, lang), values_due=values_due,
                                           publication_lag=typed.whole(publication_lag, lang), lang=lang)
    _echo(ctx, row, as_json, "indicator.updated", key=row.id)


@indicator_app.command("delete")
def indicator_delete(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    actor: AsOpt,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Einen Indikator aus dem Handlungsprogramm löschen (Jahreswerte bleiben)."""
    removed = _programme(ctx).delete_indicator(ags, key, actor=actor, reason=reason, lang=ctx.obj.lang)
    _echo(ctx, removed, as_json, "indicator.deleted", key=removed.id)


def _echo(ctx: typer.Context, dto, as_json: bool, message: str, **params: object) -> None:  # noqa: ANN001
    """The DTO with ``--json``, else the one confirming line."""
    if as_json:
        print_json(dto)
    else:
        typer.echo(t(message, ctx.obj.lang, **params))


def _target_text(indicator: IndicatorDTO, lang: str) -> str:
    d = indicator.decimals
    if indicator.band:
        return f"{format_number(indicator.band[0], d, lang)}–{format_number(indicator.band[1], d, lang)}"
    if not indicator.targets:
        return t(f"direction.{indicator.direction}", lang)
    return ", ".join(f"{format_number(x.value, d, lang)} ({x.year})" for x in indicator.targets)


@indicator_app.command("list")
def indicator_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Die Indikatoren eines Zyklus mit Zielen und Werten."""
    lang = ctx.obj.lang
    indicators = _programme(ctx).indicators(ags, cycle, lang)
    if as_json:
        print_json(indicators)
        return
    if not indicators:
        typer.echo(t("indicator.none", lang, ags=ags.strip()))
        return
    table = Table(t("col.id", lang), "SDG", t("col.indicator", lang), t("col.baseline", lang), t("col.target", lang),
                  t("col.latest", lang))
    for v in indicators:
        d = v.decimals
        baseline = f"{format_number(v.baseline.value, d, lang)} ({v.baseline.year})" if v.baseline else "–"
        latest = f"{format_number(v.values[-1].value, d, lang)} ({v.values[-1].year})" if v.values else "–"
        table.add_row(v.id, str(v.sdg), f"{v.name} [{v.unit}]", baseline, _target_text(v, lang), latest)
    console.print(table, markup=False)


# -- goals ------------------------------------------------------------------------------------------
LevelOpt = Annotated[str, typer.Option("--level", help="guideline (Leitlinie), strategic oder operative.")]
ParentOpt = Annotated[Optional[str], typer.Option("--parent", help="Kennung des übergeordneten Ziels.")]
TargetYearOpt = Annotated[Optional[str], typer.Option("--target-year", help="Zieljahr (operative Ziele).")]


@goal_app.command("add")
def goal_add(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument(help="Kennung, z. B. klima-1.")],
    title: Annotated[str, typer.Option("--title", help="Das Ziel in einem Satz.")],
    actor: AsOpt,
    theme: Annotated[Optional[str], typer.Option("--theme", help="Themenfeld (ohne --parent nötig).")] = None,
    level: LevelOpt = "strategic",
    parent: ParentOpt = None,
    target_year: TargetYearOpt = None,
    sdg: SdgOpt = None,
    sdg_target: SdgTargetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Eine Leitlinie oder ein Ziel des Handlungsprogramms anlegen."""
    lang = ctx.obj.lang
    row = _programme(ctx).add_goal(ags, key, title=title, theme_field=theme, level=level, parent=parent,
                                   target_year=typed.year(target_year, lang), sdg=typed.whole(sdg, lang),
                                   sdg_target=sdg_target, actor=actor, lang=lang)
    _echo(ctx, row, as_json, "goal.added", key=row.id, ags=ags.strip())


@goal_app.command("update")
def goal_update(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    actor: AsOpt,
    title: Annotated[Optional[str], typer.Option("--title", help="Neuer Wortlaut.")] = None,
    theme: Annotated[Optional[str], typer.Option("--theme", help="Neues Themenfeld (nur an einer Leitlinie oder einem Ziel ohne übergeordnetes).")] = None,
    target_year: Annotated[Optional[str], typer.Option("--target-year", help="Zieljahr (leer: keines).")] = None,
    sdg: SdgOpt = None,
    sdg_target: SdgTargetOpt = None,
    level: Annotated[Optional[str], typer.Option(
        "--level", help="Neue Ebene: guideline (Leitlinie), strategic oder operative.")] = None,
    parent: Annotated[Optional[str], typer.Option(
        "--parent", help="Neues übergeordnetes Ziel (leer: keines); das Ziel übernimmt dessen Themenfeld.")] = None,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ein Ziel korrigieren oder im Baum verschieben (der alte Stand bleibt im Verlauf)."""
    lang = ctx.obj.lang
    row = _programme(ctx).update_goal(ags, key, actor=actor, reason=reason, title=title, theme_field=theme,
                                      target_year=typed.year(target_year, lang, ""), sdg=typed.whole(sdg, lang, ""),
                                      sdg_target=sdg_target, level=level, parent=parent, lang=lang)
    _echo(ctx, row, as_json, "goal.updated", key=row.id)


@goal_app.command("delete")
def goal_delete(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    actor: AsOpt,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ein Ziel ohne Unterziele, Maßnahmen und Indikatoren löschen."""
    removed = _programme(ctx).delete_goal(ags, key, actor=actor, reason=reason, lang=ctx.obj.lang)
    _echo(ctx, removed, as_json, "goal.deleted", key=removed.id)


def in_tree_order(goals: list[GoalDTO]) -> list[tuple[int, GoalDTO]]:
    """The goals depth-first under their parents (Leitlinie, its strategic goals, each with its
    operative goals), with their depth, for an indented table."""
    from zyklus.app.programme import goal_tree

    out: list[tuple[int, GoalDTO]] = []

    def walk(branches: list[Branch], depth: int) -> None:
        for branch in branches:
            out.append((depth, branch.goal))
            walk(branch.children, depth + 1)

    walk(goal_tree(goals, []), 0)
    return out


@goal_app.command("list")
def goal_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
              as_json: JsonOpt = False) -> None:
    """Leitlinien und Ziele eines Zyklus als Baum."""
    lang = ctx.obj.lang
    rows = _programme(ctx).goals(ags, cycle, lang)
    if as_json:
        print_json(rows)
        return
    table = Table(t("col.id", lang), t("col.title", lang), t("col.theme", lang), "SDG")
    for depth, g in in_tree_order(rows):
        label = f"{'  ' * depth}{t(f'goal.level.{g.level}', lang)}: {g.title}"
        if g.target_year:
            label += f" ({g.target_year})"
        table.add_row(g.id, label, g.theme_field, g.sdg_target or (str(g.sdg) if g.sdg else ""))
    console.print(table, markup=False)


# -- measures ---------------------------------------------------------------------------------------
CostsOpt = Annotated[Optional[str], typer.Option("--costs", help="Geplante Kosten in Euro (leer: keine).")]
StaffOpt = Annotated[Optional[str], typer.Option("--staff", help="Geplantes Personal in Vollzeitstellen (leer: keines).")]
ProgressOpt = Annotated[Optional[str], typer.Option("--progress", help="Fortschritt in Prozent, 0–100.")]


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
    costs: CostsOpt = None,
    staff: StaffOpt = None,
    progress: ProgressOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Eine Maßnahme mit Ressourcenplanung anlegen."""
    programme, lang = _programme(ctx), ctx.obj.lang
    added = programme.add_measure(ags, key, title=title, actor=actor, goal=goal, theme_field=theme,
                                  responsible=responsible, planned_start=typed.day(start, lang),
                                  planned_end=typed.day(end, lang), costs=typed.number(costs, lang),
                                  staff=typed.number(staff, lang), progress=typed.whole(progress, lang), lang=lang)
    if as_json:
        print_json(programme.measure(ags, added, ctx.obj.lang))
        return
    typer.echo(t("measure.added", ctx.obj.lang, key=added, ags=ags.strip()))


@measure_app.command("update")
def measure_update(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    actor: AsOpt,
    title: Annotated[Optional[str], typer.Option("--title", help="Neuer Wortlaut.")] = None,
    goal: Annotated[Optional[str], typer.Option(
        "--goal", help="Kennung des Ziels, zu dem sie gehört (leer: keines; sie behält ihr Themenfeld).")] = None,
    theme: Annotated[Optional[str], typer.Option("--theme", help="Themenfeld (nur ohne Ziel).")] = None,
    responsible: Annotated[Optional[str], typer.Option("--responsible", help="Zuständiges Amt (leer: keines).")] = None,
    start: Annotated[Optional[str], typer.Option("--start", help="Geplanter Beginn JJJJ-MM-TT (leer: keiner).")] = None,
    end: Annotated[Optional[str], typer.Option("--end", help="Geplantes Ende JJJJ-MM-TT (leer: keines).")] = None,
    costs: CostsOpt = None,
    staff: StaffOpt = None,
    progress: ProgressOpt = None,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Eine Maßnahme korrigieren (der alte Plan bleibt im Verlauf)."""
    lang = ctx.obj.lang
    row = _programme(ctx).update_measure(ags, key, actor=actor, reason=reason, title=title, goal=goal,
                                         theme_field=theme, responsible=responsible, planned_start=typed.day(start, lang, ""),
                                         planned_end=typed.day(end, lang, ""), costs=typed.number(costs, lang, ""),
                                         staff=typed.number(staff, lang, ""),
                                         progress=typed.whole(progress, lang, ""), lang=lang)
    _echo(ctx, row, as_json, "measure.updated", key=row.id)


@measure_app.command("delete")
def measure_delete(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    actor: AsOpt,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Eine versehentlich angelegte Maßnahme löschen (aufgegebene: status dropped)."""
    removed = _programme(ctx).delete_measure(ags, key, actor=actor, reason=reason, lang=ctx.obj.lang)
    _echo(ctx, removed, as_json, "measure.deleted", key=removed.id)


@measure_app.command("link")
def measure_link(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    measure: Annotated[str, typer.Argument(help="Kennung der Maßnahme.")],
    indicator: Annotated[str, typer.Argument(help="Kennung des Indikators, den sie bewegen soll.")],
    actor: AsOpt,
    remove: Annotated[bool, typer.Option("--remove", help="Die Verknüpfung aufheben.")] = False,
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Eine Maßnahme mit einem Indikator verknüpfen."""
    link = _programme(ctx).link_measure(ags, measure, indicator, actor=actor, remove=remove, reason=reason,
                                        lang=ctx.obj.lang)
    _echo(ctx, link, as_json, "measure.linked" if link.linked else "measure.unlinked", measure=link.measure,
          indicator=link.indicator)


@measure_app.command("status")
def measure_status(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    key: Annotated[str, typer.Argument()],
    status: Annotated[str, typer.Argument(
        help="geplant, „in Umsetzung“, umgesetzt (erledigt), verzögert oder aufgegeben.")],
    actor: AsOpt,
    on: Annotated[Optional[str], typer.Option("--on", help="Datum JJJJ-MM-TT (Standard: heute).")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Anmerkung, z. B. Grund der Verzögerung.")] = None,
) -> None:
    """Den Stand einer Maßnahme festhalten."""
    lang = ctx.obj.lang
    row = _programme(ctx).set_measure_status(ags, key, status, actor=actor, on=typed.day(on, lang), note=note,
                                             lang=lang)
    typer.echo(t("measure.status_set", lang, key=row.id, status=t(f"measure.status.{row.status}", lang),
                 on=format_date(row.status_on, lang)))


@measure_app.command("list")
def measure_list(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Maßnahmen eines Zyklus mit Stand."""
    lang = ctx.obj.lang
    rows = _programme(ctx).measures(ags, cycle, lang)
    if as_json:
        print_json(rows)
        return
    table = Table(t("col.id", lang), t("col.title", lang), t("col.theme", lang), t("col.status", lang),
                  t("col.planned_end", lang))
    for measure in rows:
        table.add_row(measure.id, measure.title, measure.goal or measure.theme_field or "",
                      f"{t(f'measure.status.{measure.status}', lang)} ({format_date(measure.status_on, lang)})",
                      format_date(measure.planned_end, lang))
    console.print(table, markup=False)


# -- evaluation, report, cycles -------------------------------------------------------------------------
def evaluate(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
             as_json: JsonOpt = False) -> None:
    """Indikatoren bewerten (Wettersymbole), Maßnahmen und Zeitplan bilanzieren."""
    lang = ctx.obj.lang
    evaluation = _programme(ctx).evaluate(ags, cycle, lang)
    if as_json:
        print_json(evaluation)
        return
    table = Table(t("col.id", lang), t("col.indicator", lang), t("col.rating", lang), t("col.rule", lang),
                  t("col.latest", lang), t("col.target", lang), t("col.reached", lang))
    indicators = {i.id: i for i in _programme(ctx).indicators(ags, evaluation.cycle, lang)}
    basis: list[str] = []
    for item in evaluation.indicators:
        indicator, current = indicators[item.id], item.current
        table.add_row(item.id, item.name, t(f"rating.{item.symbol or 'none'}", lang),
                      t(f"method.{item.method or 'none'}", lang),
                      f"{format_number(current.value, indicator.decimals, lang)} ({current.year})" if current else "–",
                      _target_text(indicator, lang), format_share(item.share_reached, lang))
        if item.window:
            basis.append(t("evaluate.years", lang, key=item.id, first=item.window.first, last=item.window.last,
                           years=", ".join(map(str, item.years_used))))
        if item.earlier:
            basis.append(t("evaluate.earlier_list", lang, key=item.id, ratings="; ".join(
                t("evaluate.earlier", lang, cycle=e.cycle, year=e.reference_year,
                  rating=t(f"rating.{e.symbol or 'none'}", lang)) for e in item.earlier)))
        if item.corrected_note:
            basis.append(f"{item.id}: {item.corrected_note}")
    console.print(table, markup=False)
    for line in basis:
        typer.echo(line)
    measures = evaluation.measures
    counts = ", ".join(f"{n} {t(f'measure.status.{s}', lang)}" for s, n in measures.counts.items() if n) or "–"
    typer.echo(t("evaluate.measures", lang, total=measures.total, counts=counts))
    if measures.overdue:
        typer.echo(t("evaluate.overdue", lang, keys=", ".join(measures.overdue)))
    timeline = Table(t("col.phase", lang), t("col.started", lang), t("col.planned_end", lang), t("col.ended", lang),
                     t("col.deviation", lang))
    for visit in evaluation.timeline:
        late = visit.days_late
        timeline.add_row(visit.label, format_date(visit.entered_on, lang), format_date(visit.planned_end, lang),
                         format_date(visit.left_on, lang), "" if late is None else f"{late:+d}")
    console.print(timeline, markup=False)


@report_app.command("write")
def report(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    out: Annotated[Path, typer.Option("--out", help="Zieldatei: bericht.html, oder bericht.pdf für ein PDF.")],
    cycle: CycleOpt = None,
) -> None:
    """Den Nachhaltigkeitsbericht als HTML- oder PDF-Datei erzeugen."""
    from engine.errors import InvalidInput

    lang = ctx.obj.lang
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):  # HTML in a .docx would open as garbage
        raise InvalidInput(m("report.unknown_suffix", lang, path=str(out)))
    if out.suffix.lower() == ".pdf":
        content = _programme(ctx).report_pdf(ags, cycle, lang)
    else:
        content = _programme(ctx).report_html(ags, cycle, lang).encode("utf-8")
    _write_whole(out, content, lang)
    typer.echo(t("report.written", lang, path=str(out)))


def _write_whole(out: Path, content: bytes, lang: str) -> None:
    """Into a temporary file beside ``out``, then renamed: a failure leaves no half-written report
    (and an existing one as it was). Opened with ``open``, not ``mkstemp``, so the report gets the
    permissions the umask gives any new file rather than mkstemp's owner-only ones."""
    import os
    import secrets

    from engine.errors import InvalidInput

    temporary = out.with_name(f".{out.name}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            with open(temporary, "xb") as sink:
                sink.write(content)
            os.replace(temporary, out)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InvalidInput(m("report.unwritable", lang, path=str(out), error=os_reason(exc, lang))) from None


def _text_file(file: Path, lang: str) -> str:
    """A report text from a file as an office PC saves it: UTF-8 (with or without BOM), UTF-16
    with BOM, else Windows-1252 (the CSV import's rule); an empty file is an empty text (which
    removes it), a file that is not text at all is refused."""
    import sys

    from engine.errors import InvalidInput
    from engine.indicators.csv_import import decode

    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise InvalidInput(m("report_text.unreadable", lang, path=str(file), error=os_reason(exc, lang))) from None
    return decode(data, str(file), lang) if data.strip() else ""  # type: ignore[arg-type]


@report_app.command("text")
def report_text(
    ctx: typer.Context,
    ags: Annotated[str, typer.Argument()],
    kind: Annotated[str, typer.Argument(help="leitbild, foreword, next_steps, indicator:KENNUNG oder goal:KENNUNG.")],
    actor: AsOpt,
    file: Annotated[Optional[Path], typer.Option("--file", help="Text aus dieser Datei (UTF-8 oder "
                                                                "Windows-1252; - liest die Standardeingabe).")] = None,
    text: Annotated[Optional[str], typer.Option("--text", help="Der Text selbst; leer entfernt ihn.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Einen Text des Berichts schreiben: Leitbild, Vorwort, nächste Schritte, Deutung eines Ziels
    oder Indikators."""
    lang = ctx.obj.lang
    if (file is None) == (text is None):
        raise typer.BadParameter(t("report_text.file_or_text", lang))
    if file is not None:
        text = _text_file(file, lang)
    written = _programme(ctx).set_report_text(ags, kind, text or "", actor=actor, lang=lang)
    if as_json:
        print_json(written)
        return
    if written.text:
        typer.echo(t("report_text.written", lang, kind=written.kind, length=len(written.text)))
    else:
        typer.echo(t("report_text.removed", lang, kind=written.kind))


@report_app.command("texts")
def report_texts(ctx: typer.Context, ags: Annotated[str, typer.Argument()], cycle: CycleOpt = None,
                 as_json: JsonOpt = False) -> None:
    """Die Texte des Berichts, wie sie stehen."""
    lang = ctx.obj.lang
    rows = _programme(ctx).report_texts(ags, cycle, lang)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        typer.echo(f"## {row.kind} ({row.actor}, {format_date(row.recorded_at.date(), lang)})")
        typer.echo(row.text)
        typer.echo()


def cycles(ctx: typer.Context, ags: Annotated[str, typer.Argument()], as_json: JsonOpt = False) -> None:
    """Alle Zyklen mit Daten, Ablauf-Version und Ergebnis."""
    lang = ctx.obj.lang
    rows = _programme(ctx).outcomes(ags, lang)
    if as_json:
        print_json(rows)
        return
    table = Table(t("col.cycle", lang), "Workflow", t("col.started", lang), t("col.ended", lang),
                  t("col.outcome", lang))
    for row in rows:
        outcome = [t("cycles.running", lang, phase=row.phase_label) if row.status == "running"
                   else t("cycles.completed", lang)]
        if row.report_published:
            published = row.report_published
            outcome.append(t("cycles.published", lang, date=format_date(published["date"], lang), where=published["where"]))
        if row.restart_on:
            outcome.append(t("cycles.next", lang, on=format_date(row.restart_on, lang)))
        table.add_row(str(row.number), f"{row.workflow} {row.version}", format_date(row.started_on, lang),
                      format_date(row.completed_on, lang), "; ".join(outcome))
    console.print(table, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(indicator_app, name="indicator")
    app.add_typer(goal_app, name="goal")
    app.add_typer(measure_app, name="measure")
    app.command("evaluate")(evaluate)
    app.add_typer(report_app, name="report")
    app.command("cycles")(cycles)
