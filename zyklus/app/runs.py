"""The door's programme runs: a run, its participants, its events (network conferences), the
attendance, its advisors, the overview of its participants and the label at its end.

The rules are the engine's (engine/runs.py); the reminders of the events are planned by the
notifications add-on from the engine's events. Advisors are accounts: their scope names the run
(``AdvisorScope.run_id``), and zyklus.app.access treats the run's current participants as theirs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from engine.db.run_tables import ProgrammeRun, RunAttendance, RunEvent, RunParticipant
from engine.db.tables import Municipality
from engine.errors import Conflict, NotFound
from engine.i18n import Language, m
from engine.runs import AwardCheck, taking_part
from engine.runs import Runs as EngineRuns
from zyklus.app import commands as c
from zyklus.app.dto import (
    AttendanceDTO,
    AwardCheckDTO,
    AwardChecklistDTO,
    AwardCriterionDTO,
    AwardDTO,
    AwardResultDTO,
    PlannedConferenceDTO,
    RunAdvisorDTO,
    RunDTO,
    RunEventDTO,
    RunParticipantDTO,
    RunStatusDTO,
    RunStatusRowDTO,
)

if TYPE_CHECKING:
    from engine.definitions.model import Definition
    from engine.service import Service
    from notifications.run_reminders import Advisor


def advised_runs(session: Session, run_ids: Sequence[int], today: dt.date) -> tuple[frozenset[str], frozenset[str]]:
    """The slugs of the runs ``run_ids`` and the AGS taking part in them ``today``."""
    if not run_ids:
        return frozenset(), frozenset()
    slugs = session.exec(select(ProgrammeRun.slug).where(col(ProgrammeRun.id).in_(run_ids))).all()
    ags = session.exec(select(Municipality.ags).join(RunParticipant, col(RunParticipant.municipality_id) == Municipality.id)
                       .where(col(RunParticipant.run_id).in_(run_ids), taking_part(today))).all()
    return frozenset(slugs), frozenset(ags)


def advisors(session: Session) -> list[Advisor]:
    """Every account advising a run, with its runs: who gets the weekly digest."""
    # The account tables are imported where accounts are read: a status reads the awards only.
    from notifications.run_reminders import Advisor
    from zyklus.app.account_tables import Account, AdvisorScope

    found: dict[int, tuple[Account, list[str]]] = {}
    for account, slug in session.exec(select(Account, ProgrammeRun.slug)
                                      .join(AdvisorScope, col(AdvisorScope.account_id) == Account.id)
                                      .join(ProgrammeRun, col(AdvisorScope.run_id) == ProgrammeRun.id)
                                      .order_by(col(Account.email), col(ProgrammeRun.slug))).all():
        found.setdefault(account.id, (account, []))[1].append(slug)
    return [Advisor(a.email, a.name, a.language, tuple(slugs)) for a, slugs in found.values()]


class RunsArea:
    def __init__(self, service: Service) -> None:
        self._service = service

    def _runs(self, lang: Language) -> EngineRuns:
        return EngineRuns(self._service.in_language(lang))

    # -- writing ----------------------------------------------------------------------------------
    def add(self, command: c.AddRun, lang: Language = "de") -> RunDTO:
        self._runs(lang).add(command.run, command.name, workflow=command.workflow, organiser=command.organiser,
                             award_requires=command.award_requires, state=command.state,
                             starts_on=command.starts_on, ends_on=command.ends_on,
                             plan_conferences=command.plan_conferences)
        return self.show(command.run, lang)

    def join(self, command: c.JoinRun, lang: Language = "de") -> RunParticipantDTO:
        self._runs(lang).join(command.run, command.ags, command.on)
        return self._participant(command.run, command.ags, lang)

    def leave(self, command: c.LeaveRun, lang: Language = "de") -> RunParticipantDTO:
        self._runs(lang).leave(command.run, command.ags, command.on)
        return self._participant(command.run, command.ags, lang)

    def add_event(self, command: c.AddRunEvent, lang: Language = "de") -> RunEventDTO:
        row = self._runs(lang).add_event(command.run, command.event, command.on, place=command.place,
                                         topic=command.topic)
        return _event_dto(row)

    def remove_event(self, run: str, event: str, lang: Language = "de") -> RunEventDTO:
        return _event_dto(self._runs(lang).remove_event(run, event))

    def attend(self, command: c.RecordEventAttendance, lang: Language = "de") -> AttendanceDTO:
        row = self._runs(lang).attend(command.run, command.event, command.ags, count=command.count,
                                      names=command.names)
        return AttendanceDTO(run=command.run, event=command.event, ags=command.ags.strip(), count=row.count,
                             names=list(row.names))

    def add_advisor(self, command: c.AddRunAdvisor, lang: Language = "de") -> RunAdvisorDTO:
        """Assign an existing account (`zyklus account add`) to the run as its advisor."""
        from zyklus.app.account_tables import Account, AdvisorScope

        service = self._service.in_language(lang)
        email = command.email.strip().lower()
        with service.unit() as session:
            run = EngineRuns(service).run_in(session, command.run)
            account = session.exec(select(Account).where(Account.email == email)).first()
            if account is None:
                raise NotFound(m("account.unknown", lang, email=email))
            if session.exec(select(AdvisorScope.id).where(AdvisorScope.account_id == account.id,
                                                          AdvisorScope.run_id == run.id)).first():
                raise Conflict(m("run.advisor_exists", lang, run=run.slug, email=email))
            session.add(AdvisorScope(account_id=account.id, run_id=run.id))
        return RunAdvisorDTO(run=command.run.strip(), email=email)

    def remove_advisor(self, command: c.RemoveRunAdvisor, lang: Language = "de") -> RunAdvisorDTO:
        """End an account's assignment to the run; the account and its other scopes stay."""
        from zyklus.app.account_tables import Account, AdvisorScope

        service = self._service.in_language(lang)
        email = command.email.strip().lower()
        with service.unit() as session:
            run = EngineRuns(service).run_in(session, command.run)
            scope = session.exec(select(AdvisorScope).join(Account, col(AdvisorScope.account_id) == Account.id)
                                 .where(Account.email == email, AdvisorScope.run_id == run.id)).first()
            if scope is None:
                raise NotFound(m("run.advisor_unknown", lang, run=run.slug, email=email))
            session.delete(scope)
        return RunAdvisorDTO(run=command.run.strip(), email=email)

    def award(self, command: c.AwardRun, lang: Language = "de") -> AwardResultDTO:
        run, checks, label = self._runs(lang).award(command.run, command.on, by=command.by, actor=command.actor)
        by = command.by or run.organiser or "-"
        return AwardResultDTO(run=run.slug, on=command.on, by=by, label=label,
                              checks=_check_dtos(checks, self._service.workflow(run.workflow), lang))

    # -- reading ----------------------------------------------------------------------------------
    def award_checks(self, run: str, on: dt.date, lang: Language = "de") -> AwardChecklistDTO:
        """What ``award`` on ``on`` would check, without writing: the criteria and each
        participant of that day with what it still lacks (the web's checklist before the award)."""
        runs = self._runs(lang)
        with Session(self._service.engine) as session:
            row = runs.run_in(session, run)
            definition = self._service.workflow(row.workflow)
            checks = runs.check_award(session, row, on)
        label = definition.label_award.get(lang) if definition.label_award else definition.label.get(lang)
        return AwardChecklistDTO(run=row.slug, on=on, label=label, criteria=[
            AwardCriterionDTO(fact=fact, label=definition.fact_label(fact, lang)) for fact in row.award_requires],
            checks=_check_dtos(checks, definition, lang))

    def conference_plan(self, workflow: str, starts_on: dt.date | None = None,
                        lang: Language = "de") -> list[PlannedConferenceDTO]:
        """The network conferences a new run of ``workflow`` gets when asked to plan them."""
        return [PlannedConferenceDTO(event=p.key, label=p.label, after_start=p.after_start, on=p.on)
                for p in self._runs(lang).conference_plan(workflow, starts_on)]

    def list(self, lang: Language = "de") -> list[RunDTO]:
        return [self.show(row.slug, lang) for row in self._runs(lang).all()]

    def show(self, run: str, lang: Language = "de") -> RunDTO:
        from zyklus.app.account_tables import Account, AdvisorScope

        runs = self._runs(lang)
        with Session(self._service.engine) as session:
            row = runs.run_in(session, run)
            attended = Counter(event_id for event_id, _municipality in runs.attendance(session, row))
            events = list(session.exec(select(RunEvent).where(RunEvent.run_id == row.id)
                                       .order_by(col(RunEvent.on), col(RunEvent.key))))
            emails = session.exec(select(Account.email).join(AdvisorScope, col(AdvisorScope.account_id) == Account.id)
                                  .where(AdvisorScope.run_id == row.id).order_by(col(Account.email))).all()
            definition = self._service.workflow(row.workflow)
            return RunDTO(run=row.slug, name=row.name, organiser=row.organiser, workflow=row.workflow,
                          state=row.state, starts_on=row.starts_on, ends_on=row.ends_on,
                          award_requires=list(row.award_requires),
                          award_labels=[definition.fact_label(fact, lang) for fact in row.award_requires],
                          participants=[_participant_dto(p, mun) for p, mun in runs.participants(session, row)],
                          events=[_event_dto(e, attended[e.id]) for e in events],
                          advisors=list(emails))

    def attendance(self, run: str, lang: Language = "de") -> list[AttendanceDTO]:
        """Every attendance recorded for the run's events, by event date and AGS: what the
        advisor corrects in the web app."""
        runs = self._runs(lang)
        with Session(self._service.engine) as session:
            row = runs.run_in(session, run)
            found = session.exec(select(RunAttendance, RunEvent.key, Municipality.ags)
                                 .join(RunEvent, col(RunAttendance.event_id) == RunEvent.id)
                                 .join(Municipality, col(RunAttendance.municipality_id) == Municipality.id)
                                 .where(RunEvent.run_id == row.id)
                                 .order_by(col(RunEvent.on), col(RunEvent.key), col(Municipality.ags))).all()
            return [AttendanceDTO(run=row.slug, event=key, ags=ags, count=a.count, names=list(a.names))
                    for a, key, ags in found]

    def events(self, run: str, lang: Language = "de") -> list[RunEventDTO]:
        return self.show(run, lang).events

    def status(self, run: str, lang: Language = "de") -> RunStatusDTO:
        """Every current participant's phase, due date, overdue days and open conditions: one
        set-based read of the door's overview (engine.service.status_all) for the run's AGS."""
        service = self._service.in_language(lang)
        today = service.today()
        with Session(service.engine) as session:
            row = EngineRuns(service).run_in(session, run)
            ags = [mun.ags for _, mun in EngineRuns(service).participants(session, row, today)]
        rows = []
        for status in (service.status_all(ags=ags) if ags else []):
            if status.get("cycle") is None:
                rows.append(RunStatusRowDTO(ags=status["ags"], name=status["name"], phase=None, phase_label=None,
                                            due_on=None, overdue_days=0, open_conditions=[]))
                continue
            due_on = dt.date.fromisoformat(status["due_on"]) if status["due_on"] else None
            rows.append(RunStatusRowDTO(
                ags=status["ags"], name=status["name"], phase=status["phase"], phase_label=status["phase_label"],
                due_on=due_on, overdue_days=max((today - due_on).days, 0) if due_on else 0,
                open_conditions=[u["message"] for u in status["unmet"]]))
        return RunStatusDTO(run=row.slug, name=row.name, on=today, participants=rows)

    def awards(self, ags: str, lang: Language = "de") -> list[AwardDTO]:
        """The labels a municipality was awarded (status, report)."""
        service = self._service.in_language(lang)
        with Session(service.engine) as session:
            municipality = service.municipality_in(session, ags)
            return [AwardDTO(run=run.slug, run_name=run.name, label=award.label, on=award.on, by=award.by)
                    for award, run in EngineRuns(service).awards_of(session, municipality.id)]

    def _participant(self, run: str, ags: str, lang: Language) -> RunParticipantDTO:
        found = [p for p in self.show(run, lang).participants if p.ags == ags.strip()]
        return found[-1]


def _participant_dto(row: RunParticipant, municipality: Municipality) -> RunParticipantDTO:
    return RunParticipantDTO(ags=municipality.ags, name=municipality.name, joined_on=row.joined_on, left_on=row.left_on)


def _check_dtos(checks: Sequence[AwardCheck], definition: Definition, lang: Language) -> list[AwardCheckDTO]:
    return [AwardCheckDTO(ags=ch.ags, name=ch.name, awarded=not ch.missing, already=ch.already,
                          missing=list(ch.missing), missing_labels=[definition.fact_label(fact, lang) for fact in ch.missing])
            for ch in checks]


def _event_dto(row: RunEvent, attended: int = 0) -> RunEventDTO:
    return RunEventDTO(event=row.key, kind=row.kind, on=row.on, place=row.place, topic=row.topic, attended=attended)
