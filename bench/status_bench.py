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

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import Result
from bench.raw import Raw
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


def raw_read(target: Path | str) -> Callable[[], object]:
    """The floor: the rows the read needs, one query per table, fetched and nothing done with them
    (stdlib sqlite3 on a file, psycopg on PostgreSQL)."""
    def read() -> list[list[tuple]]:
        connection = Raw(target)
        try:
            return [connection.execute(sql) for sql in RAW_QUERIES]
        finally:
            connection.close()
    return read


def measure(target: Path | str, n: int) -> dict[str, float]:
    """The median read of ``status_all`` and of its floor on the seeded file or database."""
    service = service_for(target)
    rows = service.status_all()
    assert len(rows) == n and all(r["cycle"] == 1 for r in rows)
    zyklus_s = _median(service.status_all)
    service.engine.dispose()
    raw_s = _median(raw_read(target))
    return {"municipalities": n, "status_all_s": zyklus_s, "raw_floor_s": raw_s,
            "per_municipality_us": zyklus_s / n * 1e6}


def results(curve: list[dict[str, float]], bench: str = "7 status of all", floor: str = "raw sqlite3") -> list[Result]:
    """The figure at each size against its floor, and the larger against the smaller."""
    small, large = curve
    rows = [Result(bench, f"status_all, {c['municipalities']:,} municipalities", c["status_all_s"],
                   "s", c["raw_floor_s"], f"{floor}, one query per table",
                   f"< {GOAL_S} s at 10,800" if c is large else "–",
                   c["status_all_s"] < GOAL_S if c is large else None, higher_is_better=False, details=c)
            for c in curve]
    ratio = large["status_all_s"] / small["status_all_s"]
    rows.append(Result(bench, "status_all 10,800 vs 1,080", large["status_all_s"], "s",
                       small["status_all_s"], "same at 1,080", f"ratio < {GOAL_RATIO}", ratio < GOAL_RATIO,
                       higher_is_better=False, details={"ratio": ratio, "raw_ratio":
                                                        large["raw_floor_s"] / small["raw_floor_s"]}))
    return rows


def run(workdir: Path, log: Callable[[str], None]) -> list[Result]:
    curve = []
    for n in SIZES:
        seeded = seed(workdir / f"status-{n}.db", n, 0)
        curve.append({**measure(seeded.path, n), "seed_s": seeded.seconds})
        log(f"    N = {n:,}: status_all {curve[-1]['status_all_s'] * 1000:.0f} ms, "
            f"raw sqlite3 {curve[-1]['raw_floor_s'] * 1000:.1f} ms")
    return results(curve)
