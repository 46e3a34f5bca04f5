"""Moving running cycles to another version of their workflow (`zyklus workflow migrate`).

A cycle keeps the definition version it started with, so editing a file never changes a running
cycle behind anyone's back. When an administrator wants running cycles on the new version, this
use case plans the move for every affected cycle first and refuses the whole migration if any
cycle's phase has no counterpart; only then does it apply the plan, one transaction per cycle,
each guarded by the cycle's compare-and-set and recorded as a history row of kind ``migrate``.

The due date: a cycle that stays in a phase of the same id keeps its entry day and due date,
because the deadline was communicated (and may have been set by hand with `deadline set`); a
changed duration applies from the next time a cycle enters the phase. A cycle that moves to a
different phase enters it on the day of the migration, with a due date from that phase's
duration, exactly as if it had advanced into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from engine import validate
from engine.db.tables import Cycle, DefinitionVersion, Municipality
from engine.definitions.model import Definition
from engine.errors import Conflict, InvalidInput, NotFound, ZyklusError
from engine.events import DefinitionMigrated
from engine.guards import GuardResult, evaluate_all
from engine.i18n import Language, m, t
from engine.service import Loaded, Service
from engine.versions import find_version

CURRENT = "current"
"""``--to current``: the file as it is now, stored (pinned) when the migration is applied."""


class MigrationRefused(ZyklusError):
    """At least one cycle cannot be moved; ``problems`` holds the headline and one line per cycle."""

    def __init__(self, message: str, reasons: Sequence[str]) -> None:
        super().__init__(message)
        self.problems = [message, *reasons]


@dataclass(frozen=True)
class CyclePlan:
    """What migrating one cycle means; ``refusal`` says why it cannot be moved."""

    ags: str
    name: str
    number: int
    cycle_id: int
    lock_version: int
    from_version: str
    phase: str
    to_phase: str | None
    entered_on: dt.date
    due_on: dt.date | None
    new_entered_on: dt.date | None = None
    new_due_on: dt.date | None = None
    unmet: tuple[GuardResult, ...] = ()
    newly_unmet: frozenset[str] = frozenset()
    orphan_facts: tuple[str, ...] = ()
    refusal: str | None = None
    up_to_date: bool = False

    @property
    def phase_changes(self) -> bool:
        return self.to_phase is not None and self.to_phase != self.phase

    def as_dict(self) -> dict[str, Any]:
        def iso(day: dt.date | None) -> str | None:
            return day.isoformat() if day else None

        return {"ags": self.ags, "name": self.name, "cycle": self.number, "from_version": self.from_version,
                "phase": self.phase, "to_phase": self.to_phase, "entered_on": iso(self.entered_on),
                "new_entered_on": iso(self.new_entered_on), "due_on": iso(self.due_on),
                "new_due_on": iso(self.new_due_on), "up_to_date": self.up_to_date, "refusal": self.refusal,
                "unmet": [dict(r.as_dict(), new=r.id in self.newly_unmet) for r in self.unmet],
                "facts_without_type": list(self.orphan_facts)}


@dataclass(frozen=True)
class MigrationPlan:
    workflow: str
    target: Definition
    on: dt.date
    cycles: list[CyclePlan] = field(default_factory=list)
    mapping: Mapping[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> list[CyclePlan]:
        return [c for c in self.cycles if c.refusal is not None]

    def as_dict(self) -> dict[str, Any]:
        return {"workflow": self.workflow, "to_version": self.target.version, "on": self.on.isoformat(),
                "map": dict(self.mapping), "cycles": [c.as_dict() for c in self.cycles]}


def parse_map(items: Iterable[str], lang: Language = "de") -> dict[str, str]:
    """``--map old=new`` given any number of times."""
    mapping: dict[str, str] = {}
    for item in items:
        old, sep, new = item.partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not old or not new:
            raise InvalidInput(m("migrate.map_malformed", lang, value=item))
        if old in mapping and mapping[old] != new:
            raise InvalidInput(m("migrate.map_twice", lang, phase=old))
        mapping[old] = new
    return mapping


def plan(service: Service, workflow: str, to: str, *, ags: str | None = None, every: bool = False,
         mapping: Mapping[str, str] | None = None) -> MigrationPlan:
    """Work out, without writing anything, what migrating the running cycles would do."""
    lang = service.lang
    mapping = dict(mapping or {})
    if (ags is None) == (not every):
        raise InvalidInput(m("migrate.scope", lang))
    if ags is not None:
        ags = validate.ags(ags, lang)
    on = service.today()
    with Session(service.engine) as session:
        target = _target(service, session, workflow, to)
        unknown = sorted({new for new in mapping.values() if new not in target.phases})
        if unknown:
            raise InvalidInput(m("migrate.map_unknown_target", lang, phases=", ".join(unknown),
                                 version=target.version, allowed=", ".join(target.phase_order)))
        loaded = _running(service, session, workflow, ags)
        sources = {p for item in loaded for p in item.definition.phases}
        stray = sorted(set(mapping) - sources)
        if stray:
            raise InvalidInput(m("migrate.map_unknown_source", lang, phases=", ".join(stray), workflow=workflow))
        cycles = [_plan_cycle(service, item, target, mapping, on) for item in loaded]
    return MigrationPlan(workflow, target, on, cycles, mapping)


def apply(service: Service, migration: MigrationPlan, *, actor: str = "admin",
          reason: str | None = None) -> list[CyclePlan]:
    """Apply a plan without refusals; returns the cycles that were moved."""
    lang = service.lang
    if migration.refused:
        raise MigrationRefused(m("migrate.refused", lang, count=len(migration.refused)),
                               [c.refusal for c in migration.refused if c.refusal])
    actor = validate.single_line(actor, "--as", lang)
    reason = validate.text(reason, "--reason", lang, limit=2000) if reason else None
    moved = []
    for item in migration.cycles:
        if item.up_to_date:
            continue
        with service.unit(item.ags) as session:
            _apply_one(service, session, migration, item, actor, reason)
        moved.append(item)
    return moved


# -- planning ---------------------------------------------------------------------------------------
def _target(service: Service, session: Session, workflow: str, to: str) -> Definition:
    if to == CURRENT:
        return service.workflow(workflow)
    return service.definition(session, find_version(session, workflow, to, service.lang).id)


def _running(service: Service, session: Session, workflow: str, ags: str | None) -> list[Loaded]:
    query = (select(Municipality.ags).join(Cycle, col(Cycle.municipality_id) == Municipality.id)
             .join(DefinitionVersion, col(Cycle.definition_id) == DefinitionVersion.id)
             .where(Cycle.status == "running", DefinitionVersion.variant == workflow))
    if ags is not None:
        query = query.where(Municipality.ags == ags)
    found = list(session.exec(query.order_by(col(Municipality.ags))))
    if ags is not None and not found:
        service.municipality_in(session, ags)  # an unknown AGS says so
        raise NotFound(m("migrate.no_cycle", service.lang, ags=ags, workflow=workflow))
    return [service.load(session, each) for each in found]


def _plan_cycle(service: Service, loaded: Loaded, target: Definition, mapping: Mapping[str, str],
                on: dt.date) -> CyclePlan:
    cycle, municipality, source = loaded.cycle, loaded.municipality, loaded.definition
    base = dict(ags=municipality.ags, name=municipality.name, number=cycle.number, cycle_id=cycle.id,
                lock_version=cycle.lock_version, from_version=source.version, phase=cycle.phase,
                entered_on=cycle.phase_entered_on, due_on=cycle.due_on)
    if source.version == target.version:
        return CyclePlan(**base, to_phase=cycle.phase, up_to_date=True)
    to_phase = mapping.get(cycle.phase, cycle.phase)
    if to_phase not in target.phases:
        return CyclePlan(**base, to_phase=None, refusal=t(
            "migrate.no_counterpart", service.lang, ags=municipality.ags, number=cycle.number, phase=cycle.phase,
            version=target.version, allowed=", ".join(target.phase_order)))
    if to_phase == cycle.phase:
        entered_on, due_on = cycle.phase_entered_on, cycle.due_on
    else:
        entered_on, due_on = on, service.due_date(municipality, target, to_phase, on)
    snapshot = loaded.snapshot()
    unmet = tuple(r for _, tr in target.transitions_from(to_phase, "advance")
                  for r in evaluate_all(tr.guards, snapshot, target, service.lang) if not r.ok)
    before = {r.id for _, tr in source.transitions_from(cycle.phase, "advance")
              for r in evaluate_all(tr.guards, snapshot, source, service.lang) if not r.ok}
    orphans = tuple(sorted({f.type for f in loaded.facts if f.type not in target.facts}))
    return CyclePlan(**base, to_phase=to_phase, new_entered_on=entered_on, new_due_on=due_on, unmet=unmet,
                     newly_unmet=frozenset(r.id for r in unmet if r.id not in before), orphan_facts=orphans)


# -- applying ---------------------------------------------------------------------------------------
def _apply_one(service: Service, session: Session, migration: MigrationPlan, item: CyclePlan, actor: str,
               reason: str | None) -> None:
    loaded = service.load(session, item.ags)
    cycle = loaded.cycle
    if cycle.id != item.cycle_id or cycle.lock_version != item.lock_version:
        # Someone advanced or recorded between planning and applying: the plan may be wrong now.
        raise Conflict(m("cycle.conflict", service.lang, ags=item.ags))
    target = migration.target
    pinned = service.pin(session, target)
    values: dict[str, Any] = {"definition_id": pinned.id}
    if item.phase_changes:
        values.update(phase=item.to_phase, phase_entered_on=item.new_entered_on, due_on=item.new_due_on)
    service.compare_and_set(session, cycle, item.ags, **values)
    service.remember_definition(pinned.id, target)
    service.add_history(session, cycle, on=migration.on, actor=actor, kind="migrate", from_phase=item.phase,
                     to_phase=item.to_phase, reason=reason,
                     details={"workflow": migration.workflow, "from_version": item.from_version,
                              "to_version": target.version, "phase_map": {item.phase: item.to_phase},
                              "due_on": item.new_due_on.isoformat() if item.new_due_on else None,
                              "previous_due_on": item.due_on.isoformat() if item.due_on else None})
    service.publish(DefinitionMigrated(item.cycle_id, item.ags, item.number, item.phase, item.to_phase or item.phase,
                                        item.from_version, target.version), session)
