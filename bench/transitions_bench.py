"""Benchmark 1: committed transitions per second through ``Service.advance``.

Each advance is what a coordinator's `zyklus advance` does: load the cycle, check the actor's
role, evaluate the guards, fire the cached Machine, then in one transaction the compare-and-set
UPDATE, the history row and the reminder planner (delete the old phase's timers, plan the new
phase's). Random cycles are advanced, each once, so no cycle is warm in any cache.

Baselines on the same file in the same run:
 (a) the raw floor: the same number of commits, each one UPDATE of a cycle and one INSERT of a
     history row through the stdlib ``sqlite3`` module with zyklus's own pragmas (``psycopg``
     on PostgreSQL, bench.raw);
 (b) the naive integration: the same service, but a `transitions` Machine built for every
     request with the library's defaults (model attached, auto transitions), as the maintainers'
     FAQ and our anchor study warn against.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from transitions import Machine, MachineError

import engine.service
from bench.common import NOW, TODAY, TZ, Result
from bench.raw import Raw
from bench.seed import SEND_HOUR, _due_on, ags_of, coordinator_of, definition, service_for
from engine.definitions.model import COMPLETED, Definition
from engine.machine import CycleModel
from notifications.planning import plan_phase
from notifications.timers import fire_moment

WARMUP = 20


def naive_fire(definition: Definition, model: CycleModel, trigger: str) -> str | None:
    """What a first integration of `transitions` does per request: build a Machine around the
    model with the library's defaults, then call the trigger method the Machine added to it."""
    spec = [{"trigger": tr.trigger, "source": tr.source, "dest": tr.dest,
             "conditions": [lambda event, tid=tid: event.model.passed.get(tid, False)],
             "before": [lambda event, tid=tid: setattr(event.model, "fired", tid)]}
            for tid, tr in definition.transitions.items()]
    Machine(model=model, states=list(definition.phases) + [COMPLETED], transitions=spec, initial=model.state,
            send_event=True)
    try:
        moved = getattr(model, trigger)()
    except (AttributeError, MachineError):
        return None
    return model.fired if moved else None


@contextmanager
def naive_machines() -> Iterator[None]:
    """Swap the service's cached-Machine ``fire`` for the naive one, for baseline (b) only."""
    cached = engine.service.fire
    engine.service.fire = naive_fire
    try:
        yield
    finally:
        engine.service.fire = cached


def _advance_all(target: Path | str, cycle_indexes: list[int]) -> tuple[float, float]:
    """Transitions per second of ``Service.advance`` over the given cycles (after a warm-up), by
    the wall clock and by this process's CPU time (robust when other work shares the machine)."""
    service = service_for(target)
    warm, measured = cycle_indexes[:WARMUP], cycle_indexes[WARMUP:]

    def run(indexes: list[int]) -> None:
        for i in indexes:
            service.advance(ags_of(i), actor=coordinator_of(i), on=TODAY, reason="Benchmark")

    run(warm)
    start, cpu = time.perf_counter(), time.process_time()
    run(measured)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    service.engine.dispose()
    return len(measured) / elapsed, len(measured) / cpu


def raw_floor(target: Path | str, commits: int, cycles: int, rng: random.Random) -> tuple[float, float]:
    """Commits per second of one UPDATE + one INSERT each, without zyklus (bench.raw)."""
    conn = Raw(target)
    at = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
    ids = [rng.randrange(1, cycles + 1) for _ in range(commits)]
    start, cpu = time.perf_counter(), time.process_time()
    for n, cycle_id in enumerate(ids):
        # The phase stays: the cycles must still be where the zyklus run expects them.
        conn.execute("UPDATE cycle SET phase_entered_on = ?, lock_version = lock_version + 1 WHERE id = ?",
                     (TODAY.isoformat(), cycle_id))
        conn.execute("INSERT INTO history (cycle_id, seq, at, \"on\", actor, kind, \"trigger\", from_phase, "
                     "to_phase, reason, details) VALUES (?, ?, ?, ?, ?, 'transition', 'advance', 'inventory', "
                     "'strategy', 'Benchmark', '{}')",
                     (cycle_id, 1_000_000 + n, at, TODAY.isoformat(), coordinator_of(cycle_id - 1)))
        conn.commit()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.execute("DELETE FROM history WHERE seq >= 1000000")  # leave the database as zyklus would see it
    conn.commit()
    conn.close()
    return commits / elapsed, commits / cpu


