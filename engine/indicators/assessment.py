"""Everything the evaluation of a cycle shows, read once: the rated indicators, the measures,
the timeline, the programme by theme field and the working structures (as publishable).

`zyklus evaluate` prints it and `zyklus report` renders it, so both always say the same.
Values count up to the year the cycle completed (or this year while it runs): a report of
cycle 1 printed later does not borrow cycle 2's data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from engine.db.indicator_tables import Goal, Measure
from engine.db.rating_tables import KeptRating
from engine.db.tables import Person
from engine.i18n import Language, t
from engine.numbers import format_number
from engine.indicators.catalogue import indicator_name
from engine.indicators.kept_ratings import (
    Correction, EarlierRating, as_kept, earlier_ratings, kept_ratings, rate_view, reference_year)
from engine.evaluation import Rating
from engine.indicators.programme import IndicatorView, Programme
from engine.indicators.review import MeasureSummary, PhaseVisit, summarise_measures
from engine.report.texts import latest_texts
from engine.service import Loaded, Service

STRUCTURE_ROLES = ("coordination", "core_team", "steering_group")


@dataclass(frozen=True)
class RatedIndicator:
    view: IndicatorView
    rating: Rating
    earlier: tuple[EarlierRating, ...] = ()
    """Oldest first; only cycles that had this indicator."""
    kept: bool = False
    """True: a completed cycle's rating as it was kept when the cycle completed (the figures too
    when its values were kept, engine.indicators.kept_ratings.as_kept)."""
    corrections: tuple[Correction, ...] = ()
    """The values of the years it rated recorded differently since (kept ratings only)."""


@dataclass
class GoalSection:
    goal: Goal
    measures: list[Measure] = field(default_factory=list)
    indicators: list[RatedIndicator] = field(default_factory=list)


@dataclass
class ThemeSection:
    name: str | None
    """None: indicators that belong to no theme field."""
    goals: list[GoalSection] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    indicators: list[RatedIndicator] = field(default_factory=list)


@dataclass(frozen=True)
class Assessment:
    ags: str
    name: str
    cycle: int
    workflow: str
    workflow_label: str
    version: str
    status: str
    phase_label: str
    started_on: dt.date
    completed_on: dt.date | None
    restart_on: dt.date | None
    today: dt.date
    reference_year: int
    timeline: list[tuple[PhaseVisit, str]]
    """Each phase visit with its label."""
    measures: list[Measure]
    summary: MeasureSummary
    indicators: list[RatedIndicator]
    themes: list[ThemeSection]
    structures: dict[str, list[str]]
    """Role → how each member may be shown in public: name with consent, else organisation, else N.N."""
    facts: dict[str, dict[str, Any]]
    """The latest fields of each fact type recorded in the cycle (council resolution, report …)."""
    lang: Language = "de"
    """The language it was read in: indicator names follow it (catalogue.indicator_name)."""
    texts: dict[str, str] = field(default_factory=dict)
    """The report's own texts as they stand (engine.report.texts): kind → plain text."""


def publishable(person: Person, lang: Language) -> str:
    """GDPR (domain.md §5.5): a published report names a person only with their consent."""
    if person.consent_publish:
        return person.name
    return person.organisation or t("report.anonymous", lang)


def assess(service: Service, ags: str, number: int | None = None) -> Assessment:
    lang = service.lang
    today = service.today()
    with Session(service.engine) as session:
        loaded = service.load(session, ags, number=number, running=False)
        cycle, definition = loaded.cycle, loaded.definition
        year = reference_year(cycle, today)
        earlier = earlier_ratings(session, cycle, today)
        kept = kept_ratings(session, cycle) if cycle.completed_on else {}
        rated = [_rated(view, kept.get(view.row.key), tuple(earlier.get(view.row.key, ())))
                 for view in Programme.indicator_views(session, cycle, up_to=year)]
        goals = list(session.exec(select(Goal).where(Goal.cycle_id == cycle.id).order_by(col(Goal.id))))
        measures = Programme.measure_rows(session, cycle)
        visits = service.visits(session, loaded)
        return Assessment(
            ags=loaded.municipality.ags, name=loaded.municipality.name, cycle=cycle.number,
            workflow=definition.name, workflow_label=definition.label.get(lang), version=definition.version,
            status=cycle.status, phase_label=definition.phase_label(cycle.phase, lang), started_on=cycle.started_on,
            completed_on=cycle.completed_on, restart_on=cycle.restart_on, today=today, reference_year=year,
            timeline=[(visit, definition.phase_label(visit.phase, lang)) for visit in visits], measures=measures,
            summary=summarise_measures(measures, today), indicators=rated, themes=_themes(goals, measures, rated),
            structures=_structures(loaded, lang), facts={fact.type: fact.fields for fact in loaded.facts}, lang=lang,
            texts={kind: written.text for kind, written in latest_texts(session, cycle.id).items()})


