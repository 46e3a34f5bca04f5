"""The use cases of zyklus: register, start, record, advance, status, history, restart.

The CLI and any later web API call only this module. Each public method is one unit of work:
it validates its input before touching the database, loads what it needs in one read,
decides with pure code (guards, the cached Machine), then writes the new state, an append-only
history row and the subscribers' rows in one transaction guarded by a compare-and-set.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Text, Update, and_, asc, bindparam, case, cast, desc, exists, func, insert, not_, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from engine import dates, validate
from engine.clock import Clock, local_today, stamp
from engine.collector import collector_paused
from engine.db.database import create_schema
from engine.db.faults import translate
from engine.db.tables import Cycle, DefinitionVersion, Fact, History, Municipality, Person
from engine.definitions.loader import Catalog
from engine.definitions.model import COMPLETED, Definition, Transition
from engine.errors import (Conflict, DefinitionError, InvalidInput, NotFound, PermissionDenied, TransitionRefused,
                           VersionMismatch)
from engine.events import (CycleCompleted, CycleStarted, DeadlineChanged, Deferred, DomainEvent, EventBus, FactRecorded,
                           PhaseEntered, Subscriber)
from engine.facts import parse_fields
from engine.guards import GuardResult, blocking_unmet, evaluate_all
from engine.i18n import LANGUAGES, Language, format_date, m, t
from engine.machine import CycleModel, fire
from engine.roles import ROLES, count_by_role, effective_roles
from engine.db.programme_shape import programme_shapes, programme_shapes_of
from engine.snapshot import CycleSnapshot, FactView, ProgrammeShape, StoredFields
from engine.status import MUNICIPALITY_SORTS, OVERVIEW_MAX_LIMIT, OVERVIEW_SORTS, CycleView, MunicipalityView, Progress, build_status

log = logging.getLogger("zyklus.service")


# The statements of every advance, built once: building a statement's expression (and its cache
# key) on every call cost as much as running it.
_MUNICIPALITY_AND_LATEST = (
    select(Municipality, Cycle).outerjoin(Cycle, col(Cycle.municipality_id) == Municipality.id)
    .where(Municipality.ags == bindparam("ags")).order_by(col(Cycle.number).desc()).limit(1))
_PEOPLE = select(Person).where(Person.municipality_id == bindparam("municipality"))
_FACTS = select(Fact).where(Fact.cycle_id == bindparam("cycle")).order_by(col(Fact.id))
_HISTORY_COLUMNS = ("cycle_id", "at", "on", "actor", "kind", "trigger", "from_phase", "to_phase", "reason", "details")
_INSERT_HISTORY = insert(History.__table__).values(
    seq=select(func.coalesce(func.max(History.__table__.c.seq), 0) + 1)
    .where(History.__table__.c.cycle_id == bindparam("cycle_id")).scalar_subquery(),
    **{name: bindparam(name, type_=History.__table__.c[name].type) for name in _HISTORY_COLUMNS},
).returning(History.__table__.c.seq)



@cache
def _compare_and_set(columns: tuple[str, ...]) -> Update:
    """The optimistic lock's UPDATE setting ``columns``, one statement per set of columns."""
    table = Cycle.__table__
    return (update(table).where(table.c.id == bindparam("v_id"), table.c.lock_version == bindparam("v_lock"))
            .values(lock_version=bindparam("v_next"), **{name: bindparam(f"v_{name}") for name in columns}))


@dataclass(frozen=True)
class Loaded:
    """Everything one use case needs about a municipality's current cycle, read once."""

    municipality: Municipality
    cycle: Cycle
    definition: Definition
    people: list[Person]
    facts: list[Fact]
    held_meetings: Mapping[str, int] = field(default_factory=dict)
    """Held meetings of the cycle by working structure (engine.meetings.held_counts)."""
    programme: ProgrammeShape = ProgrammeShape()

    def snapshot(self) -> CycleSnapshot:
        return CycleSnapshot(
            number=self.cycle.number, phase=self.cycle.phase,
            facts=tuple(FactView(f.type, f.fields, f.on) for f in self.facts),
            role_counts=count_by_role(p.roles for p in self.people), held_meetings=self.held_meetings,
            programme=self.programme)


def decide(definition: Definition, phase: str, snapshot: CycleSnapshot, allowed: Sequence[tuple[str, Transition]],
           trigger: str, lang: Language) -> tuple[str | None, dict[str, list[GuardResult]]]:
    """The decision of an advance, in memory: the guards of the transitions the actor may take
    over the snapshot, then the cached Machine. Returns the transition taken (None when refused)
    and every guard's result by transition. ``bench/decision_bench.py`` times exactly this."""
    results = {tid: evaluate_all(tr.guards, snapshot, definition, lang) for tid, tr in allowed}
    model = CycleModel(state=phase, passed={tid: not blocking_unmet(r) for tid, r in results.items()})
    return fire(definition, model, trigger), results


@dataclass(frozen=True)
class AdvanceResult:
    ags: str
    number: int
    source: str
    dest: str
    on: dt.date
    warnings: list[GuardResult]
    source_label: str
    dest_label: str
    next_cycle: int | None = None
    next_phase: str | None = None
    restart_on: dt.date | None = None


@dataclass(frozen=True)
class RecordResult:
    fact: Fact
    label: str
    number: int
    """The cycle the fact belongs to."""