def same_work_floor(target: Path | str, commits: int, cycles: int, rng: random.Random) -> tuple[float, float]:
    """Commits per second of the writes an advance makes, without zyklus (bench.raw), in one
    transaction each: the compare-and-set UPDATE of the cycle, the history row (with a guard log
    of the real size), the DELETE of the old phase's unclaimed timers and one executemany INSERT
    of the new phase's (as many rows as the planner plans for it). Run after the other two
    methods: it rewrites the timers of the cycles it touches, as an advance would."""
    d = definition()
    conn = Raw(target)
    at = NOW.strftime("%Y-%m-%d %H:%M:%S.%f")
    guard_log = json.dumps({"transition": "inventory_done", "guards": [
        {"id": "report", "type": "fact_recorded", "severity": "block", "ok": True,
         "message": "Bestandsbericht erfasst", "fact": "inventory_report", "missing": 0, "fields": []}]})
    due = _due_on("strategy", TODAY)
    timers = [(p.phase, p.kind, p.rule, p.occurrence, p.fire_on.isoformat(),
               fire_moment(p.fire_on, SEND_HOUR, TZ).strftime("%Y-%m-%d %H:%M:%S.%f"),
               p.due_on.isoformat() if p.due_on else None, p.label_key, json.dumps(list(p.roles)))
              for p in plan_phase(d, "strategy", TODAY, due, TODAY)]
    ids = [rng.randrange(1, cycles + 1) for _ in range(commits)]
    start, cpu = time.perf_counter(), time.process_time()
    for n, cycle_id in enumerate(ids):
        conn.execute("UPDATE cycle SET phase_entered_on = ?, due_on = ?, lock_version = lock_version + 1 "
                     "WHERE id = ?", (TODAY.isoformat(), due.isoformat(), cycle_id))
        conn.execute("INSERT INTO history (cycle_id, seq, at, \"on\", actor, kind, \"trigger\", from_phase, "
                     "to_phase, reason, details) VALUES (?, ?, ?, ?, ?, 'transition', 'advance', 'inventory', "
                     "'strategy', 'Benchmark', ?)",
                     (cycle_id, 1_000_000 + n, at, TODAY.isoformat(), coordinator_of(cycle_id - 1), guard_log))
        conn.execute("DELETE FROM timer WHERE cycle_id = ? AND claimed_at IS NULL AND phase != '*'", (cycle_id,))
        conn.executemany("INSERT INTO timer (cycle_id, phase, kind, rule, occurrence, sequence, fire_on, fire_at, "
                         "due_on, label, roles, claimed_at, outcome, attempts) "
                         "VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, NULL, NULL, 0)",
                         [(cycle_id, *row) for row in timers])
        conn.commit()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.execute("DELETE FROM history WHERE seq >= 1000000")
    conn.commit()
    conn.close()
    return commits / elapsed, commits / cpu


def run(target: Path | str, cycles: int, transitions: int, log: Callable[[str], None],
        bench: str = "1 transitions") -> list[Result]:
    """Measure the three figures on the seeded file or PostgreSQL database ``target`` (which it
    changes)."""
    rng = random.Random(cycles)
    per_method = min(transitions, cycles // 2 - WARMUP)
    picks = rng.sample(range(cycles), 2 * (per_method + WARMUP))
    floor, floor_cpu = raw_floor(target, per_method, cycles, rng)
    log(f"    raw floor:         {floor:,.0f} commits/s ({floor_cpu:,.0f} per CPU second)")
    ours, ours_cpu = _advance_all(target, picks[:per_method + WARMUP])
    log(f"    zyklus advance:    {ours:,.0f} transitions/s ({ours_cpu:,.0f} per CPU second)")
    with naive_machines():
        naive, naive_cpu = _advance_all(target, picks[per_method + WARMUP:])
    log(f"    naive Machine:     {naive:,.0f} transitions/s ({naive_cpu:,.0f} per CPU second)")
    same, same_cpu = same_work_floor(target, per_method, cycles, rng)
    log(f"    same-work floor:   {same:,.0f} commits/s ({same_cpu:,.0f} per CPU second)")
    floor_label = "psycopg" if Raw.is_postgres(target) else "sqlite3"
    details = {"cycles": cycles, "transitions": per_method, "zyklus_per_s": ours, "raw_floor_per_s": floor,
               "naive_per_s": naive, "zyklus_ms": 1000 / ours, "raw_floor_ms": 1000 / floor,
               "naive_ms": 1000 / naive, "zyklus_per_cpu_s": ours_cpu, "raw_floor_per_cpu_s": floor_cpu,
               "naive_per_cpu_s": naive_cpu, "same_work_per_s": same, "same_work_ms": 1000 / same,
               "same_work_per_cpu_s": same_cpu}
    return [
        Result(bench, f"advance/s, N={cycles:,}", ours, "/s", same, f"{floor_label}, the same writes",
               "≥ 25 % of it", ours >= 0.25 * same, details=details),
        Result(bench, f"vs naive, N={cycles:,}", ours, "/s", naive, "Machine per request",
               "≥ 2×", ours >= 2 * naive, details=details),
        Result(bench, f"advance/s vs plain floor, N={cycles:,}", ours, "/s", floor,
               f"raw {floor_label} UPDATE+INSERT", "–", None, details=details),
    ]


def profile(path: Path, cycles: int, count: int, out: Path) -> None:
    """A pyinstrument profile of ``count`` advances of cycles no measured run touched."""
    from pyinstrument import Profiler

    service = service_for(path)
    with sqlite3.connect(path) as conn:  # untouched: still only their start in the history
        untouched = [row[0] - 1 for row in conn.execute(
            "SELECT cycle_id FROM history GROUP BY cycle_id HAVING count(*) = 1 LIMIT ?", (count + WARMUP,))]
    conn.close()
    for i in untouched[:WARMUP]:
        service.advance(ags_of(i), actor=coordinator_of(i), on=TODAY)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for i in untouched[WARMUP:]:
        service.advance(ags_of(i), actor=coordinator_of(i), on=TODAY)
    profiler.stop()
    service.engine.dispose()
    out.write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
