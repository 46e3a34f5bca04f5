"""The door's action programme: the indicator catalogue, a cycle's indicators, goals and measures,
yearly values, the evaluation, the report and what each cycle came to.

Numbers and years still arrive as the person typed them (``"12,5"``, ``"2024"``): the programme
parses them with the German rules and answers a bad one with its own message (docs/indicators.md).
"""

from __future__ import annotations

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
    TargetSetDTO,
    ValueRecordedDTO,
    YearValueDTO,
)

if TYPE_CHECKING:
    from engine.indicators.programme import IndicatorView, Programme
    from engine.service import Service


def indicator_dto(view: IndicatorView, lang: Language) -> IndicatorDTO:
    from engine.indicators.catalogue import indicator_name

    row = view.row
    return IndicatorDTO(
        id=row.key, name=indicator_name(row, lang), sdg=row.sdg, unit=row.unit, decimals=row.decimals, direction=row.direction,
        band=view.band, baseline={"year": view.baseline[0], "value": view.baseline[1]} if view.baseline else None,
        targets=[{"year": y, "value": v} for y, v in view.targets], source=row.source, theme_field=row.theme_field,
        goal=view.goal_key, catalogue_id=row.catalogue_id, values_due=row.values_due,
        values=[{"year": x.year, "value": x.value, "source": x.source, "recorded_by": x.recorded_by,
                 "recorded_at": x.recorded_at} for x in view.values])


