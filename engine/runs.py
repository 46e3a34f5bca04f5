"""Programme runs: who takes part when, the run's own dates, attendance, and the label.

The rules live here and the rows in engine/db/run_tables.py; the door (zyklus/app/runs.py) turns
them into DTOs and the reminder planner (notifications/run_reminders.py) follows the
:class:`~engine.events.RunChanged` events published in the same unit of work.

A municipality *takes part* in a run on a day when it joined on or before that day and had not
left by then. The label's criteria are facts that must be on record in the participant's cycles
since it joined (``award_requires`` of the run, by default the variant's council resolution).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, or_
from sqlmodel import Session, col, select

from engine import validate
from engine.clock import stamp
from engine.dates import Duration, add
from engine.db.run_tables import ProgrammeRun, RunAttendance, RunAward, RunEvent, RunParticipant
from engine.db.tables import Cycle, Fact, Municipality
from engine.errors import Conflict, InvalidInput, NotFound
from engine.events import RunChanged, RunEventRemoved
from engine.i18n import Language, format_date, m
from engine.service import Service

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,99}")
DEFAULT_CRITERION = "council_resolution"
"""The strategy resolved: what GNK Thüringen awarded its label for („nach den Strategiebeschlüssen“)."""
ADOPTED = ("adopted", "adopted_amended")
"""The results of a council resolution that count as resolved (the guard before implementation
names the same ones in the shipped workflows)."""


def taking_part(on: dt.date) -> Any:
    """The SQL condition "a participant row is active on ``on``"."""
    return and_(col(RunParticipant.joined_on) <= on,
                or_(col(RunParticipant.left_on).is_(None), col(RunParticipant.left_on) > on))


@dataclass(frozen=True)
class PlannedConference:
    key: str
    label: str
    after_start: str
    """ISO duration from the run's start (``P2M``)."""
    on: dt.date | None


@dataclass(frozen=True)
class AwardCheck:
    ags: str
    name: str
    missing: tuple[str, ...]
    """The criteria (fact ids) not on record; empty: the participant meets them."""
    already: bool = False
    """Awarded before (the run records a label once per municipality)."""