def _rated(view: IndicatorView, kept: KeptRating | None, earlier: tuple[EarlierRating, ...]) -> RatedIndicator:
    """A completed cycle shows what it kept (docs/evaluation.md, *Which values count*): a value
    of those years corrected or published later changes the next cycle's rating, not this one."""
    if kept is None:
        return RatedIndicator(view, rate_view(view), earlier)
    then = as_kept(view, kept)
    return RatedIndicator(then.view, then.rating, earlier, kept=True, corrections=then.corrections)


def _themes(goals: list[Goal], measures: list[Measure], rated: list[RatedIndicator]) -> list[ThemeSection]:
    """Theme field → goals → measures and indicators, in the order they were defined; what has
    no goal sits directly under its theme field, indicators without either at the end."""
    themes: dict[str | None, ThemeSection] = {}

    def theme(name: str | None) -> ThemeSection:
        return themes.setdefault(name, ThemeSection(name))

    sections = {goal.id: GoalSection(goal) for goal in goals}
    for goal in goals:
        theme(goal.theme_field).goals.append(sections[goal.id])
    for measure in measures:
        if measure.goal_id in sections:
            sections[measure.goal_id].measures.append(measure)
        else:
            theme(measure.theme_field).measures.append(measure)
    for item in rated:
        if item.view.row.goal_id in sections:
            sections[item.view.row.goal_id].indicators.append(item)
        else:
            theme(item.view.row.theme_field).indicators.append(item)
    return sorted(themes.values(), key=lambda section: section.name is None)


def _structures(loaded: Loaded, lang: Language) -> dict[str, list[str]]:
    return {role: sorted(publishable(p, lang) for p in loaded.people if role in p.roles)
            for role in STRUCTURE_ROLES}


def corrected_note(item: RatedIndicator, lang: Language) -> str | None:
    """„seitdem korrigiert: 2027: 5,9 → 7,9“: what was recorded differently since a completed
    cycle kept its rating, or None."""
    changes = corrections(item, lang)
    return t("report.corrected_since", lang, changes=changes) if changes else None


def corrections(item: RatedIndicator, lang: Language) -> str | None:
    """„2027: 5,9 → 7,9; 2028: neu 6,1“, the note without its lead-in: what the report lists
    under its own heading „Seitdem korrigiert“."""
    if not item.corrections:
        return None

    def number(value: float) -> str:
        return format_number(value, item.view.row.decimals, lang)

    def change(c: Correction) -> str:
        if c.kept is not None and c.now is not None:
            return t("report.corrected.changed", lang, year=c.year, kept=number(c.kept), now=number(c.now))
        if c.kept is not None:
            return t("report.corrected.removed", lang, year=c.year, kept=number(c.kept))
        if c.known:
            return t("report.corrected.added", lang, year=c.year, now=number(c.now or 0.0))
        return t("report.corrected.now", lang, year=c.year, now=number(c.now or 0.0))
    return "; ".join(change(c) for c in item.corrections)


def as_json(assessment: Assessment) -> dict[str, Any]:
    """`zyklus evaluate --json`: the numbers, without people (the report is for publishing)."""
    def point(value: tuple[int, float] | None) -> dict[str, Any] | None:
        return {"year": value[0], "value": value[1]} if value else None

    def iso(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "ags": assessment.ags, "cycle": assessment.cycle, "workflow": assessment.workflow,
        "version": assessment.version, "status": assessment.status, "reference_year": assessment.reference_year,
        "indicators": [{
            "id": item.view.row.key, "name": indicator_name(item.view.row, assessment.lang), "sdg": item.view.row.sdg,
            "unit": item.view.row.unit, "direction": item.view.row.direction,
            "symbol": item.rating.symbol, "method": item.rating.method, "current": point(item.rating.current),
            "baseline": point(item.rating.baseline), "target": point(item.rating.target),
            "values_used": len(item.rating.years),
            "years_used": list(item.rating.years),
            "window": {"first": item.rating.window[0], "last": item.rating.window[1]} if item.rating.window else None,
            "average_change": item.rating.trend.average_change if item.rating.trend else None,
            "projected": item.rating.projected, "shortfall_share": item.rating.shortfall_share,
            "share_reached": item.rating.share_reached,
            "earlier": [{"cycle": e.cycle, "reference_year": e.reference_year, "symbol": e.symbol, "method": e.method,
                         "kept": e.kept}
                        for e in item.earlier],
            "kept": item.kept,
            "corrected_since": [{"year": c.year, "kept": c.kept, "now": c.now} for c in item.corrections],
            "corrected_note": corrected_note(item, assessment.lang)} for item in assessment.indicators],
        "measures": {"counts": assessment.summary.counts, "total": assessment.summary.total,
                     "overdue": [m.key for m in assessment.summary.overdue],
                     "delayed": [m.key for m in assessment.summary.delayed],
                     "dropped": [m.key for m in assessment.summary.dropped]},
        "timeline": [{"phase": visit.phase, "label": label, "entered_on": iso(visit.entered_on),
                      "planned_end": iso(visit.planned_end), "left_on": iso(visit.left_on),
                      "days_late": visit.days_late(assessment.today)} for visit, label in assessment.timeline],
    }
