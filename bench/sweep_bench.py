"""Benchmark 2: one reminder sweep over N running cycles of which a fixed number are due.

Measured: ``Sweeper.sweep(deliver=False)`` — restarts due, find the due reminders by the
(claimed_at, fire_at) index, claim them, plan what follows, compose the mails (status, jinja2,
ICS) and insert the outbox rows — the median of several sweeps, the due reminders unclaimed
again between them. The time spent composing is measured separately, so the table shows what
finding and claiming cost on their own.

Baseline in the same run: the same work at the raw floor — stdlib sqlite3 selecting the due
reminders through the same index, claiming them and inserting as many outbox rows of the same
size — and the sweep at the smallest N (the cost must follow what is due, not N).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import NOW, Result
from bench.raw import Raw
from bench.seed import Seeded, reset_due, service_for
from engine.clock import to_db
from notifications.setup import sweeper_for
from zyklus.config import load_settings

REPEATS = 3


def _timed_compose(sweeper: Any) -> dict[str, float]:
    """Wrap this sweeper's composer so the time spent composing mails is summed per sweep."""
    spent = {"compose": 0.0}
    compose = sweeper.composer.compose

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return compose(*args, **kwargs)
        finally:
            spent["compose"] += time.perf_counter() - start

    sweeper.composer.compose = wrapper
    return spent


def sweep_times(seeded: Seeded) -> dict[str, Any]:
    service = service_for(seeded.path)
    sweeper = sweeper_for(service, load_settings(None))
    spent = _timed_compose(sweeper)
    totals, cpu, composing, queued = [], [], [], 0
    for _ in range(REPEATS):
        reset_due(seeded.path, seeded.due_timer_ids)
        spent["compose"] = 0.0
        start, start_cpu = time.perf_counter(), time.process_time()
        report = sweeper.sweep(deliver=False)
        totals.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        composing.append(spent["compose"])
        queued = report.queued
        if report.claimed != len(seeded.due_timer_ids):
            raise RuntimeError(f"sweep claimed {report.claimed}, expected {len(seeded.due_timer_ids)}")
    service.engine.dispose()
    total, compose = statistics.median(totals), statistics.median(composing)
    # CPU time too: on a machine shared with other work, wall times of one run vary by 2× and more.
    return {"cycles": seeded.cycles, "due": len(seeded.due_timer_ids), "mails": queued, "sweep_s": total,
            "compose_s": compose, "find_claim_s": total - compose, "runs_s": totals,
            "cpu_s": statistics.median(cpu)}


def raw_floor(seeded: Seeded) -> float:
    """The same finding, claiming and outbox inserts with stdlib sqlite3 and no composing: the
    mails zyklus just wrote are inserted again under new keys, so the bytes written match.
    Through psycopg for a PostgreSQL database (benchmark 11), with the same SQL."""
    conn = Raw(seeded.path)
    mails = [tuple(str(v) if isinstance(v, dt.datetime) else v for v in row) for row in conn.execute(
        "SELECT cycle_id, kind, recipient, recipient_name, language, subject, text, html, ics, "
        "message_id, next_attempt_at, created_at FROM outbox")]
    conn.close()
    reset_due(seeded.path, seeded.due_timer_ids)
    moment = to_db(NOW).strftime("%Y-%m-%d %H:%M:%S.%f")
    conn = Raw(seeded.path)
    start = time.perf_counter()
    ids = [row[0] for row in conn.execute("SELECT id FROM timer WHERE claimed_at IS NULL AND fire_at <= ? "
                                          "ORDER BY fire_at, id", (moment,))]
    conn.executemany("UPDATE timer SET claimed_at = ? WHERE id = ? AND claimed_at IS NULL",
                     [(moment, i) for i in ids])
    conn.executemany("INSERT INTO outbox (key, cycle_id, kind, recipient, recipient_name, language, subject, text, "
                     "html, ics, message_id, status, attempts, next_attempt_at, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
                     [(f"raw:{n}", *mail) for n, mail in enumerate(mails)])
    conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    reset_due(seeded.path, seeded.due_timer_ids)
    return elapsed


def measure(seeded: Seeded, log: Callable[[str], None]) -> dict[str, Any]:
    """The sweep's figures on one seeded file or database, and its floor's."""
    figures = sweep_times(seeded)
    figures["raw_floor_s"] = raw_floor(seeded)
    log(f"    N={seeded.cycles:,}: sweep {figures['sweep_s']:.3f} s, CPU {figures['cpu_s']:.3f} s (composing "
        f"{figures['compose_s']:.3f} s, find+claim+plan {figures['find_claim_s']:.3f} s), raw floor "
        f"{figures['raw_floor_s']:.3f} s, {figures['due']} due → {figures['mails']} mails")
    return figures


def results(rows: list[dict[str, Any]], bench: str = "2 sweep", floor: str = "raw sqlite3 claim+insert") -> list[Result]:
    """The largest size's sweep against its floor, and against the next smaller size's."""
    smallest, largest = rows[-2], rows[-1]  # the pair: 100,000 against 10,000 (small scale: 10k/1k)
    n_big, n_small = largest["cycles"], smallest["cycles"]
    details = {"by_size": rows}
    return [
        Result(bench, f"sweep, N={n_big:,}, {largest['due']} due", largest["sweep_s"], "s",
               largest["raw_floor_s"], floor, "< 0.5 s", largest["sweep_s"] < 0.5,
               higher_is_better=False, details=details),
        Result(bench, f"find+claim+plan (no composing), N={n_big:,}", largest["find_claim_s"], "s",
               largest["raw_floor_s"], floor, "< 0.5 s", largest["find_claim_s"] < 0.5,
               higher_is_better=False, details=details),
        Result(bench, f"sweep N={n_big:,} vs N={n_small:,}", largest["sweep_s"], "s", smallest["sweep_s"],
               f"same sweep at N={n_small:,}", "ratio < 1.5", largest["sweep_s"] / smallest["sweep_s"] < 1.5,
               higher_is_better=False, details=details),
    ]


def run(seeded_by_size: dict[int, Seeded], log: Callable[[str], None]) -> tuple[list[Result], list[dict[str, Any]]]:
    rows = [measure(seeded, log) for _, seeded in sorted(seeded_by_size.items())]
    return results(rows), rows


def profile(seeded: Seeded, out: Path) -> None:
    """A pyinstrument profile of one sweep over ``seeded`` (its due reminders unclaimed first)."""
    from pyinstrument import Profiler

    service = service_for(seeded.path)
    sweeper = sweeper_for(service, load_settings(None))
    reset_due(seeded.path, seeded.due_timer_ids)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    sweeper.sweep(deliver=False)
    profiler.stop()
    reset_due(seeded.path, seeded.due_timer_ids)
    service.engine.dispose()
    out.write_text(profiler.output_text(unicode=False, color=False, show_all=False), encoding="utf-8")
