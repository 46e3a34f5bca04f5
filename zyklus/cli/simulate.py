"""`zyklus workflow simulate`: the planned timeline of one cycle, printed, never stored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from engine.i18n import Language, format_date, t
from zyklus.cli.common import JsonOpt, print_json

if TYPE_CHECKING:
    from zyklus.app.dto import MovedByDTO, SimulationDTO


def _reasons(moved_by: list[MovedByDTO], lang: Language) -> str:
    """Each day the due date could not fall on: the holiday's name, else the weekday's."""
    from babel.dates import format_date as babel_date

    return ", ".join(shift.holiday or babel_date(shift.day, "EEEE", locale=lang) for shift in moved_by)


def render(sim: SimulationDTO, lang: Language) -> str:
    from engine.validate import STATES

    lines = [t("simulate.title", lang, workflow=sim.workflow, version=sim.version, start=format_date(sim.start, lang),
               state=STATES[sim.state]), ""]
    for step in sim.phases:
        if step.due is None:
            lines.append("  " + t("simulate.open_ended", lang, phase=step.label, start=format_date(step.start, lang)))
            continue
        line = "  " + t("simulate.phase", lang, phase=step.label, start=format_date(step.start, lang),
                        due=format_date(step.due, lang))
        if step.moved_by:
            line += "; " + t("simulate.shifted", lang, planned=format_date(step.planned_due, lang),
                             reasons=_reasons(step.moved_by, lang))
        lines.append(line)
    if sim.stopped_at:
        lines.append("  " + t("simulate.too_far", lang, phase=sim.stopped_at_label))
    if sim.completed_on:
        lines.append("  " + t("simulate.completed", lang, on=format_date(sim.completed_on, lang)))
    if sim.restart:
        lines.append("  " + t("simulate.restart", lang, on=format_date(sim.restart.on, lang),
                              phase=sim.restart.label))
    lines += ["", t("simulate.reminders", lang, count=len(sim.reminders))]
    for p in sim.reminders:
        due = f" ({t('col.due', lang)} {format_date(p.due_on, lang)})" if p.due_on and p.kind != "due" else ""
        roles = ", ".join(t(f"role.{r}", lang) for r in p.roles)
        kind = t(f"simulate.kind.{p.kind}", lang)
        lines.append(f"  {format_date(p.on, lang)}  {kind}: {p.what}{due} → {roles}")
    return "\n".join(lines)


def simulate_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME|PATH", help="Name einer Variante oder Pfad zu einer .toml-Datei.")],
    start: Annotated[str, typer.Option("--start", help="Beginn des Zyklus JJJJ-MM-TT.")],
    state: Annotated[str, typer.Option("--state", help="Bundesland für die Feiertage, z. B. TH.")] = "TH",
    catholic: Annotated[bool, typer.Option("--catholic-holidays",
                                           help="Fronleichnam u. Ä. gelten (z. B. Eichsfeld).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Geplanter Ablauf eines Zyklus mit allen Fristen und Erinnerungen, ohne Datenbank."""
    from engine import validate

    app = ctx.obj
    day = validate.date(start, app.lang)
    land = validate.state(state, app.lang)
    simulation = app.door.workflows.simulate(name, day, land, catholic, app.lang)
    if as_json:
        print_json(simulation)
    else:
        typer.echo(render(simulation, app.lang))