class Service:
    def __init__(self, engine: Engine, catalog: Catalog, clock: Clock, *, tz: str = "Europe/Berlin",
                 lang: Language = "de", default_workflow: str = "gnk-thueringen",
                 bus: EventBus | None = None) -> None:
        self.engine = engine
        self.catalog = catalog
        self.clock = clock
        self.tz = ZoneInfo(tz)
        self.lang = lang
        self.default_workflow = default_workflow
        self.bus = bus or EventBus()
        self._definitions: dict[int, Definition] = {}
        # A new cycle inherits the action programme (goals, indicators, open measures) in the same
        # transaction that starts it, and a completed cycle keeps its indicators' ratings in the
        # transaction that completes it; see engine/indicators/carry_over.py and kept_ratings.py.
        # Both are built on the first event (a read publishes none and never imports them).
        self.bus.subscribe(Deferred(lambda: _carry_over(clock)), DomainEvent)
        self.bus.subscribe(Deferred(lambda: _keep_ratings(clock)), DomainEvent)

    # -- infrastructure -----------------------------------------------------------------------
    def in_language(self, lang: Language) -> "Service":
        """This service speaking ``lang``: the same database, catalog, clock, event bus and cache
        of parsed definitions, with labels and error messages in the caller's language. One
        process (the web app) serves a German coordinator and an English administrator at once."""
        if lang == self.lang:
            return self
        speaking = copy.copy(self)
        speaking.lang = lang
        return speaking

    def init_db(self) -> None:
        create_schema(self.engine)

    @contextmanager
    def unit(self, ags: str | None = None) -> Iterator[Session]:
        """One transaction. A database error the user can act on (a lost race, a duplicate, a
        busy database) becomes its own ZyklusError; any other is a bug and propagates as is."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except DBAPIError as exc:
                session.rollback()
                mapped = translate(exc, self.lang, ags)
                if mapped is None:
                    raise
                raise mapped from None
            except BaseException:
                session.rollback()
                raise

    def today(self) -> dt.date:
        return local_today(self.clock, self.tz)

    def publish(self, event: DomainEvent, session: Session) -> None:
        self.bus.publish(event, session)

    def definition(self, session: Session, definition_id: int) -> Definition:
        """The pinned definition of a cycle, parsed once per process."""
        cached = self._definitions.get(definition_id)
        if cached is None:
            row = session.get(DefinitionVersion, definition_id)
            cached = Definition.from_stored(json.loads(row.body))
            self._definitions[definition_id] = cached
        return cached

    def remember_definition(self, definition_id: int, definition: Definition) -> None:
        """A definition just pinned (or migrated to) is parsed already: keep it for this process."""
        self._definitions[definition_id] = definition

    def pin(self, session: Session, definition: Definition) -> DefinitionVersion:
        """The stored version row of ``definition``, stored now if this version is new."""
        row = session.exec(select(DefinitionVersion).where(DefinitionVersion.version == definition.version)).first()
        if row is None:
            row = DefinitionVersion(variant=definition.name, version=definition.version,
                                    body=definition.canonical_json, created_at=stamp(self.clock))
            session.add(row)
            session.flush()
        return row

    def workflow(self, name: str) -> Definition:
        try:
            return self.catalog.load(name)
        except DefinitionError as exc:
            if exc.code == "workflow.unknown":
                raise NotFound(m("workflow.unknown", self.lang, name=name,
                                 allowed=", ".join(self.catalog.names()))) from None
            raise

    def _successor(self, pinned: Definition) -> Definition:
        """The definition a restarted cycle runs on: the newest version of its variant, or — when
        the file was deleted or broken meanwhile — the version the previous cycle ran on, so a
        mistake in a file never stops a municipality's cycle from continuing."""
        try:
            return self.catalog.load(pinned.name)
        except DefinitionError:
            log.warning("workflow %r cannot be loaded; the next cycle continues on version %s",
                        pinned.name, pinned.version)
            return pinned

    # -- lookups ------------------------------------------------------------------------------
    def municipality_in(self, session: Session, ags: str) -> Municipality:
        ags = validate.ags(ags, self.lang)
        row = session.exec(select(Municipality).where(Municipality.ags == ags)).first()
        if row is None:
            raise NotFound(m("municipality.unknown", self.lang, ags=ags))
        return row

    def _latest_cycle(self, session: Session, municipality: Municipality) -> Cycle | None:
        return session.exec(select(Cycle).where(Cycle.municipality_id == municipality.id)
                            .order_by(col(Cycle.number).desc())).first()

    def load(self, session: Session, ags: str, *, number: int | None = None, running: bool = True) -> Loaded:
        if number is None:  # the common case: the municipality and its latest cycle in one query
            ags = validate.ags(ags, self.lang)
            found = session.execute(_MUNICIPALITY_AND_LATEST, {"ags": ags}).first()
            if found is None:
                raise NotFound(m("municipality.unknown", self.lang, ags=ags))
            municipality, cycle = found
        else:
            municipality = self.municipality_in(session, ags)
            cycle = session.exec(select(Cycle).where(Cycle.municipality_id == municipality.id,
                                                     Cycle.number == number)).first()
            if cycle is None:
                raise NotFound(m("cycle.number_unknown", self.lang, ags=municipality.ags, number=number))
        if cycle is None:
            raise NotFound(m("cycle.none", self.lang, ags=municipality.ags))
        if running and cycle.status != "running":
            raise InvalidInput(m("cycle.finished", self.lang, ags=municipality.ags, number=cycle.number))
        people = list(session.scalars(_PEOPLE, {"municipality": municipality.id}))
        facts = list(session.scalars(_FACTS, {"cycle": cycle.id}))
        shape = programme_shapes_of(session.connection(), [cycle.id])
        return Loaded(municipality, cycle, self.definition(session, cycle.definition_id), people, facts,
                      self.held_meetings(session, cycle.id), shape.get(cycle.id, ProgrammeShape()))

    def held_meetings(self, session: Session, cycle_id: int) -> dict[str, int]:
        """The cycle's held meetings by working structure, as its guards count them today."""
        from engine.meetings import held_counts

        return held_counts(session, [cycle_id], self.today(), self.tz).get(cycle_id, {})

    def actor_in(self, loaded: Loaded, email: str) -> Person:
        email = validate.email(email, self.lang)
        for person in loaded.people:
            if person.email == email:
                return person
        raise PermissionDenied(m("person.unknown", self.lang, email=email, ags=loaded.municipality.ags))

    def _on(self, on: dt.date | str | None) -> dt.date:
        if on is None:
            return self.today()
        return on if isinstance(on, dt.date) else validate.date(on, self.lang)

    def visits(self, session: Session, loaded: Loaded) -> list[Any]:
        """The phases the cycle entered with the due dates the engine keeps (review.timeline): what
        `zyklus evaluate` shows and the municipality page's plan starts from."""
        from engine.indicators.review import timeline

        history = session.exec(select(History).where(History.cycle_id == loaded.cycle.id))
        return timeline(history, lambda phase, entered: self.due_date(loaded.municipality, loaded.definition, phase,
                                                                      entered))

    def plan(self, ags: str, number: int | None = None) -> tuple[Loaded, list[Any]]:
        """The cycle's plan (review.plan): the phases it entered, then those ahead."""
        from engine.indicators.review import plan

        with Session(self.engine) as session:
            loaded = self.load(session, ags, number=number, running=False)
            return loaded, plan(self.visits(session, loaded), loaded.definition, loaded.cycle.phase,
                                lambda phase, start: self.due_date(loaded.municipality, loaded.definition, phase,
                                                                   start))

    def happened_on(self, on: dt.date | str | None) -> dt.date:
        """The day something that already happened happened (a fact, a measure's status): today
        by default, any day up to today (`--on` dates it back), never after today — a date in
        the future is refused, not stored as a row the history would list before it happens."""
        day, today = self._on(on), self.today()
        if day > today:
            raise InvalidInput(m("date.after_today", self.lang, day=format_date(day, self.lang),
                                 today=format_date(today, self.lang)))
        return day

    def due_date(self, municipality: Municipality, definition: Definition, phase: str, start: dt.date) -> dt.date | None:
        duration = definition.phases[phase].duration_value if phase in definition.phases else None
        if duration is None:
            return None
        return dates.due_date(start, duration, municipality.state, municipality.catholic_holidays)

    def add_history(self, session: Session, cycle: Cycle, *, on: dt.date, actor: str, kind: str,
                 trigger: str | None = None, from_phase: str | None = None, to_phase: str | None = None,
                 reason: str | None = None, details: dict[str, Any] | None = None) -> int:
        """Appends the row in one INSERT whose ``seq`` is one more than the cycle's last (a
        subquery, not a separate ``max`` query), written at once: an ORM object would wait in
        the session and be flushed inside a later statement of the same unit, and building it
        cost more than the INSERT (bench/: together a sixth of an advance). Returns the seq."""
        return session.connection().execute(_INSERT_HISTORY, {
            "cycle_id": cycle.id, "at": stamp(self.clock), "on": on, "actor": actor, "kind": kind,
            "trigger": trigger, "from_phase": from_phase, "to_phase": to_phase, "reason": reason,
            "details": details or {}}).scalar_one()

    def add_histories(self, session: Session, cycle: Cycle, *, on: dt.date, actor: str, kind: str,
                      entries: Sequence[tuple[str | None, str | None, dict[str, Any]]]) -> None:
        """Many rows of one kind at once, each ``(trigger, reason, details)``: a bulk import's
        corrections, one INSERT executed for all (seq numbered on from the cycle's last, read
        once), where :meth:`add_history` per row would cost a round trip each. A concurrent
        writer of the same cycle's history meets the unique ``(cycle_id, seq)`` as with one row."""
        if not entries:
            return
        table = History.__table__
        last = session.connection().execute(select(func.coalesce(func.max(table.c.seq), 0))
                                            .where(table.c.cycle_id == cycle.id)).scalar_one()
        at = stamp(self.clock)
        session.connection().execute(insert(table), [
            {"cycle_id": cycle.id, "seq": last + n, "at": at, "on": on, "actor": actor, "kind": kind,
             "trigger": trigger, "from_phase": None, "to_phase": None, "reason": reason, "details": details}
            for n, (trigger, reason, details) in enumerate(entries, 1)])

    def check_version(self, cycle: Cycle, ags: str, expected: tuple[int, int] | None) -> None:
        """The caller's precondition on the cycle it last read, ``(number, lock_version)``; checked
        on the row loaded in the writing transaction, whose compare-and-set then holds it until
        commit, so two clients holding the same version cannot both write."""
        if expected is not None and (cycle.number, cycle.lock_version) != tuple(expected):
            raise VersionMismatch(m("cycle.stale", self.lang, ags=ags, cycle=cycle.number, version=cycle.lock_version))

    def compare_and_set(self, session: Session, cycle: Cycle, ags: str, **values: Any) -> None:
        """The optimistic lock: exactly one of two concurrent writers matches the old version."""
        result = session.connection().execute(_compare_and_set(tuple(values)), {
            "v_id": cycle.id, "v_lock": cycle.lock_version, "v_next": cycle.lock_version + 1,
            **{f"v_{name}": value for name, value in values.items()}})
        if result.rowcount != 1:
            raise Conflict(m("cycle.conflict", self.lang, ags=ags))
        # The loaded row now says what the database says, without a reload (an expired row is
        # read again by the next one to touch it: the reminder planner, in every advance).
        for name, value in {"lock_version": cycle.lock_version + 1, **values}.items():
            set_committed_value(cycle, name, value)

    # -- municipalities and people ------------------------------------------------------------
    def add_municipality(self, ags: str, name: str, *, state: str, kind: str,
                         catholic_holidays: bool = False) -> Municipality:
        ags = validate.ags(ags, self.lang)
        name = validate.single_line(name, "Name", self.lang)
        state = validate.state(state, self.lang)
        kind = validate.kind(kind, self.lang)
        validate.ags_in_state(ags, state, self.lang)
        with self.unit(ags) as session:
            if session.exec(select(Municipality).where(Municipality.ags == ags)).first():
                raise Conflict(m("municipality.duplicate", self.lang, ags=ags))
            row = Municipality(ags=ags, name=name, state=state, kind=kind,
                               catholic_holidays=catholic_holidays, created_at=stamp(self.clock))
            session.add(row)
        return row

    def municipalities(self) -> list[Municipality]:
        with Session(self.engine) as session:
            return list(session.exec(select(Municipality).order_by(Municipality.ags)))

    def municipalities_page(self, *, ags: Iterable[str] | None = None, sort: str = "ags", descending: bool = False,
                            offset: int = 0, limit: int = 100) -> tuple[int, list[Municipality]]:
        """How many municipalities ``ags`` names (None: all) and those from ``offset`` on, at most
        ``limit``, sorted by ``MUNICIPALITY_SORTS`` (ties by AGS), counted and cut in SQL: the
        API's listing, which need not read every municipality to send a page of them."""
        if sort not in MUNICIPALITY_SORTS:
            raise InvalidInput(m("overview.sort_unknown", self.lang, sort=sort, allowed=", ".join(MUNICIPALITY_SORTS)))
        if offset < 0 or not 1 <= limit <= OVERVIEW_MAX_LIMIT:
            raise InvalidInput(m("overview.page_invalid", self.lang, offset=offset, limit=limit,
                                 most=OVERVIEW_MAX_LIMIT))
        query = select(Municipality)
        if ags is not None:
            query = query.where(col(Municipality.ags).in_(sorted({validate.ags(a, self.lang) for a in ags})))
        key = col(getattr(Municipality, sort))
        with Session(self.engine) as session:
            total = session.exec(select(func.count()).select_from(query.subquery())).one()
            rows = session.exec(query.order_by(desc(key) if descending else asc(key), col(Municipality.ags))
                                .offset(offset).limit(limit)).all()
        return total, list(rows)

    def _person_fields(self, roles: Sequence[str], organisation: str | None, language: str) -> tuple[list[str], str | None]:
        """What registering and changing a person both check: at least one known role, a one-line
        organisation, a language mails exist in. Returns the roles as stored and the organisation."""
        organisation = validate.single_line(organisation, "Organisation", self.lang) if organisation else None
        if not roles:
            raise InvalidInput(m("role.missing", self.lang))
        for role in roles:
            if role not in ROLES:
                raise InvalidInput(m("role.invalid", self.lang, value=role, allowed=", ".join(ROLES)))
        if language not in LANGUAGES:
            raise InvalidInput(m("language.invalid", self.lang, value=language, allowed=", ".join(LANGUAGES)))
        return sorted(set(roles)), organisation

    def _person_on_record(self, session: Session, municipality: Municipality, *, actor: str, kind: str,
                          details: dict[str, Any]) -> None:
        """A change of the working structures goes into the history of the municipality's latest
        cycle, running or completed (the cycle these people serve or last served), so the record
        says who changed who when. Before a first cycle there is no history yet: the change is
        made without an entry (the person row's ``created_at`` is then the only trace)."""
        cycle = self._latest_cycle(session, municipality)
        if cycle is not None:
            self.add_history(session, cycle, on=self.today(), actor=actor, kind=kind, from_phase=cycle.phase,
                             to_phase=cycle.phase, details=details)

    def _person_in(self, session: Session, municipality: Municipality, email: str) -> Person:
        row = session.exec(select(Person).where(Person.municipality_id == municipality.id,
                                                Person.email == email)).first()
        if row is None:
            raise NotFound(m("person.unknown", self.lang, email=email, ags=municipality.ags))
        return row

    def _keep_a_coordinator(self, session: Session, municipality: Municipality, changed: Person) -> None:
        """Refuse the change that would leave a municipality that had a coordination without one:
        nobody there could manage the people or advance the cycle any more (only an administrator)."""
        others = session.exec(select(Person).where(Person.municipality_id == municipality.id,
                                                   Person.id != changed.id)).all()
        if not any("coordination" in p.roles for p in others):
            raise Conflict(m("person.last_coordinator", self.lang, email=changed.email, ags=municipality.ags))

    def add_person(self, ags: str, *, name: str, email: str, roles: Sequence[str],
                   organisation: str | None = None, consent_publish: bool = False,
                   language: str = "de", digest: bool = False, actor: str = "system") -> Person:
        name = validate.single_line(name, "Name", self.lang)
        email = validate.email(email, self.lang)
        roles, organisation = self._person_fields(roles, organisation, language)
        with self.unit(ags) as session:
            municipality = self.municipality_in(session, ags)
            exists = session.exec(select(Person).where(Person.municipality_id == municipality.id,
                                                       Person.email == email)).first()
            if exists:
                raise Conflict(m("person.duplicate", self.lang, email=email, ags=municipality.ags))
            row = Person(municipality_id=municipality.id, name=name, email=email, roles=roles,
                         organisation=organisation, consent_publish=consent_publish, language=language,
                         digest=digest, created_at=stamp(self.clock))
            session.add(row)
            self._person_on_record(session, municipality, actor=actor, kind="person_added",
                                   details={"email": email, "roles": roles})
        return row

    def update_person(self, ags: str, email: str, *, roles: Sequence[str], organisation: str | None = None,
                      consent_publish: bool = False, language: str = "de", digest: bool = False,
                      actor: str = "system") -> Person:
        """Change what a person does and how they are reached (the name and address stay: a new
        address is a new person). Checked like registering; the last coordinator keeps the role."""
        email = validate.email(email, self.lang)
        roles, organisation = self._person_fields(roles, organisation, language)
        with self.unit(ags) as session:
            municipality = self.municipality_in(session, ags)
            row = self._person_in(session, municipality, email)
            if "coordination" in row.roles and "coordination" not in roles:
                self._keep_a_coordinator(session, municipality, row)
            before = {"roles": list(row.roles), "organisation": row.organisation,
                      "consent_publish": row.consent_publish, "language": row.language, "digest": row.digest}
            after = {"roles": roles, "organisation": organisation, "consent_publish": consent_publish,
                     "language": language, "digest": digest}
            changed = {key: {"from": before[key], "to": value} for key, value in after.items() if before[key] != value}
            row.roles, row.organisation, row.consent_publish = roles, organisation, consent_publish
            row.language, row.digest = language, digest
            if changed:
                self._person_on_record(session, municipality, actor=actor, kind="person_changed",
                                       details={"email": email, "changed": changed})
        return row

    def remove_person(self, ags: str, email: str, *, actor: str = "system") -> Person:
        """Take a person out of a municipality's working structures (not an erasure: the history
        keeps their name; `person forget` erases). The last coordinator cannot be removed."""
        email = validate.email(email, self.lang)
        with self.unit(ags) as session:
            municipality = self.municipality_in(session, ags)
            row = self._person_in(session, municipality, email)
            if "coordination" in row.roles:
                self._keep_a_coordinator(session, municipality, row)
            session.delete(row)
            self._person_on_record(session, municipality, actor=actor, kind="person_removed",
                                   details={"email": email, "roles": list(row.roles)})
        return row

    def people(self, ags: str) -> list[Person]:
        with Session(self.engine) as session:
            municipality = self.municipality_in(session, ags)
            return list(session.exec(select(Person).where(Person.municipality_id == municipality.id)
                                     .order_by(Person.name)))

    # -- cycles ---------------------------------------------------------------------------------
    def start_cycle(self, ags: str, *, workflow: str | None = None, on: dt.date | str | None = None,
                    actor: str = "system") -> Cycle:
        on = self._on(on)
        definition = self.workflow(workflow or self.default_workflow)
        with self.unit(ags) as session:
            municipality = self.municipality_in(session, ags)
            previous = self._latest_cycle(session, municipality)
            if previous is not None and previous.status == "running":
                raise Conflict(m("cycle.running", self.lang, ags=municipality.ags, number=previous.number,
                                 phase=self.definition(session, previous.definition_id)
                                 .phase_label(previous.phase, self.lang)))
            return self._begin(session, municipality, definition, previous, on, actor)

    def _begin(self, session: Session, municipality: Municipality, definition: Definition,
               previous: Cycle | None, on: dt.date, actor: str) -> Cycle:
        """Create cycle N+1: first cycles start at the initial phase, later ones where the
        restart rule says (e.g. revising the strategy). The (municipality, number) unique key
        makes a second, concurrent start fail instead of creating a twin."""
        pinned = self.pin(session, definition)
        phase = definition.initial
        if previous is not None and definition.restart is not None:
            phase = definition.restart.phase
            self.compare_and_set(session, previous, municipality.ags, restart_on=None)
        cycle = Cycle(municipality_id=municipality.id, number=(previous.number + 1) if previous else 1,
                      definition_id=pinned.id, phase=phase, phase_entered_on=on, started_on=on,
                      due_on=self.due_date(municipality, definition, phase, on),
                      previous_cycle_id=previous.id if previous else None)
        session.add(cycle)
        session.flush()
        self._definitions[pinned.id] = definition
        self.add_history(session, cycle, on=on, actor=actor, kind="start", to_phase=phase,
                      details={"workflow": definition.name, "version": definition.version,
                               "previous_cycle": previous.number if previous else None})
        self.publish(CycleStarted(cycle.id, municipality.ags, cycle.number, previous.id if previous else None, on,
                                  baseline=definition.restart.baseline if definition.restart else "keep"), session)
        self.publish(PhaseEntered(cycle.id, municipality.ags, cycle.number, phase, on, cycle.due_on), session)
        return cycle

    def record(self, ags: str, fact: str, *, actor: str, values: dict[str, str],
               on: dt.date | str | None = None, expected_version: tuple[int, int] | None = None) -> RecordResult:
        on = self.happened_on(on)
        with self.unit(ags) as session:
            loaded = self.load(session, ags)
            self.check_version(loaded.cycle, loaded.municipality.ags, expected_version)
            definition = loaded.definition
            person = self.actor_in(loaded, actor)
            if fact not in definition.facts:
                raise NotFound(m("fact.unknown", self.lang, workflow=definition.name, fact=fact,
                                 allowed=", ".join(definition.facts)))
            fields = parse_fields(fact, definition.facts[fact], values, self.lang)
            cycle = loaded.cycle
            number = cycle.number
            self.compare_and_set(session, cycle, loaded.municipality.ags)
            row = Fact(cycle_id=cycle.id, type=fact, fields=fields, on=on, phase=cycle.phase,
                       actor=person.email, recorded_at=stamp(self.clock))
            session.add(row)
            self.add_history(session, cycle, on=on, actor=person.email, kind="fact", trigger=fact,
                          details={"fields": fields})
            self.publish(FactRecorded(cycle.id, loaded.municipality.ags, cycle.number, fact, on), session)
        return RecordResult(row, definition.fact_label(fact, self.lang), number)

    def advance(self, ags: str, *, actor: str, on: dt.date | str | None = None, reason: str | None = None,
                trigger: str = "advance", expected: str | None = None,
                expected_version: tuple[int, int] | None = None) -> AdvanceResult:
        """Fire ``trigger``. With ``expected`` (the phase the caller believes the cycle is in, as
        `--from` or a web form's If-Match) a repeated request — a double click, a retried command —
        whose phase has already moved is refused and changes nothing. ``expected_version`` is the
        stricter form (an API client's If-Match): ``(cycle number, lock_version)``."""
        on = self._on(on)
        reason = validate.text(reason, "Begründung", self.lang, limit=2000) if reason else None
        expected = validate.single_line(expected, "--from", self.lang) if expected is not None else None
        with self.unit(ags) as session:
            loaded = self.load(session, ags)
            cycle, definition, municipality = loaded.cycle, loaded.definition, loaded.municipality
            self.check_version(cycle, municipality.ags, expected_version)
            if expected is not None and expected not in definition.phases:
                raise InvalidInput(m("advance.unknown_phase", self.lang, expected=expected,
                                     allowed=", ".join(definition.phases)))
            if expected is not None and expected != cycle.phase:
                raise Conflict(m("advance.not_in_phase", self.lang, ags=municipality.ags, expected=expected,
                                 phase=definition.phase_label(cycle.phase, self.lang), key=cycle.phase))
            person = self.actor_in(loaded, actor)
            candidates = definition.transitions_from(cycle.phase, trigger)
            if not candidates:
                raise InvalidInput(m("trigger.none", self.lang, trigger=trigger,
                                     phase=definition.phase_label(cycle.phase, self.lang)))
            held = effective_roles(person.roles)
            allowed = [(tid, tr) for tid, tr in candidates if held & set(tr.roles)]
            if not allowed:
                roles = sorted({r for _, tr in candidates for r in tr.roles})
                raise PermissionDenied(m("permission.denied", self.lang, email=person.email, trigger=trigger,
                                         roles=", ".join(t(f"role.{r}", self.lang) for r in roles)))
            if on < cycle.phase_entered_on:
                raise InvalidInput(m("date.before_phase", self.lang, on=format_date(on, self.lang),
                                     since=format_date(cycle.phase_entered_on, self.lang)))
            taken, results = decide(definition, cycle.phase, loaded.snapshot(), allowed, trigger, self.lang)
            if taken is None:
                unmet = blocking_unmet(results[allowed[0][0]])
                raise TransitionRefused(
                    m("transition.refused", self.lang, source=definition.phase_label(cycle.phase, self.lang)),
                    unmet)
            dest = definition.transitions[taken].dest
            guard_log = [r.as_dict() for r in results[taken]]
            warnings = [r for r in results[taken] if not r.ok]
            source = cycle.phase
            number = cycle.number
            labels = {"source_label": definition.phase_label(source, self.lang),
                      "dest_label": definition.phase_label(dest, self.lang)}
            if dest == COMPLETED:
                restart_on = self._restart_on(definition, cycle, on)
                self.compare_and_set(session, cycle, municipality.ags, phase=COMPLETED, phase_entered_on=on,
                                      due_on=None, status="completed", completed_on=on, restart_on=restart_on)
                self.add_history(session, cycle, on=on, actor=person.email, kind="complete", trigger=trigger,
                              from_phase=source, to_phase=COMPLETED, reason=reason,
                              details={"transition": taken, "guards": guard_log})
                self.publish(CycleCompleted(cycle.id, municipality.ags, number, on, restart_on), session)
                result = AdvanceResult(municipality.ags, number, source, COMPLETED, on, warnings, **labels,
                                       restart_on=restart_on)
                if restart_on is not None and restart_on <= on:
                    session.refresh(cycle)
                    nxt = self._begin(session, municipality, self._successor(definition), cycle, on, "system")
                    result = replace(result, next_cycle=nxt.number,
                                     next_phase=self.definition(session, nxt.definition_id)
                                     .phase_label(nxt.phase, self.lang))
            else:
                due_on = self.due_date(municipality, definition, dest, on)
                self.compare_and_set(session, cycle, municipality.ags, phase=dest, phase_entered_on=on,
                                      due_on=due_on)
                self.add_history(session, cycle, on=on, actor=person.email, kind="transition", trigger=trigger,
                              from_phase=source, to_phase=dest, reason=reason,
                              details={"transition": taken, "guards": guard_log})
                self.publish(PhaseEntered(cycle.id, municipality.ags, number, dest, on, due_on), session)
                result = AdvanceResult(municipality.ags, number, source, dest, on, warnings, **labels)
        return result

    def _restart_on(self, definition: Definition, cycle: Cycle, completed_on: dt.date) -> dt.date | None:
        rule = definition.restart
        return None if rule is None else rule.next_start(cycle.started_on, completed_on)

    def start_due_restarts(self, today: dt.date | None = None,
                           on_error: Callable[[int, str, Exception], None] | None = None) -> list[tuple[str, int]]:
        """Begin every next cycle whose restart date has come. Safe to run from several sweeps
        at once: the compare-and-set on the completed cycle lets exactly one of them win. With
        ``on_error``, a cycle whose restart raises is reported there and the others still begin;
        it keeps its restart date, so the next call tries it again."""
        today = today or self.today()
        with Session(self.engine) as session:
            due = list(session.exec(select(Cycle.id, Municipality.ags).join(Municipality)
                                    .where(Cycle.status == "completed", col(Cycle.restart_on).is_not(None),
                                           col(Cycle.restart_on) <= today)
                                    .order_by(col(Cycle.restart_on), col(Municipality.ags))))  # a fixed order
        started: list[tuple[str, int]] = []
        for cycle_id, ags in due:
            try:
                with self.unit(ags) as session:
                    cycle = session.get(Cycle, cycle_id)
                    if cycle is None or cycle.restart_on is None:
                        continue
                    municipality = session.get(Municipality, cycle.municipality_id)
                    pinned = self.definition(session, cycle.definition_id)
                    nxt = self._begin(session, municipality, self._successor(pinned), cycle, cycle.restart_on,
                                      "system")
                    started.append((ags, nxt.number))
            except Conflict:
                continue  # another sweep started it first
            except Exception as exc:
                if on_error is None:
                    raise
                on_error(cycle_id, ags, exc)
        return started

    def set_deadline(self, ags: str, due: dt.date | str, *, actor: str, reason: str,
                     expected_version: tuple[int, int] | None = None) -> Cycle:
        due = self._on(due)
        reason = validate.text(reason, "Begründung", self.lang, limit=2000)
        if not reason:
            raise InvalidInput(m("text.empty", self.lang, field="--reason"))
        with self.unit(ags) as session:
            loaded = self.load(session, ags)
            self.check_version(loaded.cycle, loaded.municipality.ags, expected_version)
            person = self.actor_in(loaded, actor)
            cycle = loaded.cycle
            if not effective_roles(person.roles) & {"coordination"}:
                raise PermissionDenied(m("permission.denied", self.lang, email=person.email, trigger="deadline",
                                         roles=t("role.coordination", self.lang)))
            if due < cycle.phase_entered_on:
                raise InvalidInput(m("deadline.before_phase", self.lang, due=format_date(due, self.lang),
                                     since=format_date(cycle.phase_entered_on, self.lang)))
            if due < self.today():
                raise InvalidInput(m("deadline.past", self.lang, due=format_date(due, self.lang),
                                     today=format_date(self.today(), self.lang)))
            previous_due = cycle.due_on
            self.compare_and_set(session, cycle, loaded.municipality.ags, due_on=due)
            self.add_history(session, cycle, on=self.today(), actor=person.email, kind="deadline",
                          from_phase=cycle.phase, to_phase=cycle.phase, reason=reason,
                          details={"due_on": due.isoformat(),
                                   "previous_due_on": previous_due.isoformat() if previous_due else None})
            self.publish(DeadlineChanged(cycle.id, loaded.municipality.ags, cycle.number, cycle.phase, due,
                                          previous_due), session)
            session.refresh(cycle)
        return cycle

    def comment(self, ags: str, *, actor: str, text: str) -> None:
        """A remark on the current cycle (an advisor's note, a coordinator's aside), on record in
        the history. Who may comment is the entry point's rule (zyklus.app.access): an advisor
        is not registered in the municipality, so ``actor`` is any address that passed it."""
        actor = validate.email(actor, self.lang)
        text = validate.text(text, "Kommentar", self.lang, limit=4000)
        if not text:
            raise InvalidInput(m("text.empty", self.lang, field="Kommentar"))
        with self.unit(ags) as session:
            loaded = self.load(session, ags, running=False)
            self.add_history(session, loaded.cycle, on=self.today(), actor=actor, kind="comment",
                                    from_phase=loaded.cycle.phase, to_phase=loaded.cycle.phase, reason=text)

    # -- reading --------------------------------------------------------------------------------
    def status(self, ags: str, lang: Language | None = None) -> dict[str, Any]:
        with Session(self.engine) as session:
            return self.status_in(session, ags, lang)

    def status_in(self, session: Session, ags: str, lang: Language | None = None) -> dict[str, Any]:
        """Status inside a caller's session, in ``lang`` (the service's language by default)."""
        loaded = self.load(session, ags, running=False)
        latest = _last_activity(session.connection(), select(Cycle.id).select_from(Cycle)
                                .where(col(Cycle.id) == loaded.cycle.id))
        return build_status(loaded, self.today(), lang or self.lang, latest.get(loaded.cycle.id))

    def status_all(self, *, ags: Iterable[str] | None = None, state: str | None = None,
                   workflow: str | None = None, phase: str | None = None,
                   overdue: bool | None = None) -> list[dict[str, Any]]:
        """The status of many municipalities, by AGS, as ``status`` gives each: the overview of
        an advisor or an administrator. A set-based read — the municipalities with their latest
        cycles, those cycles' facts, the people counted by role, the cycles' latest history
        moments, the programmes' goals and measures: six statements (plus one per definition version not parsed yet), however many
        municipalities there are; a loop over ``status`` took four per municipality.

        The filters are applied in SQL: ``ags`` the AGS the caller may see (None: all), ``state``
        the Land, ``workflow`` the variant the cycle runs on, ``phase``, ``overdue``. A filter on
        the cycle (``workflow``, ``phase``, ``overdue``) leaves out municipalities without one,
        which are listed as ``{"ags", "name", "cycle": None}`` otherwise."""
        with collector_paused(), Session(self.engine) as session:
            today = self.today()
            chosen = self._chosen(today, ags=ags, state=state, workflow=workflow, phase=phase, overdue=overdue)
            # Core rows, not ORM objects: the overview reads tens of thousands of them.
            rows = [_Chosen._make(row) for row in session.connection().execute(chosen.order_by(col(Municipality.ags)))]
            return self._statuses(session, chosen, rows, today)

    def status_page(self, *, ags: Iterable[str] | None = None, state: str | None = None,
                    workflow: str | None = None, phase: str | None = None, overdue: bool | None = None,
                    sort: str = "ags", descending: bool = False, offset: int = 0,
                    limit: int = 50) -> tuple[int, list[dict[str, Any]]]:
        """One page of ``status_all``: how many municipalities the filters leave (the total) and
        the statuses of those from ``offset`` on, at most ``limit``, sorted by ``sort``
        (``OVERVIEW_SORTS``). Filtering, counting, sorting and limiting happen in SQL, and the
        guards are evaluated only for the page's rows: an administrator's 10,800 municipalities
        cost one count and one sorted read of their cycle rows, not 10,800 statuses.

        The order is stable: ties are broken by AGS, and a value a row lacks (no cycle, no due
        date, no history) sorts last in either direction."""
        if sort not in OVERVIEW_SORTS:
            raise InvalidInput(m("overview.sort_unknown", self.lang, sort=sort, allowed=", ".join(OVERVIEW_SORTS)))
        if offset < 0 or not 1 <= limit <= OVERVIEW_MAX_LIMIT:
            raise InvalidInput(m("overview.page_invalid", self.lang, offset=offset, limit=limit,
                                 most=OVERVIEW_MAX_LIMIT))
        today = self.today()
        chosen = self._chosen(today, ags=ags, state=state, workflow=workflow, phase=phase, overdue=overdue)
        with Session(self.engine) as session:
            connection = session.connection()
            total = connection.execute(select(func.count()).select_from(chosen.subquery())).scalar_one()
            order = self._overview_order(session, sort, descending, today)
            rows = [_Chosen._make(row) for row in connection.execute(chosen.order_by(*order).offset(offset).limit(limit))]
            if not rows:
                return total, []
            # the other reads join this narrower selection: the page's municipalities only
            page = chosen.where(col(Municipality.id).in_([row.municipality_id for row in rows]))
            return total, self._statuses(session, page, rows, today)

    def overview_choices(self, *, ags: Iterable[str] | None = None) -> dict[str, Any]:
        """What the overview's filters can choose from among the municipalities ``ags`` names
        (None: all), and how many those are: the Länder, the workflow variants and the phases
        (code and label) of their latest cycles. One grouped statement, so that the page need not
        read every status to fill its selects."""
        chosen = self._chosen(self.today(), ags=ags, state=None, workflow=None, phase=None, overdue=None)
        with Session(self.engine) as session:
            groups = session.connection().execute(
                chosen.with_only_columns(Municipality.state, Cycle.definition_id, Cycle.phase, func.count())
                .group_by(col(Municipality.state), col(Cycle.definition_id), col(Cycle.phase))).all()
            states, workflows, phases, total = set(), set(), set(), 0
            for state, definition_id, phase, count in groups:
                total += count
                states.add(state)
                if definition_id is not None:
                    definition = self.definition(session, definition_id)
                    workflows.add(definition.name)
                    phases.add((phase, definition.phase_label(phase, self.lang)))
        return {"total": total, "states": sorted(states), "workflows": sorted(workflows),
                "phases": [{"phase": code, "label": label} for code, label in sorted(phases, key=lambda p: (p[1], p[0]))]}

    def _overview_order(self, session: Session, sort: str, descending: bool, today: dt.date) -> list[Any]:
        """The ORDER BY of ``status_page``: the key in the direction asked, missing values last,
        then the AGS. ``phase`` sorts by the phase's place in its workflow (the order of the
        file, ``completed`` after every phase), which is how far a municipality has come."""
        if sort == "phase":
            whens = [(and_(col(Cycle.definition_id) == version, col(Cycle.phase) == code), place)
                     for version in session.exec(select(DefinitionVersion.id)).all()
                     for place, code in enumerate(self.definition(session, version).phases)]
            key: Any = case(*whens, (col(Cycle.id).is_not(None), len(whens)), else_=None)
        elif sort == "workflow":
            key = (select(DefinitionVersion.variant).where(col(DefinitionVersion.id) == Cycle.definition_id)
                   .correlate(Cycle).scalar_subquery())
        elif sort == "overdue":
            late = and_(col(Cycle.due_on).is_not(None), col(Cycle.due_on) < today)  # as build_status says
            key = case((late, 1), (col(Cycle.id).is_not(None), 0), else_=None)
        elif sort == "activity":
            key = (select(func.max(History.at)).where(col(History.cycle_id) == Cycle.id)
                   .correlate(Cycle).scalar_subquery())
        else:
            key = {"ags": Municipality.ags, "name": Municipality.name, "state": Municipality.state,
                   "days": Cycle.phase_entered_on, "due": Cycle.due_on}[sort]
        if sort == "days":  # more days in the phase is an earlier day of entering it
            descending = not descending
        ordered = (desc(key) if descending else asc(key)).nulls_last()
        return [ordered] if sort == "ags" else [ordered, col(Municipality.ags).asc()]

    def _statuses(self, session: Session, chosen: Select[Any], rows: Sequence[_Chosen],
                  today: dt.date) -> list[dict[str, Any]]:
        """The statuses of ``rows`` (read from ``chosen``), in their order: the other tables are
        read joined to ``chosen``, one statement each, whatever the number of rows."""
        progress = Progress()
        connection = session.connection()
        facts: dict[int, list[FactView]] = {}
        for cycle_id, kind, fields, on in connection.execute(
                chosen.with_only_columns(Fact.cycle_id, Fact.type, cast(Fact.fields, Text), Fact.on)
                .join(Fact, col(Fact.cycle_id) == Cycle.id).order_by(col(Fact.id))).all():
            facts.setdefault(cycle_id, []).append(FactView(kind, StoredFields(fields), on))
        roles: dict[int, list[list[str]]] = {}
        held_as = cast(Person.roles, Text)  # JSON has no equality on PostgreSQL, its text has
        parsed: dict[str, list[str]] = {}  # a few distinct role lists recur everywhere
        for municipality_id, held, count in connection.execute(
                chosen.with_only_columns(Person.municipality_id, held_as, func.count())
                .join(Person, col(Person.municipality_id) == Municipality.id)
                .group_by(col(Person.municipality_id), held_as)).all():
            if held not in parsed:
                parsed[held] = json.loads(held)
            roles.setdefault(municipality_id, []).extend([parsed[held]] * count)
        latest = _last_activity(connection, chosen)
        from engine.meetings import held_counts

        held = held_counts(session, chosen.with_only_columns(Cycle.id).where(col(Cycle.id).is_not(None)), today,
                           self.tz)
        shapes = programme_shapes(connection, chosen)
        out: list[dict[str, Any]] = []
        for row in rows:
            if row.cycle_id is None:
                out.append({"ags": row.ags, "name": row.name, "cycle": None})
                continue
            read = _CycleRead(row, row, self.definition(session, row.definition_id),
                              CycleSnapshot(number=row.number, phase=row.phase,
                                            facts=tuple(facts.get(row.cycle_id, ())),
                                            role_counts=count_by_role(roles.get(row.municipality_id, ())),
                                            held_meetings=held.get(row.cycle_id, {}),
                                            programme=shapes.get(row.cycle_id, ProgrammeShape())))
            out.append(build_status(read, today, self.lang, latest.get(row.cycle_id), progress))
        return out

    def _chosen(self, today: dt.date, *, ags: Iterable[str] | None, state: str | None, workflow: str | None,
                phase: str | None, overdue: bool | None) -> Select[Any]:
        """The municipalities ``status_all`` reports, each with the columns of its latest cycle
        (NULL without one). The other reads of the set join their table to this one, so the
        filters narrow every statement and none carries a list of ids."""
        newer = aliased(Cycle)
        latest = and_(col(Cycle.municipality_id) == Municipality.id,
                      ~exists().where(col(newer.municipality_id) == Cycle.municipality_id,
                                      col(newer.number) > Cycle.number))
        query = (select(col(Municipality.id).label("municipality_id"), Municipality.ags, Municipality.name,
                        Municipality.state, col(Cycle.id).label("cycle_id"), Cycle.number, Cycle.definition_id,
                        Cycle.status, Cycle.phase, Cycle.phase_entered_on, Cycle.due_on, Cycle.restart_on,
                        Cycle.lock_version)  # the fields of _Chosen
                 .select_from(Municipality).outerjoin(Cycle, latest))
        if ags is not None:
            query = query.where(col(Municipality.ags).in_(sorted({validate.ags(a, self.lang) for a in ags})))
        if state is not None:
            query = query.where(col(Municipality.state) == validate.state(state, self.lang))
        if workflow is not None:
            query = query.where(col(Cycle.definition_id).in_(
                select(DefinitionVersion.id).where(col(DefinitionVersion.variant) == workflow)))
        if phase is not None:
            query = query.where(col(Cycle.phase) == phase)
        if overdue is not None:
            late = and_(col(Cycle.due_on).is_not(None), col(Cycle.due_on) < today)  # as build_status says
            query = query.where(late if overdue else and_(col(Cycle.id).is_not(None), not_(late)))
        return query

    def history(self, ags: str, number: int | None = None) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            municipality = self.municipality_in(session, ags)
            query = (select(History, Cycle.number).join(Cycle, col(History.cycle_id) == Cycle.id)
                     .where(Cycle.municipality_id == municipality.id))
            if number is not None:
                query = query.where(Cycle.number == number)
            rows = session.exec(query.add_columns(Cycle.definition_id)
                                .order_by(col(Cycle.number), col(History.seq))).all()
            out = []
            for h, n, definition_id in rows:
                definition = self.definition(session, definition_id)
                label = (lambda phase: definition.phase_label(phase, self.lang) if phase else None)
                out.append({"cycle": n, "seq": h.seq, "at": h.at.isoformat(), "on": h.on.isoformat(),
                            "actor": h.actor, "kind": h.kind, "trigger": h.trigger, "from": h.from_phase,
                            "to": h.to_phase, "from_label": label(h.from_phase), "to_label": label(h.to_phase),
                            "fact_label": definition.fact_label(h.trigger, self.lang) if h.kind == "fact" else None,
                            "reason": h.reason, "details": h.details})
            return out

    def cycles(self, ags: str) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            municipality = self.municipality_in(session, ags)
            rows = session.exec(select(Cycle, DefinitionVersion).join(DefinitionVersion)
                                .where(Cycle.municipality_id == municipality.id).order_by(Cycle.number)).all()
            return [{"number": c.number, "workflow": d.variant, "version": d.version, "status": c.status,
                     "phase": c.phase,
                     "phase_label": self.definition(session, c.definition_id).phase_label(c.phase, self.lang),
                     "started_on": c.started_on.isoformat(),
                     "completed_on": c.completed_on.isoformat() if c.completed_on else None,
                     "restart_on": c.restart_on.isoformat() if c.restart_on else None} for c, d in rows]


