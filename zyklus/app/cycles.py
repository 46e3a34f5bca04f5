"""The door's municipalities, people and cycles: register, start, record, advance, deadline,
status (one and all), history and the list of cycles.

Each method takes a typed command or typed query arguments and the caller's language, calls the
engine's service speaking that language, and returns DTOs. Nothing here parses text or prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from engine.i18n import Language
from engine.roles import effective_roles
from zyklus.app import commands as c
from zyklus.app.dto import (
    AdvancedDTO,
    CycleStartedDTO,
    CycleSummaryDTO,
    DeadlineSetDTO,
    FactRecordedDTO,
    GuardWarningDTO,
    HistoryEntryDTO,
    MunicipalityDTO,
    NoCycleDTO,
    OverviewChoicesDTO,
    OverviewPageDTO,
    PersonDTO,
    StatusDTO,
)

if TYPE_CHECKING:
    from engine.db.tables import Municipality, Person
    from engine.service import Service


def municipality_dto(row: Municipality) -> MunicipalityDTO:
    return MunicipalityDTO(ags=row.ags, name=row.name, state=row.state, kind=row.kind,
                           catholic_holidays=row.catholic_holidays)


def person_dto(row: Person) -> PersonDTO:
    return PersonDTO(name=row.name, email=row.email, roles=list(row.roles), counts_in=sorted(effective_roles(row.roles)),
                     organisation=row.organisation, consent_publish=row.consent_publish, language=row.language,
                     digest=row.digest)


def _overview_row(row: dict[str, Any]) -> StatusDTO | NoCycleDTO:
    """A row of the overview: a status, or a municipality without a cycle."""
    if row.get("cycle") is None:
        return NoCycleDTO(ags=row["ags"], name=row["name"])
    return StatusDTO.model_validate(row)


class Cycles:
    def __init__(self, service: Service) -> None:
        self._service = service

    def _speaking(self, lang: Language) -> Service:
        return self._service.in_language(lang)

    # -- municipalities and people ------------------------------------------------------------
    def add_municipality(self, command: c.AddMunicipality, lang: Language = "de") -> MunicipalityDTO:
        row = self._speaking(lang).add_municipality(command.ags, command.name, state=command.state,
                                                    kind=command.kind, catholic_holidays=command.catholic_holidays)
        return municipality_dto(row)

    def municipality(self, ags: str, lang: Language = "de") -> MunicipalityDTO:
        """One municipality (NotFound for an AGS nobody registered)."""
        from sqlmodel import Session

        service = self._speaking(lang)
        with Session(service.engine) as session:
            return municipality_dto(service.municipality_in(session, ags))

    def municipalities(self) -> list[MunicipalityDTO]:
        return [municipality_dto(row) for row in self._service.municipalities()]

    def municipalities_page(self, lang: Language = "de", *, ags: Iterable[str] | None = None, sort: str = "ags",
                            descending: bool = False, offset: int = 0,
                            limit: int = 100) -> tuple[int, list[MunicipalityDTO]]:
        """The total and one page of the municipalities ``ags`` names (None: all), sorted by
        ``engine.status.MUNICIPALITY_SORTS`` and cut in the database."""
        total, rows = self._speaking(lang).municipalities_page(ags=ags, sort=sort, descending=descending,
                                                               offset=offset, limit=limit)
        return total, [municipality_dto(row) for row in rows]

    def add_person(self, command: c.AddPerson, lang: Language = "de") -> PersonDTO:
        row = self._speaking(lang).add_person(
            command.ags, name=command.name, email=command.email, roles=command.roles,
            organisation=command.organisation, consent_publish=command.consent_publish,
            language=command.language, digest=command.digest, actor=command.actor)
        return person_dto(row)

    def update_person(self, command: c.UpdatePerson, lang: Language = "de") -> PersonDTO:
        """Change a person's roles, organisation, consent, language and digest; on record in the history."""
        row = self._speaking(lang).update_person(
            command.ags, command.email, roles=command.roles, organisation=command.organisation,
            consent_publish=command.consent_publish, language=command.language, digest=command.digest,
            actor=command.actor)
        return person_dto(row)

    def remove_person(self, command: c.RemovePerson, lang: Language = "de") -> PersonDTO:
        """Take a person out of the municipality (not an erasure: see privacy.forget); returns who it was."""
        return person_dto(self._speaking(lang).remove_person(command.ags, command.email, actor=command.actor))

    def people(self, ags: str, lang: Language = "de") -> list[PersonDTO]:
        return [person_dto(row) for row in self._speaking(lang).people(ags)]

    # -- cycles -------------------------------------------------------------------------------
    def start(self, command: c.StartCycle, lang: Language = "de") -> CycleStartedDTO:
        service = self._speaking(lang)
        cycle = service.start_cycle(command.ags, workflow=command.workflow, on=command.on)
        status = service.status(command.ags)
        return CycleStartedDTO(ags=status["ags"], number=cycle.number, workflow=status["workflow"],
                               version=status["version"], phase=status["phase"], phase_label=status["phase_label"],
                               due_on=status["due_on"])

    def record(self, command: c.RecordFact, lang: Language = "de") -> FactRecordedDTO:
        result = self._speaking(lang).record(command.ags, command.fact, actor=command.actor, values=command.values,
                                             on=command.on, expected_version=command.expected_version)
        row = result.fact
        return FactRecordedDTO(ags=command.ags.strip(), cycle=result.number, fact=row.type,
                               label=result.label, on=row.on, fields=row.fields, actor=row.actor)

    def advance(self, command: c.Advance, lang: Language = "de") -> AdvancedDTO:
        result = self._speaking(lang).advance(command.ags, actor=command.actor, on=command.on, reason=command.reason,
                                              expected=command.expected, expected_version=command.expected_version)
        return AdvancedDTO(ags=result.ags, number=result.number, source=result.source,
                           source_label=result.source_label, dest=result.dest, dest_label=result.dest_label,
                           on=result.on, warnings=[GuardWarningDTO(id=w.id, message=w.message) for w in result.warnings],
                           next_cycle=result.next_cycle, next_phase_label=result.next_phase,
                           restart_on=result.restart_on)

    def set_deadline(self, command: c.SetDeadline, lang: Language = "de") -> DeadlineSetDTO:
        service = self._speaking(lang)
        before = service.status(command.ags)
        cycle = service.set_deadline(command.ags, command.due, actor=command.actor, reason=command.reason,
                                     expected_version=command.expected_version)
        from engine.dates import holiday_name

        place = self.municipality(command.ags, lang)
        return DeadlineSetDTO(ags=before["ags"], cycle=cycle.number, phase=cycle.phase,
                              phase_label=before["phase_label"], due_on=cycle.due_on,
                              previous_due_on=before["due_on"],
                              holiday=holiday_name(cycle.due_on, place.state, place.catholic_holidays))

    def comment(self, command: c.Comment, lang: Language = "de") -> HistoryEntryDTO:
        """A remark on the latest cycle, on record in its history; returns that entry (the last
        one, since the history runs by cycle and sequence)."""
        self._speaking(lang).comment(command.ags, actor=command.actor, text=command.text)
        return self.history(command.ags, lang=lang)[-1]

    # -- reading --------------------------------------------------------------------------------
    def status(self, ags: str, lang: Language = "de") -> StatusDTO:
        """Where the cycle stands, with the labels the municipality was awarded in programme runs."""
        from zyklus.app.runs import RunsArea

        awards = RunsArea(self._service).awards(ags, lang)
        return StatusDTO.model_validate({**self._speaking(lang).status(ags), "awards": awards})

    def overview(self, lang: Language = "de", *, ags: Iterable[str] | None = None, state: str | None = None,
                 workflow: str | None = None, phase: str | None = None,
                 overdue: bool | None = None) -> list[StatusDTO | NoCycleDTO]:
        """The municipalities with where their cycles stand, by AGS (the advisor's and the admin's
        view), read as one set whatever their number. The filters narrow it in the database:
        ``ags`` those the caller may see (None: all), ``state`` a Land, ``workflow``, ``phase``,
        ``overdue``; a filter on the cycle leaves out municipalities that have not started one."""
        rows = self._speaking(lang).status_all(ags=ags, state=state, workflow=workflow, phase=phase,
                                               overdue=overdue)
        return [_overview_row(row) for row in rows]

    def overview_page(self, lang: Language = "de", *, ags: Iterable[str] | None = None, state: str | None = None,
                      workflow: str | None = None, phase: str | None = None, overdue: bool | None = None,
                      sort: str = "ags", descending: bool = False, offset: int = 0,
                      limit: int = 50) -> OverviewPageDTO:
        """One page of ``overview``, filtered, counted, sorted and cut in the database, with the
        open conditions worked out only for the page's rows: what the web page and the API list,
        because the whole overview of 10,800 municipalities takes seconds. ``sort`` is one of
        ``engine.service.OVERVIEW_SORTS``, ties broken by AGS; an unknown one, a negative
        ``offset`` or a ``limit`` outside 1–500 is ``InvalidInput``. An ``offset`` beyond the end
        gives no rows and the total."""
        total, rows = self._speaking(lang).status_page(ags=ags, state=state, workflow=workflow, phase=phase,
                                                       overdue=overdue, sort=sort, descending=descending,
                                                       offset=offset, limit=limit)
        return OverviewPageDTO(total=total, offset=offset, limit=limit, rows=[_overview_row(row) for row in rows])

    def overview_choices(self, lang: Language = "de", *, ags: Iterable[str] | None = None) -> OverviewChoicesDTO:
        """The Länder, workflows and phases the overview's filters offer among ``ags`` (None: all)."""
        return OverviewChoicesDTO.model_validate(self._speaking(lang).overview_choices(ags=ags))

    def history(self, ags: str, number: int | None = None, lang: Language = "de") -> list[HistoryEntryDTO]:
        return [HistoryEntryDTO.model_validate(row) for row in self._speaking(lang).history(ags, number)]

    def plan(self, ags: str, lang: Language = "de") -> list[dict[str, Any]]:
        """The current cycle's plan, as `zyklus status` and `zyklus evaluate` date it: each phase
        it entered (from the phase it began in) with its due date, then the phases ahead."""
        loaded, rows = self._speaking(lang).plan(ags)
        return [{"phase": row.phase, "label": loaded.definition.phase_label(row.phase, lang), "planned_start": row.start,
                 "planned_due": row.due, "entered": row.entered_on,
                 "current": row.phase == loaded.cycle.phase and row.left_on is None and row.entered_on is not None}
                for row in rows]

    def cycles(self, ags: str, lang: Language = "de") -> list[CycleSummaryDTO]:
        return [CycleSummaryDTO.model_validate(row) for row in self._speaking(lang).cycles(ags)]
