"""The door's action programme: the indicator catalogue, a cycle's indicators, goals and measures,
yearly values, the evaluation, the report and what each cycle came to.

Its inputs are typed: years and counts as ``int``, values, costs and staff as ``float``, dates as
``datetime.date``. Each entry point reads what a person typed at its own edge with the one rule for
numbers (``engine.numbers.parse_number``: „4.000“ is four thousand in German) and years
(``engine.indicators.spec.year``), so a bad number is refused there in the caller's language;
the programme still checks ranges (a year in the future, negative costs, progress over 100).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.i18n import Language
from zyklus.app.dto import (
    CatalogueEntryDTO,
    CycleOutcomeDTO,
    EvaluationDTO,
    GoalDTO,
    IndicatorDTO,
    MeasureDTO,
    MeasureLinkDTO,
    RemovedDTO,
    ReportTextDTO,
    IndicatorsAddedDTO,
    InheritedValuesDTO,
    TargetSetDTO,
    ValueCountsDTO,
    ValueRecordedDTO,
    ValuesExportedDTO,
    ValuesImportedDTO,
    YearValueDTO,
)

Edit = str | int | float | dt.date | None
"""A field of an update: None leaves it as it is, an empty text clears an optional one."""

if TYPE_CHECKING:
    from engine.db.indicator_tables import Goal
    from engine.indicators.bulk_values import BulkValues
    from engine.indicators.values_file import Progress
    from engine.indicators.programme import IndicatorView, Programme
    from engine.service import Service


def indicator_dto(view: IndicatorView, lang: Language) -> IndicatorDTO:
    from engine.indicators.catalogue import indicator_name

    row = view.row
    return IndicatorDTO(
        id=row.key, name=indicator_name(row, lang), sdg=row.sdg, sdg_target=row.sdg_target, unit=row.unit, decimals=row.decimals, direction=row.direction,
        band=view.band, baseline={"year": view.baseline[0], "value": view.baseline[1]} if view.baseline else None,
        targets=[{"year": y, "value": v} for y, v in view.targets], source=row.source, theme_field=row.theme_field,
        goal=view.goal_key, catalogue_id=row.catalogue_id, definition=row.definition,
        values_due=row.values_due,
        publication_lag=row.publication_lag,
        values=[{"year": x.year, "value": x.value, "source": x.source, "recorded_by": x.recorded_by,
                 "recorded_at": x.recorded_at} for x in view.values])


def goal_dtos(rows: list[Goal]) -> list[GoalDTO]:
    keys = {g.id: g.key for g in rows}
    return [GoalDTO(id=g.key, title=g.title, theme_field=g.theme_field, level=g.level, parent=keys.get(g.parent_id),
                    target_year=g.target_year, sdg=g.sdg, sdg_target=g.sdg_target) for g in rows]


@dataclass(frozen=True)
class Branch:
    """A goal of the programme's tree with the goals and measures below it."""

    goal: GoalDTO
    children: list[Branch]
    measures: list[MeasureDTO]


def goal_tree(goals: list[GoalDTO], measures: list[MeasureDTO]) -> list[Branch]:
    """Leitlinien with their strategic goals, each with its operative goals, and the measures
    under the goal they serve; a goal whose parent is gone starts a branch of its own."""
    ids = {g.id for g in goals}
    below: dict[str | None, list[GoalDTO]] = {}
    for goal in goals:
        below.setdefault(goal.parent if goal.parent in ids else None, []).append(goal)
    served: dict[str | None, list[MeasureDTO]] = {}
    for measure in measures:
        served.setdefault(measure.goal, []).append(measure)

    def branches(parent: str | None) -> list[Branch]:
        return [Branch(g, branches(g.id), served.get(g.id, [])) for g in below.get(parent, [])]

    return branches(None)



def _text_dto(written: Any) -> ReportTextDTO:
    """A report text as the engine keeps it (engine.report.texts), as the door returns it."""
    return ReportTextDTO(kind=written.kind, text=written.text, actor=written.actor, recorded_at=written.recorded_at)

