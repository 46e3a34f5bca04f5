"""Benchmark 7: the status of every municipality (`Service.status_all`, the overview of an
advisor or an administrator), at 1,080 and 10,800 municipalities (a tenth of Germany's and all).

Seeded like the other benchmarks (`bench/seed.py`: one running GNK Thüringen cycle per
municipality with its facts, three people, a history row). Measured: the median of five reads
after one unmeasured warm-up (definitions parsed, statements compiled), in one process.
Baseline, in the same run on the same file: the rows the read needs fetched by stdlib `sqlite3`
with one query per table (municipalities, cycles, facts, people, the cycles' latest history
moment) and nothing done with them — the floor any set-based read sits on.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import Result
from bench.seed import seed, service_for

SIZES = (1_080, 10_800)
RUNS = 5
GOAL_S = 0.2
"""Issue 16, goal 1: the overview of all 10,800 municipalities in under 200 ms ..."""
GOAL_RATIO = 12
"""... and ten times the municipalities costing less than twelve times as much."""

RAW_QUERIES = (
    "SELECT id, ags, name, state FROM municipality",
    "SELECT id, municipality_id, number, definition_id, status, phase, phase_entered_on, due_on, restart_on,"
    " lock_version FROM cycle",
    'SELECT cycle_id, type, fields, "on" FROM fact ORDER BY id',
    "SELECT municipality_id, roles FROM person",
    "SELECT cycle_id, max(at) FROM history GROUP BY cycle_id",
)


def _median(read: Callable[[], object]) -> float:
    read()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        read()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _raw(path: Path) -> Callable[[], object]:
    def read() -> list[list[tuple]]:
        connection = sqlite3.connect(path)
        try:
            return [connection.execute(sql).fetchall() for sql in RAW_QUERIES]
        finally:
            connection.close()
    return read


def run(workdir: Path, log: Callable[[str], None]) -> list[Result]:
    curve = []
    for n in SIZES:
        seeded = seed(workdir / f"status-{n}.db", n, 0)
        service = service_for(seeded.path)
        rows = service.status_all()
        assert len(rows) == n and all(r["cycle"] == 1 for r in rows)
        zyklus_s = _median(service.status_all)
        raw_s = _median(_raw(seeded.path))
        curve.append({"municipalities": n, "status_all_s": zyklus_s, "raw_floor_s": raw_s,
                      "per_municipality_us": zyklus_s / n * 1e6, "seed_s": seeded.seconds})
        log(f"    N = {n:,}: status_all {zyklus_s * 1000:.0f} ms, raw sqlite3 {raw_s * 1000:.1f} ms")
        service.engine.dispose()
    small, large = curve
    results = [Result("7 status of all", f"status_all, {c['municipalities']:,} municipalities", c["status_all_s"],
                      "s", c["raw_floor_s"], "raw sqlite3, one query per table",
                      f"< {GOAL_S} s at 10,800" if c is large else "–",
                      c["status_all_s"] < GOAL_S if c is large else None, higher_is_better=False, details=c)
               for c in curve]
    ratio = large["status_all_s"] / small["status_all_s"]
    results.append(Result("7 status of all", "status_all 10,800 vs 1,080", large["status_all_s"], "s",
                          small["status_all_s"], "same at 1,080", f"ratio < {GOAL_RATIO}", ratio < GOAL_RATIO,
                          higher_is_better=False, details={"ratio": ratio, "raw_ratio":
                                                           large["raw_floor_s"] / small["raw_floor_s"]}))
    return results