class _Chosen(NamedTuple):
    """A row of ``Service._chosen``: a municipality and its latest cycle (None without one). A
    plain tuple because ``build_status`` reads a dozen of its attributes for each of thousands of
    rows, and a result row's attributes cost ten times as much."""

    municipality_id: int
    ags: str
    name: str
    state: str
    cycle_id: int | None
    number: int
    definition_id: int
    status: str
    phase: str
    phase_entered_on: dt.date
    due_on: dt.date | None
    restart_on: dt.date | None
    lock_version: int


def _carry_over(clock: Clock) -> tuple[Subscriber, tuple[type[DomainEvent], ...]]:
    from engine.indicators.carry_over import CarryOver

    return CarryOver(clock), (CycleStarted,)


def _keep_ratings(clock: Clock) -> tuple[Subscriber, tuple[type[DomainEvent], ...]]:
    from engine.indicators.kept_ratings import KeepRatings

    return KeepRatings(clock), (CycleCompleted,)


@dataclass(frozen=True)
class _CycleRead:
    """One cycle of ``Service.status_all`` as ``build_status`` reads it: the joined result row
    stands for both the municipality and the cycle."""

    municipality: MunicipalityView
    cycle: CycleView
    definition: Definition
    facts_and_roles: CycleSnapshot

    def snapshot(self) -> CycleSnapshot:
        return self.facts_and_roles


def _last_activity(connection: Connection, chosen: Select[Any]) -> dict[int, dt.datetime]:
    """The moment of the latest history entry of each cycle ``chosen`` reads (its FROM has the
    ``cycle`` table), in one grouped query: what the advisor's overview shows as last activity."""
    return dict(connection.execute(chosen.with_only_columns(History.cycle_id, func.max(History.at))
                                   .join(History, col(History.cycle_id) == Cycle.id)
                                   .group_by(col(History.cycle_id))).all())