class ProgrammeArea:
    def __init__(self, service: Service) -> None:
        self._service = service

    def _programme(self, lang: Language) -> Programme:
        from engine.indicators.programme import Programme

        return Programme(self._service.in_language(lang))

    # -- the catalogue and a cycle's indicators -----------------------------------------------------
    def catalogue(self, sdg: int | None = None, lang: Language = "de") -> list[CatalogueEntryDTO]:
        from engine.indicators.catalogue import catalogue

        return [CatalogueEntryDTO(id=e.spec.key, name=e.name(lang), sdg=e.spec.sdg, unit=e.spec.unit,
                                  direction=e.spec.direction, decimals=e.spec.decimals, definition=e.spec.definition,
                                  source=e.spec.source)
                for e in catalogue().values() if sdg is None or e.spec.sdg == sdg]

    def adopt(self, ags: str, ids: list[str], *, actor: str, every: bool = False, theme_field: str | None = None,
              goal: str | None = None, values_due: str | None = None, lang: Language = "de") -> list[str]:
        """Adopt catalogue indicators; returns the ids adopted."""
        return self._programme(lang).adopt(ags, ids, actor=actor, every=every, theme_field=theme_field, goal=goal,
                                           values_due=values_due)

    def import_csv(self, ags: str, path: Path, *, actor: str, values_due: str | None = None,
                   numbers: str | None = None, lang: Language = "de") -> list[str]:
        """Import own indicators from a CSV file, all rows or none; returns the ids imported.
        ``numbers``: the language the file writes its numbers in (de, en; default ``lang``)."""
        return self._programme(lang).import_csv(ags, path, actor=actor, values_due=values_due, numbers=numbers)

    def add_indicator(self, ags: str, fields: dict[str, str | None], *, actor: str,
                      lang: Language = "de") -> str:
        """Add an own indicator from its fields (the CSV columns); returns its id."""
        return self._programme(lang).add(ags, fields, actor=actor).key

    def set_target(self, ags: str, key: str, year: str, value: str, *, actor: str,
                   lang: Language = "de") -> TargetSetDTO:
        indicator, target = self._programme(lang).set_target(ags, key, year, value, actor=actor)
        return TargetSetDTO(indicator=indicator.key, year=target.year, value=target.value, decimals=indicator.decimals)

    def set_baseline(self, ags: str, key: str, year: str, value: str, *, actor: str,
                     lang: Language = "de") -> TargetSetDTO:
        row = self._programme(lang).set_baseline(ags, key, year, value, actor=actor)
        return TargetSetDTO(indicator=row.key, year=row.baseline_year, value=row.baseline_value, decimals=row.decimals)

    def set_values_due(self, ags: str, key: str, month_day: str, *, actor: str, lang: Language = "de") -> str:
        """Set the yearly day (MM-DD) by which an indicator's previous-year value is due."""
        return self._programme(lang).set_values_due(ags, key, month_day, actor=actor).values_due

    def record_value(self, ags: str, key: str, year: str, value: str, *, actor: str, source: str | None = None,
                     lang: Language = "de") -> ValueRecordedDTO:
        recorded = self._programme(lang).record(ags, key, year, value, actor=actor, source=source)
        indicator = recorded.indicator
        return ValueRecordedDTO(indicator=indicator.key, year=recorded.value.year, value=recorded.value.value,
                                unit=indicator.unit, decimals=indicator.decimals, corrected=recorded.corrected)

    def delete_value(self, ags: str, key: str, year: str, *, actor: str, lang: Language = "de") -> YearValueDTO:
        """Remove a yearly value recorded by mistake; returns what was removed (it stays in the history)."""
        row = self._programme(lang).delete_value(ags, key, year, actor=actor)
        return YearValueDTO(year=row.year, value=row.value)

    def delete_target(self, ags: str, key: str, year: str, *, actor: str, lang: Language = "de") -> YearValueDTO:
        """Remove a target set by mistake; returns what was removed (it stays in the history)."""
        row = self._programme(lang).delete_target(ags, key, year, actor=actor)
        return YearValueDTO(year=row.year, value=row.value)

    def indicators(self, ags: str, cycle: int | None = None, lang: Language = "de") -> list[IndicatorDTO]:
        return [indicator_dto(view, lang) for view in self._programme(lang).indicators(ags, cycle)]

    # -- goals and measures -----------------------------------------------------------------------
    def add_goal(self, ags: str, key: str, *, title: str, theme_field: str, actor: str,
                 lang: Language = "de") -> GoalDTO:
        row = self._programme(lang).add_goal(ags, key, title=title, theme_field=theme_field, actor=actor)
        return GoalDTO(id=row.key, title=row.title, theme_field=row.theme_field)

    def goals(self, ags: str, cycle: int | None = None, lang: Language = "de") -> list[GoalDTO]:
        return [GoalDTO(id=g.key, title=g.title, theme_field=g.theme_field)
                for g in self._programme(lang).goals(ags, cycle)]

    def add_measure(self, ags: str, key: str, *, title: str, actor: str, goal: str | None = None,
                    theme_field: str | None = None, responsible: str | None = None, planned_start: str | None = None,
                    planned_end: str | None = None, lang: Language = "de") -> str:
        """Add a measure; returns its id."""
        return self._programme(lang).add_measure(ags, key, title=title, actor=actor, goal=goal,
                                                 theme_field=theme_field, responsible=responsible,
                                                 planned_start=planned_start, planned_end=planned_end).key

    def set_measure_status(self, ags: str, key: str, status: str, *, actor: str, on: str | None = None,
                           note: str | None = None, lang: Language = "de") -> MeasureDTO:
        self._programme(lang).set_measure_status(ags, key, status, actor=actor, on=on, note=note)
        return next(m for m in self.measures(ags, lang=lang) if m.id == key)

    def measures(self, ags: str, cycle: int | None = None, lang: Language = "de") -> list[MeasureDTO]:
        programme = self._programme(lang)
        goals = {g.id: g.key for g in programme.goals(ags, cycle)}
        return [MeasureDTO(id=m.key, title=m.title, goal=goals.get(m.goal_id), theme_field=m.theme_field,
                           responsible=m.responsible, status=m.status, status_on=m.status_on,
                           planned_start=m.planned_start, planned_end=m.planned_end, started_on=m.started_on,
                           finished_on=m.finished_on, carried_over=m.carried_from_id is not None)
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

    def outcomes(self, ags: str, lang: Language = "de") -> list[CycleOutcomeDTO]:
        from engine.outcomes import cycle_outcomes

        return [CycleOutcomeDTO.model_validate(row) for row in cycle_outcomes(self._service.in_language(lang), ags)]