class ProgrammeArea:
    def __init__(self, service: Service) -> None:
        self._service = service

    def _programme(self, lang: Language) -> Programme:
        from engine.indicators.programme import Programme

        return Programme(self._service.in_language(lang))

    def _bulk(self, lang: Language) -> BulkValues:
        from engine.indicators.bulk_values import BulkValues

        return BulkValues(self._programme(lang))

    # -- the catalogue and a cycle's indicators -----------------------------------------------------
    def catalogue(self, sdg: int | None = None, lang: Language = "de",
                  kind: str | None = None) -> list[CatalogueEntryDTO]:
        """The catalogue, or its entries of one SDG and/or one type (I, II, own)."""
        from engine.indicators.catalogue import catalogue, kind_filter
        from engine.indicators.spec import DEFAULT_PUBLICATION_LAG
        from engine.indicators.spec import sdg as parse_sdg

        goal = parse_sdg(sdg, lang) if sdg is not None else None
        wanted = kind_filter(kind, lang) if kind is not None else None
        return [CatalogueEntryDTO(
                    id=e.spec.key, name=e.name(lang), type=e.profile.kind, sdg=e.spec.sdg,
                    sdg_target=e.profile.sdg_target, bnk_core=e.profile.bnk_core, unit=e.spec.unit,
                    direction=e.spec.direction,
                    band=(e.spec.band_low, e.spec.band_high) if e.spec.direction == "band" else None,  # type: ignore[arg-type]
                    direction_basis=e.profile.direction_basis, decimals=e.spec.decimals,
                    definition=e.definition(lang), source=e.spec.source, citation=e.profile.citation,
                    citation_url=e.profile.citation_url, unverified=e.profile.unverified,
                    levels=list(e.profile.levels), interval=e.profile.interval,
                    publication_lag=(e.spec.publication_lag if e.spec.publication_lag is not None
                                     else DEFAULT_PUBLICATION_LAG))
                for e in catalogue().values()
                if (goal is None or e.spec.sdg == goal) and (wanted is None or e.profile.kind == wanted)]

    def adopt(self, ags: str, ids: list[str], *, actor: str, every: bool = False, theme_field: str | None = None,
              goal: str | None = None, values_due: str | None = None, lang: Language = "de") -> IndicatorsAddedDTO:
        """Adopt catalogue indicators; returns the ids adopted and the earlier values they take over."""
        programme = self._programme(lang)
        adopted = programme.adopt(ags, ids, actor=actor, every=every, theme_field=theme_field, goal=goal,
                                  values_due=values_due)
        return self._added(programme, ags, adopted)

    @staticmethod
    def _added(programme: Programme, ags: str, keys: list[str]) -> IndicatorsAddedDTO:
        found = programme.values_on_file(ags, keys)
        return IndicatorsAddedDTO(ids=keys, inherited=[
            InheritedValuesDTO(id=key, count=count, first_year=first, last_year=last)
            for key, (count, first, last) in found.items()])

    def import_csv(self, ags: str, path: Path, *, actor: str, values_due: str | None = None,
                   numbers: str | None = None, lang: Language = "de") -> list[str]:
        """Import own indicators from a CSV file, all rows or none; returns the ids imported.
        ``numbers``: the language the file writes its numbers in (de, en; default ``lang``)."""
        return self._programme(lang).import_csv(ags, path, actor=actor, values_due=values_due, numbers=numbers)

    def add_indicator(self, ags: str, fields: dict[str, str | None], *, actor: str, sdg_target: str | None = None,
                      lang: Language = "de") -> IndicatorsAddedDTO:
        """Add an own indicator from its fields (the CSV columns) and the SDG sub-target it
        measures (e.g. "11.2", within its SDG); returns its id and the earlier values it takes over."""
        programme = self._programme(lang)
        return self._added(programme, ags, [programme.add(ags, fields, actor=actor, sdg_target=sdg_target).key])

    def set_target(self, ags: str, key: str, year: int, value: float, *, actor: str,
                   lang: Language = "de") -> TargetSetDTO:
        indicator, target = self._programme(lang).set_target(ags, key, year, value, actor=actor)
        return TargetSetDTO(indicator=indicator.key, year=target.year, value=target.value, decimals=indicator.decimals)

    def set_baseline(self, ags: str, key: str, year: int, value: float, *, actor: str,
                     lang: Language = "de") -> TargetSetDTO:
        row = self._programme(lang).set_baseline(ags, key, year, value, actor=actor)
        return TargetSetDTO(indicator=row.key, year=row.baseline_year, value=row.baseline_value, decimals=row.decimals)

    def set_values_due(self, ags: str, key: str, month_day: str, *, actor: str, lang: Language = "de") -> str:
        """Set the yearly day (MM-DD) by which an indicator's previous-year value is due."""
        return self._programme(lang).set_values_due(ags, key, month_day, actor=actor).values_due

    def record_value(self, ags: str, key: str, year: int, value: float, *, actor: str, source: str | None = None,
                     reason: str | None = None, lang: Language = "de") -> ValueRecordedDTO:
        """Record a yearly value; a year recorded again is a correction, on record with ``reason``."""
        recorded = self._programme(lang).record(ags, key, year, value, actor=actor, source=source, reason=reason)
        indicator = recorded.indicator
        return ValueRecordedDTO(indicator=indicator.key, year=recorded.value.year, value=recorded.value.value,
                                unit=indicator.unit, decimals=indicator.decimals, corrected=recorded.corrected)

    def import_values(self, ags: str, path: Path, *, actor: str, numbers: str | None = None, lang: Language = "de",
                      on_progress: Progress | None = None) -> ValuesImportedDTO:
        """Record many indicators' yearly values from a CSV or XLSX file, every row or none; a
        year already recorded with another value is corrected (its old value stays in the
        history). ``numbers``: the notation of numbers written as text (de, en; default
        ``lang``). ``on_progress`` is told ``(phase, done, total)`` while reading and writing."""
        imported = self._bulk(lang).import_values(ags, path, actor=actor, numbers=numbers, progress=on_progress)
        counts = [ValueCountsDTO(indicator=key, added=c.added, changed=c.changed, unchanged=c.unchanged)
                  for key, c in imported.per_indicator.items()]
        return ValuesImportedDTO(file=imported.file, added=sum(c.added for c in counts),
                                 changed=sum(c.changed for c in counts), unchanged=sum(c.unchanged for c in counts),
                                 indicators=counts)

    def export_values(self, ags: str, path: Path, *, cycle: int | None = None, numbers: str | None = None,
                      lang: Language = "de", on_progress: Progress | None = None) -> ValuesExportedDTO:
        """Write the yearly values of a cycle's indicators (default the latest cycle) to a CSV or
        XLSX file, by its extension, in the format :meth:`import_values` reads; a CSV's numbers
        in ``numbers``' notation (default ``lang``). Nothing is written when it fails."""
        exported = self._bulk(lang).export_values(ags, path, number=cycle, numbers=numbers, progress=on_progress)
        return ValuesExportedDTO(file=exported.file, cycle=exported.cycle, values=exported.values,
                                 indicators=exported.indicators)

    def delete_value(self, ags: str, key: str, year: int, *, actor: str, reason: str | None = None,
                     lang: Language = "de") -> YearValueDTO:
        """Remove a yearly value recorded by mistake; returns what was removed (it stays in the history)."""
        row = self._programme(lang).delete_value(ags, key, year, actor=actor, reason=reason)
        return YearValueDTO(year=row.year, value=row.value)

    def delete_target(self, ags: str, key: str, year: int, *, actor: str, reason: str | None = None,
                      lang: Language = "de") -> YearValueDTO:
        """Remove a target set by mistake; returns what was removed (it stays in the history)."""
        row = self._programme(lang).delete_target(ags, key, year, actor=actor, reason=reason)
        return YearValueDTO(year=row.year, value=row.value)

    def indicators(self, ags: str, cycle: int | None = None, lang: Language = "de") -> list[IndicatorDTO]:
        return [indicator_dto(view, lang) for view in self._programme(lang).indicators(ags, cycle)]

    def indicator(self, ags: str, key: str, lang: Language = "de") -> IndicatorDTO:
        return next(i for i in self.indicators(ags, lang=lang) if i.id == key)

    def update_indicator(self, ags: str, key: str, *, actor: str, reason: str | None = None,
                         lang: Language = "de", **fields: Edit) -> IndicatorDTO:
        """Change an indicator's name, unit, source, theme field, goal, SDG or sub-target,
        definition, direction (with ``band_low``/``band_high`` for a band), values due (MM-DD) or
        publication lag (years); a field left None stays, an empty text clears an optional one."""
        row = self._programme(lang).update_indicator(ags, key, actor=actor, reason=reason, **fields)
        return self.indicator(ags, row.key, lang)

    def delete_indicator(self, ags: str, key: str, *, actor: str, reason: str | None = None,
                         lang: Language = "de") -> RemovedDTO:
        row = self._programme(lang).delete_indicator(ags, key, actor=actor, reason=reason)
        return RemovedDTO(kind="indicator", id=row.key)

    # -- goals and measures -----------------------------------------------------------------------
    def add_goal(self, ags: str, key: str, *, title: str, actor: str, theme_field: str | None = None,
                 level: str = "strategic", parent: str | None = None, target_year: int | None = None,
                 sdg: int | None = None, sdg_target: str | None = None, lang: Language = "de") -> GoalDTO:
        """Add a Leitlinie (``level="guideline"``), strategic or operative goal, below ``parent``."""
        row = self._programme(lang).add_goal(ags, key, title=title, theme_field=theme_field, level=level,
                                             parent=parent, target_year=target_year, sdg=sdg,
                                             sdg_target=sdg_target, actor=actor)
        return self.goal(ags, row.key, lang)

    def goal(self, ags: str, key: str, lang: Language = "de") -> GoalDTO:
        return next(g for g in self.goals(ags, lang=lang) if g.id == key)

    def goals(self, ags: str, cycle: int | None = None, lang: Language = "de") -> list[GoalDTO]:
        return goal_dtos(self._programme(lang).goals(ags, cycle))

    def update_goal(self, ags: str, key: str, *, actor: str, reason: str | None = None, lang: Language = "de",
                    **fields: Edit) -> GoalDTO:
        """Change a goal's title, theme field (a Leitlinie's, passed down), target year (int), SDG
        (int) or sub-target, its ``level`` or its ``parent`` (a goal's id, "" for none); a field
        left None stays, an empty text clears an optional one. A goal moved under another parent
        takes the parent's theme field down its branch; a goal with goals below it keeps its level."""
        row = self._programme(lang).update_goal(ags, key, actor=actor, reason=reason, **fields)
        return self.goal(ags, row.key, lang)

    def delete_goal(self, ags: str, key: str, *, actor: str, reason: str | None = None,
                    lang: Language = "de") -> RemovedDTO:
        """Remove a goal with nothing below it (a goal with goals, measures or indicators is refused)."""
        row = self._programme(lang).delete_goal(ags, key, actor=actor, reason=reason)
        return RemovedDTO(kind="goal", id=row.key)

    def add_measure(self, ags: str, key: str, *, title: str, actor: str, goal: str | None = None,
                    theme_field: str | None = None, responsible: str | None = None,
                    planned_start: dt.date | None = None, planned_end: dt.date | None = None,
                    costs: float | None = None, staff: float | None = None, progress: int | None = None,
                    lang: Language = "de") -> str:
        """Add a measure with its resource planning (costs in euros, staff in full-time equivalents); returns its id."""
        return self._programme(lang).add_measure(ags, key, title=title, actor=actor, goal=goal,
                                                 theme_field=theme_field, responsible=responsible,
                                                 planned_start=planned_start, planned_end=planned_end, costs=costs,
                                                 staff=staff, progress=progress).key

    def measure(self, ags: str, key: str, lang: Language = "de") -> MeasureDTO:
        return next(m for m in self.measures(ags, lang=lang) if m.id == key)

    def update_measure(self, ags: str, key: str, *, actor: str, reason: str | None = None, lang: Language = "de",
                       **fields: Edit) -> MeasureDTO:
        """Change a measure's plan: title, goal, theme field (without a goal), responsible, planned
        start and end (dates), costs and staff (numbers), progress (int); None leaves a field, an
        empty text clears it. An empty goal ties the measure to none: it keeps its theme field,
        unless ``theme_field`` names another."""
        row = self._programme(lang).update_measure(ags, key, actor=actor, reason=reason, **fields)
        return self.measure(ags, row.key, lang)

    def delete_measure(self, ags: str, key: str, *, actor: str, reason: str | None = None,
                       lang: Language = "de") -> RemovedDTO:
        row = self._programme(lang).delete_measure(ags, key, actor=actor, reason=reason)
        return RemovedDTO(kind="measure", id=row.key)

    def link_measure(self, ags: str, measure: str, indicator: str, *, actor: str, remove: bool = False,
                     reason: str | None = None, lang: Language = "de") -> MeasureLinkDTO:
        """Link a measure to an indicator it is meant to move (``remove``: undo the link)."""
        row, target = self._programme(lang).link(ags, measure, indicator, actor=actor, remove=remove, reason=reason)
        return MeasureLinkDTO(measure=row.key, indicator=target.key, linked=not remove)

    def set_measure_status(self, ags: str, key: str, status: str, *, actor: str, on: dt.date | None = None,
                           note: str | None = None, lang: Language = "de") -> MeasureDTO:
        self._programme(lang).set_measure_status(ags, key, status, actor=actor, on=on, note=note)
        return next(m for m in self.measures(ags, lang=lang) if m.id == key)

    def measures(self, ags: str, cycle: int | None = None, lang: Language = "de") -> list[MeasureDTO]:
        programme = self._programme(lang)
        goals = {g.id: g.key for g in programme.goals(ags, cycle)}
        links = programme.links(ags, cycle)
        return [MeasureDTO(id=m.key, title=m.title, goal=goals.get(m.goal_id), theme_field=m.theme_field,
                           responsible=m.responsible, status=m.status, status_on=m.status_on,
                           planned_start=m.planned_start, planned_end=m.planned_end, started_on=m.started_on,
                           finished_on=m.finished_on, carried_over=m.carried_from_id is not None, costs=m.costs,
                           staff=m.staff, progress=m.progress, indicators=links.get(m.key, []))
                for m in programme.measures(ags, cycle)]

    # -- evaluation, report, outcomes -------------------------------------------------------------
    def _assessment(self, ags: str, cycle: int | None = None, lang: Language = "de") -> Any:
        """The evaluation as the engine computes it, for the entry points' tables and charts."""
        from engine.indicators.assessment import assess

        return assess(self._service.in_language(lang), ags, cycle)

    def evaluate(self, ags: str, cycle: int | None = None, lang: Language = "de") -> EvaluationDTO:
        from engine.indicators.assessment import as_json

        return EvaluationDTO.model_validate(as_json(self._assessment(ags, cycle, lang)))

    def report_html(self, ags: str, cycle: int | None = None, lang: Language = "de") -> str:
        """The sustainability report as one self-contained HTML document, with the labels the
        municipality was awarded in programme runs."""
        from engine.report.render import render_report
        from zyklus.app.runs import RunsArea

        return render_report(self._assessment(ags, cycle, lang), lang, RunsArea(self._service).awards(ags, lang))

    def report_pdf(self, ags: str, cycle: int | None = None, lang: Language = "de") -> bytes:
        """The same report as a tagged PDF (PDF/UA-1); needs the ``pdf`` extra (WeasyPrint), and
        says how to install it when it is missing."""
        from engine.report.pdf import html_to_pdf

        return html_to_pdf(self.report_html(ags, cycle, lang), lang)

    def set_report_text(self, ags: str, kind: str, text: str, *, actor: str,
                        lang: Language = "de") -> ReportTextDTO:
        """Write one of the report's own texts of the latest cycle (``leitbild``, ``foreword``,
        ``next_steps``, ``indicator:<key>``, ``goal:<key>``); an empty text removes it. Plain text:
        the report escapes it and makes paragraphs of what blank lines separate."""
        from engine.report.texts import ReportTexts

        written = ReportTexts(self._service.in_language(lang)).set(ags, kind, text, actor=actor)
        return _text_dto(written)

    def report_texts(self, ags: str, cycle: int | None = None, lang: Language = "de") -> list[ReportTextDTO]:
        """The report's own texts as they stand, whole-report texts first."""
        from engine.report.texts import ReportTexts

        return [_text_dto(w) for w in ReportTexts(self._service.in_language(lang)).read(ags, cycle)]

    def outcomes(self, ags: str, lang: Language = "de") -> list[CycleOutcomeDTO]:
        from engine.outcomes import cycle_outcomes

        return [CycleOutcomeDTO.model_validate(row) for row in cycle_outcomes(self._service.in_language(lang), ags)]
