"""`zyklus workflow simulate`: the planned timeline of one cycle, printed, never stored.

Registered by the notifications add-on into the engine's `workflow` command group, because the
reminder planning it shows lives here and the engine must not import it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from engine import validate
from engine.i18n import Language, format_date, t

if TYPE_CHECKING:  # the command is registered at start-up; what it computes with loads on use
    from engine.definitions.model import Definition
    from notifications.planning import Planned
    from notifications.simulation import Shift, Timeline


def _what(d: Definition, p: Planned, lang: Language) -> str:
    if p.kind == "event" and p.label_key in d.events:
        return d.events[p.label_key].label.get(lang)
    if p.kind == "review" and p.label_key in d.phases[p.phase].reviews:
        return d.phases[p.phase].reviews[p.label_key].label.get(lang)
    return d.phase_label(p.phase, lang)


def _reasons(shifts: tuple[Shift, ...], lang: Language) -> str:
    """Each day the due date could not fall on: the holiday's name, else the weekday's."""
    from babel.dates import format_date as babel_date

    return ", ".join(s.holiday or babel_date(s.day, "EEEE", locale=lang) for s in shifts)


def as_dict(timeline: Timeline, lang: Language) -> dict[str, Any]:
    d = timeline.definition

    def iso(day: Any) -> str | None:
        return day.isoformat() if day else None

    return {
        "workflow": d.name, "version": d.version, "start": iso(timeline.start), "state": timeline.state,
        "catholic_holidays": timeline.catholic,
        "phases": [{"phase": s.phase, "label": d.phase_label(s.phase, lang), "start": iso(s.start), "due": iso(s.due),
                    "planned_due": iso(s.planned_due),
                    "moved_by": [{"day": iso(x.day), "holiday": x.holiday} for x in s.shifts]}
                   for s in timeline.phases],
        "reminders": [{"on": iso(p.fire_on), "kind": p.kind, "phase": p.phase or None, "what": _what(d, p, lang),
                       "due_on": iso(p.due_on), "roles": list(p.roles)} for p in timeline.reminders],
        "completed_on": iso(timeline.completed_on), "stopped_at": timeline.stopped_at,
        "restart": ({"on": iso(timeline.restart_on), "phase": d.restart.phase}
                    if timeline.restart_on and d.restart else None),
    }


def render(timeline: Timeline, lang: Language) -> str:
    d = timeline.definition
    lines = [t("simulate.title", lang, workflow=d.name, version=d.version, start=format_date(timeline.start, lang),
               state=validate.STATES[timeline.state]), ""]
    for step in timeline.phases:
        label = d.phase_label(step.phase, lang)
        if step.due is None:
            lines.append("  " + t("simulate.open_ended", lang, phase=label, start=format_date(step.start, lang)))
            continue
        line = "  " + t("simulate.phase", lang, phase=label, start=format_date(step.start, lang),
                        due=format_date(step.due, lang))
        if step.shifts:
            line += "; " + t("simulate.shifted", lang, planned=format_date(step.planned_due, lang),
                             reasons=_reasons(step.shifts, lang))
        lines.append(line)
    if timeline.stopped_at:
        lines.append("  " + t("simulate.too_far", lang, phase=d.phase_label(timeline.stopped_at, lang)))
    if timeline.completed_on:
        lines.append("  " + t("simulate.completed", lang, on=format_date(timeline.completed_on, lang)))
    if timeline.restart_on and d.restart:
        lines.append("  " + t("simulate.restart", lang, on=format_date(timeline.restart_on, lang),
                              phase=d.phase_label(d.restart.phase, lang)))
    lines += ["", t("simulate.reminders", lang, count=len(timeline.reminders))]
    for p in timeline.reminders:
        due = f" ({t('col.due', lang)} {format_date(p.due_on, lang)})" if p.due_on and p.kind != "due" else ""
        roles = ", ".join(t(f"role.{r}", lang) for r in p.roles)
        lines.append(f"  {format_date(p.fire_on, lang)}  {t(f'simulate.kind.{p.kind}', lang)}: "
                     f"{_what(d, p, lang)}{due} → {roles}")
    return "\n".join(lines)


def simulate_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME|PATH", help="Name einer Variante oder Pfad zu einer .toml-Datei.")],
    start: Annotated[str, typer.Option("--start", help="Beginn des Zyklus JJJJ-MM-TT.")],
    state: Annotated[str, typer.Option("--state", help="Bundesland für die Feiertage, z. B. TH.")] = "TH",
    catholic: Annotated[bool, typer.Option("--catholic-holidays",
                                           help="Fronleichnam u. Ä. gelten (z. B. Eichsfeld).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Maschinenlesbar als JSON ausgeben.")] = False,
) -> None:
    """Geplanter Ablauf eines Zyklus mit allen Fristen und Erinnerungen, ohne Datenbank /
    the planned timeline of one cycle with every due date and reminder, without a database."""
    from engine.workflow_cli import catalog_for
    from notifications.simulation import simulate

    app = ctx.obj
    day = validate.date(start, app.lang)
    land = validate.state(state, app.lang)
    definition = catalog_for(app, name).load(name)
    timeline = simulate(definition, day, land, catholic)
    if as_json:
        typer.echo(json.dumps(as_dict(timeline, app.lang), ensure_ascii=False, indent=2))
    else:
        typer.echo(render(timeline, app.lang))


def register(workflow_app: typer.Typer) -> None:
    workflow_app.command("simulate")(simulate_command)
