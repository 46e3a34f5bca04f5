"""Seeding a national-scale database fast: N municipalities, each with one running cycle.

Seeding is not what is measured, so rows go in with SQLAlchemy Core ``executemany`` (the
tables' own type processors keep the stored formats exactly what the service writes), but what
goes in is what zyklus itself would have written: the pinned definition, people, the facts a
cycle's current phase asks for, its history, and the timers the reminder planner plans for the
phase (``plan_phase``/``plan_events``), those already past claimed as a real sweep would have.

``due`` cycles, spread over the whole id range, get one reminder due at ``NOW``: the 1 % a
morning sweep has to act on.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine

from bench.common import NOW, TODAY, TZ, WORKFLOW
from bench.raw import Raw, url_of
from engine.clock import FixedClock, to_db
from engine.dates import due_date
from engine.db.database import create_schema, make_engine
from engine.db.indicator_tables import Goal, Measure
from engine.db.tables import Cycle, DefinitionVersion, Fact, History, Municipality, Person
from engine.definitions.loader import Catalog
from engine.definitions.model import Definition
from engine.facts import parse_fields
from engine.service import Service
from notifications.planning import plan_events, plan_phase
from notifications.tables import Timer
from notifications.timers import fire_moment

SEND_HOUR = 7

# The phases whose way out is guarded by recorded facts (setup counts people; evaluation completes
# the cycle and starts the next one, a different use case), with facts that satisfy every guard.
PHASE_FACTS: dict[str, tuple[tuple[str, dict[str, str]], ...]] = {
    "application": (("application", {"date": "2027-01-10"}),
                    ("letter_of_intent", {"signed_by": "Oberbürgermeisterin", "date": "2027-01-08"}),
                    ("participation_resolution", {"date": "2027-02-15", "body": "Stadtrat",
                                                  "reference": "DS 0123/27", "result": "adopted"})),
    "inventory": (("inventory_report", {"title": "Bestandsaufnahme 2027", "theme_fields": "Klima; Mobilität"}),),
    "strategy": tuple(("workshop", {"topic": f"Workshop {i}", "participants": "18"}) for i in range(1, 5)) + (
        ("action_programme", {"title": "Handlungsprogramm", "guidelines": "5 Leitlinien", "strategic_goals": "12",
                              "operative_goals": "31", "measures": "48", "resources": "Haushalt 2028/29",
                              "indicators": "24 SDG-Indikatoren"}),),
    "council_resolution": (("council_resolution", {"date": "2027-05-20", "body": "Stadtrat",
                                                   "reference": "DS 0371/27", "result": "adopted"}),),
    "implementation": (("monitoring_report", {"period": "2027"}),),
}
PHASES = tuple(PHASE_FACTS)


def ags_of(i: int) -> str:
    return f"16{i:06d}"


def coordinator_of(i: int) -> str:
    return f"koordination@k{i}.example"


@cache
def definition() -> Definition:
    return Catalog().load(WORKFLOW)


def service_for(target: Path | str, clock: FixedClock | None = None) -> Service:
    """The service a zyklus process builds on this file (or PostgreSQL URL): the composition
    root's (zyklus.bootstrap), with every subscriber a real installation has, on the default
    settings (send hour 7)."""
    from zyklus.bootstrap import build_service
    from zyklus.config import default_settings

    settings = default_settings()
    assert settings.get("scheduler", "send_hour") == SEND_HOUR  # the seeded timers fire at it
    return build_service(settings, clock or FixedClock(NOW), url_of(target), "de", require_schema=False)


@dataclass(frozen=True)
class Seeded:
    path: Path | str
    """The seeded SQLite file, or the URL of a seeded PostgreSQL database (benchmark 11)."""
    cycles: int
    due: int
    due_timer_ids: list[int]
    seconds: float


def _phase_of(i: int) -> str:
    return PHASES[i % len(PHASES)]


def _entered_on(i: int) -> dt.date:
    """Phases began 20 to 79 days ago: varied due dates, all still ahead."""
    return TODAY - dt.timedelta(days=20 + i % 60)


def _started_on(i: int) -> dt.date:
    return _entered_on(i) - dt.timedelta(days=200)


@cache
def _due_on(phase: str, entered_on: dt.date) -> dt.date | None:
    duration = definition().phases[phase].duration_value
    return due_date(entered_on, duration, "TH") if duration else None


@cache
def _planned(phase: str, entered_on: dt.date, started_on: dt.date) -> tuple[dict[str, Any], ...]:
    """The timer rows of a cycle in ``phase`` (everything but cycle_id), as the planner would have
    written them when the phase began; those whose moment has passed are claimed."""
    d = definition()
    due_on = _due_on(phase, entered_on)
    planned = plan_phase(d, phase, entered_on, due_on, entered_on) + plan_events(d, 1, started_on, started_on)
    rows = []
    for p in planned:
        fire_at = fire_moment(p.fire_on, SEND_HOUR, TZ)
        past = p.fire_on <= TODAY  # today's 07:00 sweep has been
        rows.append({"phase": p.phase, "kind": p.kind, "rule": p.rule, "occurrence": p.occurrence, "sequence": 0,
                     "fire_on": p.fire_on, "fire_at": fire_at, "due_on": p.due_on, "label": p.label_key,
                     "roles": list(p.roles), "claimed_at": fire_at if past else None,
                     "outcome": "queued" if past else None})
    return tuple(rows)


@cache
def _fields(fact: str, values: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return parse_fields(fact, definition().facts[fact], dict(values))


def seed(path: Path, cycles: int, due: int, *, chunk: int = 20_000, rng_seed: int = 7) -> Seeded:
    """Create ``path`` with ``cycles`` municipalities and running cycles; ``due`` of them have a
    reminder due at NOW. Rows go in by chunks of ``chunk`` municipalities."""
    start = time.perf_counter()
    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    due_ids = seed_url(f"sqlite:///{path}", cycles, due, chunk=chunk, rng_seed=rng_seed)
    return Seeded(path, cycles, due, due_ids, time.perf_counter() - start)


def seed_url(url: str, cycles: int, due: int, *, chunk: int = 20_000, rng_seed: int = 7) -> list[int]:
    """Fill the empty database at ``url`` (SQLite or PostgreSQL) as ``seed`` describes, with
    every table zyklus has (the web app's accounts too); the ids of the due reminders."""
    from zyklus.schema import register_all_tables

    register_all_tables()  # every table zyklus has, as a real installation's database

    engine = make_engine(url)
    create_schema(engine)
    d = definition()
    created = to_db(NOW - dt.timedelta(days=400))
    due_set = set(random.Random(rng_seed).sample(range(cycles), due))
    with engine.begin() as conn:
        conn.execute(insert(DefinitionVersion), [{"variant": d.name, "version": d.version,
                                                  "body": d.canonical_json, "created_at": created}])
    for lo in range(0, cycles, chunk):
        _seed_chunk(engine, d, range(lo, min(cycles, lo + chunk)), due_set, created)
    with engine.begin() as conn:
        due_ids = [row[0] for row in conn.execute(text(
            "SELECT id FROM timer WHERE claimed_at IS NULL AND fire_at <= :now"), {"now": to_db(NOW)})]
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return due_ids


def _programme(i: int, cycle_id: int, created: dt.datetime) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The smallest programme the strategy phase's structure guard passes: one theme field with its
    Leitlinie, strategic and operative goal, and a measure with planned costs. Goal ids are
    explicit (three per municipality) so the tree can be written in one pass."""
    base = 3 * i
    goals = [{"id": base + n + 1, "municipality_id": cycle_id, "cycle_id": cycle_id, "key": key, "title": title,
              "theme_field": "Klima", "level": level, "parent_id": base + n if n else None, "target_year": 2030,
              "sdg": 13, "sdg_target": None, "created_at": created}
             for n, (key, title, level) in enumerate((("ll-klima", "Klimaneutrale Kommune", "guideline"),
                                                      ("sz-klima", "Emissionen senken", "strategic"),
                                                      ("oz-pv", "PV auf allen Dächern", "operative")))]
    measure = {"municipality_id": cycle_id, "cycle_id": cycle_id, "key": "m-pv", "title": "PV auf Schuldächern",
               "goal_id": base + 3, "theme_field": "Klima", "responsible": "Hochbauamt", "status": "planned",
               "status_on": TODAY, "planned_start": None, "planned_end": None, "started_on": None,
               "finished_on": None, "costs": 120_000.0, "staff": 0.5, "progress": None, "carried_from_id": None,
               "created_at": created}
    return goals, measure


def _seed_chunk(engine: Engine, d: Definition, ids: range, due_set: set[int], created: dt.datetime) -> None:
    municipalities, people, cycles, facts, history, timers, goals, measures = [], [], [], [], [], [], [], []
    for i in ids:
        mid = i + 1  # ids follow insertion order in a fresh file: municipality i+1, cycle i+1
        phase, entered, started = _phase_of(i), _entered_on(i), _started_on(i)
        municipalities.append({"id": mid, "ags": ags_of(i), "name": f"Kommune {i}", "state": "TH", "kind": "gemeinde",
                               "catholic_holidays": False, "created_at": created})
        for n, (email, roles, lang) in enumerate(((coordinator_of(i), ["coordination"], "de"),
                                                  (f"stellvertretung@k{i}.example", ["coordination"],
                                                   "en" if i % 10 == 0 else "de"),
                                                  (f"buergermeister@k{i}.example", ["mayor_office"], "de"))):
            people.append({"municipality_id": mid, "name": f"Person {n} in {i}", "email": email, "roles": roles,
                           "organisation": None, "consent_publish": False, "language": lang, "digest": False,
                           "created_at": created})
        cycles.append({"id": mid, "municipality_id": mid, "number": 1, "definition_id": 1, "phase": phase,
                       "phase_entered_on": entered, "due_on": _due_on(phase, entered), "status": "running",
                       "started_on": started, "completed_on": None, "restart_on": None, "previous_cycle_id": None,
                       "lock_version": 1})
        for fact, values in PHASE_FACTS[phase]:
            facts.append({"cycle_id": mid, "type": fact, "fields": _fields(fact, tuple(values.items())),
                          "on": entered, "phase": phase, "actor": coordinator_of(i), "recorded_at": to_db(NOW)})
        if phase == "strategy":
            goals_of, measure = _programme(i, mid, created)
            goals += goals_of
            measures.append(measure)
        history.append({"cycle_id": mid, "seq": 1, "at": to_db(NOW), "on": started, "actor": "system",
                        "kind": "start", "trigger": None, "from_phase": None, "to_phase": phase, "reason": None,
                        "details": {"workflow": d.name, "version": d.version, "previous_cycle": None}})
        for row in _planned(phase, entered, started):
            if i in due_set and row["kind"] == "before" and row["claimed_at"] is None:
                continue  # replaced by the due reminder below
            timers.append({**row, "cycle_id": mid})
        if i in due_set:
            moment = fire_moment(TODAY, SEND_HOUR, TZ)
            timers.append({"cycle_id": mid, "phase": phase, "kind": "before", "rule": "before:P14D", "occurrence": 1,
                           "sequence": 0, "fire_on": TODAY, "fire_at": moment, "due_on": _due_on(phase, entered),
                           "label": None, "roles": ["coordination"], "claimed_at": None, "outcome": None})
    tables = [(Municipality, municipalities), (Person, people), (Cycle, cycles), (Fact, facts),
              (History, history), (Timer, timers), (Goal, goals), (Measure, measures)]
    tables = [(table, rows) for table, rows in tables if rows]
    if engine.dialect.name != "sqlite":  # small PostgreSQL files (the web load test): Core is fast enough
        with engine.begin() as conn:
            for table, rows in tables:
                conn.execute(insert(table), rows)
        return
    raw = engine.raw_connection()
    try:
        for table, rows in tables:
            _bulk_insert(raw, engine, table, rows)
        raw.commit()
    finally:
        raw.close()


def _bulk_insert(raw: Any, engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    """``executemany`` on the DB-API cursor, values converted by each column's own bind processor
    (so dates, UTC moments and JSON are stored exactly as the ORM stores them) without
    SQLAlchemy's per-row statement machinery, which would triple the seeding time."""
    columns = list(rows[0])
    sa_table = table.__table__
    processors = [sa_table.c[c].type._cached_bind_processor(engine.dialect) for c in columns]
    convert = [(i, p, {}) for i, p in enumerate(processors) if p is not None]
    params = []
    for row in rows:
        values = [row[c] for c in columns]
        for i, process, memo in convert:  # the same few dates and role lists recur: convert each once
            value = values[i]
            key = tuple(value) if isinstance(value, list) else value if not isinstance(value, dict) else None
            if key is None:
                values[i] = process(value)
            elif key in memo:
                values[i] = memo[key]
            else:
                values[i] = memo[key] = process(value)
        params.append(values)
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f"INSERT INTO {sa_table.name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    raw.cursor().executemany(sql, params)


def reset_due(target: Path | str, due_ids: list[int]) -> None:
    """Undo a sweep: unclaim the due reminders, empty the outbox. Lets one seeded file (or
    PostgreSQL database) serve several measured sweeps and the memory probe."""
    raw = Raw(target)
    try:
        raw.executemany("UPDATE timer SET claimed_at = NULL, outcome = NULL WHERE id = ?", [(i,) for i in due_ids])
        raw.execute("DELETE FROM outbox")
        raw.commit()
    finally:
        raw.close()
