"""Benchmark 11 (issue 16, goal 7): the status of all municipalities, the morning sweep and the
advance on PostgreSQL, for operators of a Land or a national service who run zyklus on a
database server.

The server is the one ``ZYKLUS_TEST_PG`` names (``eval "$(.ci/start-postgres)"`` starts one on
this machine, as .ci/run does; client and server then share the two cores, which a real
installation would not). For each size a fresh database is seeded as for the SQLite benchmarks
(bench/seed.py), ``due`` of its cycles with a reminder due. Measured exactly as benchmarks 7, 2 and
1 measure on SQLite, with the same floors written through psycopg instead of sqlite3
(bench/raw.py): first the read-only status of all municipalities, then the sweep (undone after
each run), then the advances, which change the database.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from bench import status_bench, sweep_bench, transitions_bench
from bench.common import Result
from bench.raw import fresh_pg_database
from bench.seed import Seeded, seed_url

SIZES = status_bench.SIZES


def run(transitions: int, due: int, log: Callable[[str], None]) -> list[Result]:
    server = os.environ.get("ZYKLUS_TEST_PG", "")
    if not server:
        log('    skipped: set ZYKLUS_TEST_PG (eval "$(.ci/start-postgres)") to measure on PostgreSQL')
        return []
    curve, sweeps, advances = [], [], []
    for n in SIZES:
        url = fresh_pg_database(server, f"zyklus_bench_pg_{n}")
        seeded = Seeded(url, n, due, seed_url(url, n, due), 0.0)
        curve.append(status_bench.measure(url, n))
        log(f"    N = {n:,}: status_all {curve[-1]['status_all_s'] * 1000:.0f} ms, "
            f"raw psycopg {curve[-1]['raw_floor_s'] * 1000:.1f} ms")
        sweeps.append(sweep_bench.measure(seeded, log))  # before the advances, which replan timers
        advances += transitions_bench.run(url, n, transitions, log, bench="11 PostgreSQL: advance")
    return (status_bench.results(curve, bench="11 PostgreSQL: status of all", floor="raw psycopg")
            + sweep_bench.results(sweeps, bench="11 PostgreSQL: sweep", floor="raw psycopg claim+insert") + advances)
