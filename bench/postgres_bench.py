"""Benchmark 11 (issue 16, goal 7): the status of all municipalities and the advance on
PostgreSQL, for operators of a Land or a national service who run zyklus on a database server.

The server is the one ``ZYKLUS_TEST_PG`` names (``eval "$(.ci/start-postgres)"`` starts one on
this machine, as .ci/run does; client and server then share the two cores, which a real
installation would not). For each size a fresh database is seeded as for the SQLite benchmarks
(bench/seed.py). Measured exactly as benchmarks 7 and 1 measure on SQLite, with the same floors
written through psycopg instead of sqlite3 (bench/raw.py): first the read-only status of all
municipalities, then the advances, which change the database.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from bench import status_bench, transitions_bench
from bench.common import Result
from bench.raw import fresh_pg_database
from bench.seed import seed_url

SIZES = status_bench.SIZES


def run(transitions: int, log: Callable[[str], None]) -> list[Result]:
    server = os.environ.get("ZYKLUS_TEST_PG", "")
    if not server:
        log('    skipped: set ZYKLUS_TEST_PG (eval "$(.ci/start-postgres)") to measure on PostgreSQL')
        return []
    curve, advances = [], []
    for n in SIZES:
        url = fresh_pg_database(server, f"zyklus_bench_pg_{n}")
        seed_url(url, n, 0)
        curve.append(status_bench.measure(url, n))
        log(f"    N = {n:,}: status_all {curve[-1]['status_all_s'] * 1000:.0f} ms, "
            f"raw psycopg {curve[-1]['raw_floor_s'] * 1000:.1f} ms")
        advances += transitions_bench.run(url, n, transitions, log, bench="11 PostgreSQL: advance")
    return status_bench.results(curve, bench="11 PostgreSQL: status of all", floor="raw psycopg") + advances