class Runs:
    def __init__(self, service: Service) -> None:
        self.service = service

    @property
    def lang(self) -> Language:
        return self.service.lang

    # -- lookups ----------------------------------------------------------------------------------
    def run_in(self, session: Session, slug: str) -> ProgrammeRun:
        row = session.exec(select(ProgrammeRun).where(ProgrammeRun.slug == slug.strip())).first()
        if row is None:
            raise NotFound(m("run.unknown", self.lang, run=slug))
        return row

    def event_in(self, session: Session, run: ProgrammeRun, key: str) -> RunEvent:
        row = session.exec(select(RunEvent).where(RunEvent.run_id == run.id, RunEvent.key == key.strip())).first()
        if row is None:
            raise NotFound(m("run.event_unknown", self.lang, run=run.slug, event=key))
        return row

    def participants(self, session: Session, run: ProgrammeRun,
                     on: dt.date | None = None) -> list[tuple[RunParticipant, Municipality]]:
        """Everyone who ever took part (``on`` None) or those taking part on ``on``, by AGS."""
        query = (select(RunParticipant, Municipality).join(Municipality, col(RunParticipant.municipality_id) == Municipality.id)
                 .where(RunParticipant.run_id == run.id))
        if on is not None:
            query = query.where(taking_part(on))
        return list(session.exec(query.order_by(col(Municipality.ags), col(RunParticipant.joined_on))).all())

    # -- writing ----------------------------------------------------------------------------------
    def add(self, slug: str, name: str, *, workflow: str, organiser: str = "",
            award_requires: Sequence[str] = (), state: str = "", starts_on: dt.date | None = None,
            ends_on: dt.date | None = None, plan_conferences: bool = False) -> ProgrammeRun:
        """A new run; with ``plan_conferences`` (and a start) it gets the variant's network
        conferences on the days :meth:`conference_plan` gives, to be moved later as they are fixed."""
        slug = slug.strip()
        if not _SLUG.fullmatch(slug):
            raise InvalidInput(m("run.slug_invalid", self.lang, run=slug))
        definition = self.service.workflow(workflow)
        criteria = list(award_requires) or ([DEFAULT_CRITERION] if DEFAULT_CRITERION in definition.facts else [])
        for fact in criteria:
            if fact not in definition.facts:
                raise InvalidInput(m("run.criterion_unknown", self.lang, fact=fact, workflow=workflow,
                                     allowed=", ".join(definition.facts)))
        land = validate.state(state, self.lang) if state.strip() else ""
        if starts_on is not None and ends_on is not None and ends_on < starts_on:
            raise InvalidInput(m("run.ends_before_start", self.lang, ends_on=format_date(ends_on, self.lang),
                                   starts_on=format_date(starts_on, self.lang)))
        if plan_conferences and starts_on is None:
            raise InvalidInput(m("run.plan_needs_start", self.lang))
        with self.service.unit() as session:
            if session.exec(select(ProgrammeRun.id).where(ProgrammeRun.slug == slug)).first() is not None:
                raise Conflict(m("run.exists", self.lang, run=slug))
            row = ProgrammeRun(slug=slug, name=validate.single_line(name, "name", self.lang, 300),
                               organiser=validate.single_line(organiser, "organiser", self.lang, 300) if organiser else "",
                               workflow=definition.name, award_requires=criteria, state=land, starts_on=starts_on,
                               ends_on=ends_on, created_at=stamp(self.service.clock))
            session.add(row)
            session.flush()
            for planned in (self.conference_plan(definition.name, starts_on) if plan_conferences else []):
                session.add(RunEvent(run_id=row.id, key=planned.key, on=planned.on, topic=planned.label))
            return row

    def conference_plan(self, workflow: str, starts_on: dt.date | None) -> list[PlannedConference]:
        """The network conferences the variant plans for a programme (its events dated from the
        start, ``after_start``), keyed ``tagung-1`` … in their order; without a start, no days."""
        definition = self.service.workflow(workflow)
        dated = sorted(((Duration.parse(e.after_start), e) for e in definition.events.values() if e.after_start),
                       key=lambda pair: add(dt.date(2000, 1, 1), pair[0]))
        return [PlannedConference(f"tagung-{n}", event.label.get(self.lang),
                                  event.after_start or "", add(starts_on, offset) if starts_on else None)
                for n, (offset, event) in enumerate(dated, 1)]

    def join(self, slug: str, ags: str, on: dt.date) -> tuple[ProgrammeRun, Municipality]:
        """A municipality takes part from ``on``: not before the run starts (as its award is not),
        and only from the run's Land when it names one (a Land's programme; a run across Länder
        names none)."""
        with self.service.unit(ags) as session:
            run = self.run_in(session, slug)
            municipality = self.service.municipality_in(session, ags)
            if run.starts_on is not None and on < run.starts_on:
                raise InvalidInput(m("run.join_before_start", self.lang, on=format_date(on, self.lang),
                                     starts_on=format_date(run.starts_on, self.lang), run=run.slug))
            if run.state and municipality.state != run.state:
                raise InvalidInput(m("run.join_other_state", self.lang, name=municipality.name,
                                     ags=municipality.ags, state=municipality.state or "–", run=run.slug,
                                     run_state=run.state))
            current = session.exec(select(RunParticipant).where(
                RunParticipant.run_id == run.id, RunParticipant.municipality_id == municipality.id,
                col(RunParticipant.left_on).is_(None))).first()
            if current is not None:
                raise Conflict(m("run.already_in", self.lang, run=slug, ags=municipality.ags))
            session.add(RunParticipant(run_id=run.id, municipality_id=municipality.id, joined_on=on))
            session.flush()
            self.service.publish(RunChanged(run_id=run.id), session)
            return run, municipality

    def leave(self, slug: str, ags: str, on: dt.date) -> tuple[ProgrammeRun, Municipality, RunParticipant]:
        with self.service.unit(ags) as session:
            run = self.run_in(session, slug)
            municipality = self.service.municipality_in(session, ags)
            current = session.exec(select(RunParticipant).where(
                RunParticipant.run_id == run.id, RunParticipant.municipality_id == municipality.id,
                col(RunParticipant.left_on).is_(None))).first()
            if current is None:
                raise NotFound(m("run.not_in", self.lang, run=slug, ags=municipality.ags))
            if on < current.joined_on:
                raise InvalidInput(m("run.leave_before_join", self.lang, on=format_date(on, self.lang),
                                   joined_on=format_date(current.joined_on, self.lang)))
            current.left_on = on
            session.add(current)
            session.flush()
            self.service.publish(RunChanged(run_id=run.id), session)
            return run, municipality, current

    def add_event(self, slug: str, key: str, on: dt.date, *, place: str = "", topic: str = "",
                  kind: str = "conference") -> RunEvent:
        """A new event, or a changed one (same key): its date, place and topic are replaced."""
        key = key.strip()
        if not _SLUG.fullmatch(key):
            raise InvalidInput(m("run.event_key_invalid", self.lang, event=key))
        with self.service.unit() as session:
            run = self.run_in(session, slug)
            row = session.exec(select(RunEvent).where(RunEvent.run_id == run.id, RunEvent.key == key)).first()
            if row is None:
                row = RunEvent(run_id=run.id, key=key, kind=kind, on=on)
            elif row.on != on:
                row.sequence += 1
            row.on = on
            row.place = validate.single_line(place, "place", self.lang, 300) if place else ""
            row.topic = validate.single_line(topic, "topic", self.lang, 300) if topic else ""
            session.add(row)
            session.flush()
            self.service.publish(RunChanged(run_id=run.id, event_id=row.id), session)
            return row

    def remove_event(self, slug: str, key: str) -> RunEvent:
        with self.service.unit() as session:
            run = self.run_in(session, slug)
            row = self.event_in(session, run, key)
            self.service.publish(RunEventRemoved(run_id=run.id, event_id=row.id), session)
            session.execute(delete(RunAttendance).where(col(RunAttendance.event_id) == row.id))
            session.delete(row)
            return row

    def events(self, slug: str) -> tuple[ProgrammeRun, list[RunEvent]]:
        with Session(self.service.engine) as session:
            run = self.run_in(session, slug)
            return run, list(session.exec(select(RunEvent).where(RunEvent.run_id == run.id)
                                          .order_by(col(RunEvent.on), col(RunEvent.key))))

    def attend(self, slug: str, key: str, ags: str, *, count: int, names: Sequence[str] = ()) -> RunAttendance:
        """Record (or correct) who of a participant attended. Names are only of people who
        consented to be named; the count always includes everyone."""
        names = [validate.single_line(n, "name", self.lang) for n in names]
        if count < len(names) or count < 0:
            raise InvalidInput(m("run.attendance_count", self.lang, count=count, names=len(names)))
        with self.service.unit(ags) as session:
            run = self.run_in(session, slug)
            event = self.event_in(session, run, key)
            municipality = self.service.municipality_in(session, ags)
            if not session.exec(select(RunParticipant.id).where(
                    RunParticipant.run_id == run.id, RunParticipant.municipality_id == municipality.id,
                    taking_part(event.on))).first():
                raise InvalidInput(m("run.not_participating", self.lang, run=slug, ags=municipality.ags,
                                     on=format_date(event.on, self.lang)))
            row = session.exec(select(RunAttendance).where(RunAttendance.event_id == event.id,
                                                           RunAttendance.municipality_id == municipality.id)).first()
            row = row or RunAttendance(event_id=event.id, municipality_id=municipality.id, count=0, names=[],
                                       recorded_at=stamp(self.service.clock))
            row.count, row.names, row.recorded_at = count, names, stamp(self.service.clock)
            session.add(row)
            session.flush()
            return row

    def attendance(self, session: Session, run: ProgrammeRun) -> dict[tuple[int, int], RunAttendance]:
        """(event id, municipality id) -> attendance, for the run's events."""
        rows = session.exec(select(RunAttendance).join(RunEvent, col(RunAttendance.event_id) == RunEvent.id)
                            .where(RunEvent.run_id == run.id))
        return {(row.event_id, row.municipality_id): row for row in rows}

    # -- the label --------------------------------------------------------------------------------
    def check_award(self, session: Session, run: ProgrammeRun, on: dt.date) -> list[AwardCheck]:
        """Each participant on ``on`` with the criteria it does not meet. A resolution counts only
        when it was adopted (a rejected or deferred paper resolved nothing); one recorded before
        resolutions had a result counts, as the guard before implementation treats it."""
        out = []
        awarded = set(session.exec(select(RunAward.municipality_id).where(RunAward.run_id == run.id)))
        for participant, municipality in self.participants(session, run, on):
            recorded = {kind for kind, fields in session.exec(
                select(Fact.type, Fact.fields).join(Cycle, col(Fact.cycle_id) == Cycle.id).where(
                    Cycle.municipality_id == municipality.id, col(Fact.on) >= participant.joined_on,
                    col(Fact.on) <= on, col(Fact.type).in_(run.award_requires)))
                if fields.get("result", ADOPTED[0]) in ADOPTED}
            out.append(AwardCheck(municipality.ags, municipality.name,
                                  tuple(f for f in run.award_requires if f not in recorded),
                                  already=municipality.id in awarded))
        return out

    def award(self, slug: str, on: dt.date, *, by: str | None = None,
              actor: str = "system") -> tuple[ProgrammeRun, list[AwardCheck], str]:
        """Award the run's label to the participants that meet its criteria, each on record in
        the run and in the history of its latest cycle. Returns the checks and the label."""
        with self.service.unit() as session:
            run = self.run_in(session, slug)
            if run.starts_on is not None and on < run.starts_on:
                raise InvalidInput(m("run.award_before_start", self.lang, on=format_date(on, self.lang),
                                       starts_on=format_date(run.starts_on, self.lang)))
            definition = self.service.workflow(run.workflow)
            label = definition.label_award.get("de") if definition.label_award else definition.label.get("de")
            organisation = validate.single_line(by, "by", self.lang, 300) if by else (run.organiser or "-")
            checks = self.check_award(session, run, on)
            ids = {a: i for a, i in session.exec(select(Municipality.ags, Municipality.id).where(
                col(Municipality.ags).in_([c.ags for c in checks])))}
            for check in checks:
                if check.missing or check.already:
                    continue
                session.add(RunAward(run_id=run.id, municipality_id=ids[check.ags], on=on, by=organisation,
                                     label=label, recorded_at=stamp(self.service.clock)))
                cycle = session.exec(select(Cycle).where(Cycle.municipality_id == ids[check.ags])
                                     .order_by(col(Cycle.number).desc())).first()
                if cycle is not None:
                    self.service.add_history(session, cycle, on=on, actor=actor, kind="award",
                                             from_phase=cycle.phase, to_phase=cycle.phase,
                                             details={"run": run.slug, "by": organisation, "label": label})
            return run, checks, label

    def awards_of(self, session: Session, municipality_id: int) -> list[tuple[RunAward, ProgrammeRun]]:
        return list(session.exec(select(RunAward, ProgrammeRun).join(ProgrammeRun, col(RunAward.run_id) == ProgrammeRun.id)
                                 .where(RunAward.municipality_id == municipality_id).order_by(col(RunAward.on))).all())

    def runs_of(self, session: Session, municipality_id: int, on: dt.date) -> list[ProgrammeRun]:
        """The runs a municipality takes part in on ``on``."""
        return list(session.exec(select(ProgrammeRun).join(RunParticipant, col(RunParticipant.run_id) == ProgrammeRun.id)
                                 .where(RunParticipant.municipality_id == municipality_id, taking_part(on))))

    def all(self) -> list[ProgrammeRun]:
        with Session(self.service.engine) as session:
            return list(session.exec(select(ProgrammeRun).order_by(col(ProgrammeRun.slug))))
