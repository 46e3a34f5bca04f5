"""Benchmark 8: the web app's server time (issue 11), and its throughput with two workers.

In-process (Starlette's TestClient, no network; the time from request to the last byte of the
answer, the app's own work plus the client's small portal overhead), on files seeded by
`bench/seed.py`:

- the advisor's overview (GET /uebersicht, signed in as an administrator: its first page of
  50, sorted by name, and the same sorted by last activity, the dearest sort) at 30
  municipalities (a programme run) and at 10,800 (all of Germany); baselines in the same run:
  the raw sqlite3 read of `bench/status_bench.py`, the door's ``cycles.overview_page`` alone
  (the page's own cost is the difference) and, as the figure before paging, the door's whole
  ``cycles.overview`` (what the page built before it was paged);
- a coordinator's municipality page (GET /kommunen/<ags>) and a recorded fact (POST of the
  fact form, answered by a 303) at 100,000 cycles; baselines: the door's ``cycles.status``
  and ``cycles.record`` alone.

Under load (only when a PostgreSQL server is named by ZYKLUS_TEST_PG): ``zyklus web --workers 2``
as a subprocess on 127.0.0.1 over 30 seeded municipalities in a database of its own, and a
bounded loop of requests (count and seconds capped) from this process in threads: requests per
second and p95 latency of the municipality page and the overview, beside the same for the static
file /static/zyklus.css as the baseline.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.common import NOW, RESULTS, Result, bench_env, zyklus_command
from bench.raw import fresh_pg_database
from bench.seed import PHASES, ags_of, coordinator_of, seed, seed_url
from bench.status_bench import raw_read

PASSWORD = "Bench-Passwort-2027"
SECRET = "bench-secret-key-of-the-web-benchmark-0123456789"
ADMIN = "admin@bench.example"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
OVERVIEW_SIZES = (30, 10_800)
PAGE_CYCLES = 100_000
STRATEGY = PHASES.index("strategy")
"""Cycles i with i % 5 == STRATEGY are in the strategy phase: a workshop can always be recorded."""
LOAD_REQUESTS = 400
LOAD_SECONDS = 10.0
LOAD_THREADS = 8
WARM_UP_REQUESTS = 40


def _median_ms(call: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    call()  # warm-up: templates compiled, statements cached, the definition parsed
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times


def _door(url: str):  # noqa: ANN202 (zyklus.app.Application; imported late like the rest of the bench)
    from engine.clock import FixedClock
    from zyklus.bootstrap import bootstrap
    from zyklus.config import load_settings

    return bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=url)


def _password(door: Any, email: str, *, admin: bool = False) -> None:
    if admin:
        door.accounts.add(email, name="Admin", admin=True)
    issued = door.accounts.issue_link(email)
    door.accounts.set_password(issued.token, PASSWORD)


def _sign_in(client: Any, email: str) -> None:
    form = client.get("/anmelden")
    answer = client.post("/anmelden", data={"csrf": _CSRF.search(form.text)[1], "email": email,
                                            "password": PASSWORD, "next": "/"})
    assert answer.status_code == 303, answer.status_code


def _client(door: Any, email: str):  # noqa: ANN202
    from fastapi.testclient import TestClient

    from zyklus.web.app import create_app

    client = TestClient(create_app(door, door.settings, SECRET), follow_redirects=False)
    _sign_in(client, email)
    return client


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.status_code, answer.text[:500])
    return answer


def overview(workdir: Path, log: Callable[[str], None]) -> list[Result]:
    results = []
    for n in OVERVIEW_SIZES:
        seeded = seed(workdir / f"web-{n}.db", n, 0)
        door = _door(f"sqlite:///{seeded.path}")
        _password(door, ADMIN, admin=True)
        client = _client(door, ADMIN)
        runs = 20 if n < 1000 else 10
        page = lambda: _ok(client.get("/uebersicht"))  # noqa: E731
        by_activity = lambda: _ok(client.get("/uebersicht?sort=activity&dir=desc"))  # noqa: E731
        assert page().text.count('href="/kommunen/') >= min(n, 50)
        page_ms, times = _median_ms(page, runs)
        activity_ms, _ = _median_ms(by_activity, runs)
        door_ms, _ = _median_ms(lambda: door.cycles.overview_page("de", ags=None, sort="name"), runs)
        whole_ms, _ = _median_ms(lambda: door.cycles.overview("de", ags=None), 3 if n > 1000 else runs)
        raw_ms, _ = _median_ms(raw_read(seeded.path), runs)
        goal = 50 if n < 1000 else 200
        log(f"    overview N = {n:,}: page {page_ms:.1f} ms (by activity {activity_ms:.1f} ms), door page "
            f"{door_ms:.1f} ms, whole door overview {whole_ms:.1f} ms, raw sqlite3 {raw_ms:.1f} ms")
        details = {"municipalities": n, "page_ms": page_ms, "page_by_activity_ms": activity_ms,
                   "door_overview_page_ms": door_ms, "door_whole_overview_ms": whole_ms, "raw_floor_ms": raw_ms,
                   "page_runs_ms": times, "seed_s": seeded.seconds}
        results += [Result("8 web", f"GET /uebersicht (admin, page of 50), {n:,} municipalities", page_ms, "ms",
                           raw_ms, "raw sqlite3, one query per table", f"< {goal} ms", page_ms < goal, False, details),
                    Result("8 web", f"same, sorted by last activity, {n:,}", activity_ms, "ms", raw_ms,
                           "raw sqlite3, one query per table", f"< {goal} ms", activity_ms < goal, False, details),
                    Result("8 web", f"GET /uebersicht vs door overview_page, {n:,}", page_ms, "ms", door_ms,
                           "door's cycles.overview_page alone", "–", None, False, details),
                    Result("8 web", f"GET /uebersicht vs the whole overview (before paging), {n:,}", page_ms, "ms",
                           whole_ms, "door's whole cycles.overview", "–", None, False, details)]
        client.close()
        door.close()
    return results


def municipality(workdir: Path, log: Callable[[str], None], runs: int = 30) -> list[Result]:
    from zyklus.app import commands as c

    seeded = seed(workdir / f"web-{PAGE_CYCLES}.db", PAGE_CYCLES, 0)
    door = _door(f"sqlite:///{seeded.path}")
    mine, other = PAGE_CYCLES // 2 + STRATEGY, PAGE_CYCLES // 2 + 5 + STRATEGY  # two cycles in the strategy phase
    _password(door, coordinator_of(mine))
    client = _client(door, coordinator_of(mine))
    ags = ags_of(mine)
    page = lambda: _ok(client.get(f"/kommunen/{ags}"))  # noqa: E731
    csrf = _CSRF.search(page().text)[1]
    page_ms, page_times = _median_ms(page, runs)
    status_ms, _ = _median_ms(lambda: door.cycles.status(ags), runs)
    counter = iter(range(10_000))
    form = lambda: {"csrf": csrf, "f_topic": f"Werkstatt {next(counter)}", "f_participants": "12"}  # noqa: E731
    post = lambda: _ok(client.post(f"/kommunen/{ags}/fakten/workshop", data=form()), 303)  # noqa: E731
    post_ms, post_times = _median_ms(post, runs)
    record = lambda: door.cycles.record(c.RecordFact(ags=ags_of(other), fact="workshop",  # noqa: E731
                                                     actor=coordinator_of(other),
                                                     values={"topic": f"Werkstatt {next(counter)}",
                                                             "participants": "12"}))
    record_ms, _ = _median_ms(record, runs)
    log(f"    N = {PAGE_CYCLES:,}: page {page_ms:.1f} ms (status {status_ms:.1f} ms), "
        f"fact POST {post_ms:.1f} ms (record {record_ms:.1f} ms)")
    details = {"cycles": PAGE_CYCLES, "page_ms": page_ms, "status_ms": status_ms, "post_ms": post_ms,
               "record_ms": record_ms, "page_runs_ms": page_times, "post_runs_ms": post_times,
               "seed_s": seeded.seconds}
    client.close()
    door.close()
    return [Result("8 web", f"GET /kommunen/<ags> (coordinator), {PAGE_CYCLES:,} cycles", page_ms, "ms", status_ms,
                   "door's cycles.status alone", "< 50 ms", page_ms < 50, False, details),
            Result("8 web", f"POST fact form (303), {PAGE_CYCLES:,} cycles", post_ms, "ms", record_ms,
                   "door's cycles.record alone", "< 50 ms", post_ms < 50, False, details)]


# -- under load: two uvicorn workers on PostgreSQL --------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen, seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"zyklus web exited with {server.returncode}")
        try:
            httpx.get(base + "/static/zyklus.css", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)  # the benchmark waits for a real server; no test does this
    raise RuntimeError("zyklus web did not answer")


def _load(base: str, path: str, cookies: dict[str, str], requests: int = LOAD_REQUESTS) -> dict[str, float]:
    """At most ``requests`` GETs of ``path`` in LOAD_THREADS threads (each with one kept-alive
    connection, as a browser has), stopping after LOAD_SECONDS."""
    import httpx

    latencies: list[float] = []
    stop = time.monotonic() + LOAD_SECONDS
    per_thread = requests // LOAD_THREADS

    def worker() -> list[float]:
        got = []
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as http:
            for _ in range(per_thread):
                if time.monotonic() > stop:
                    break
                start = time.perf_counter()
                answer = http.get(path)
                got.append(time.perf_counter() - start)
                assert answer.status_code == 200, (path, answer.status_code)
        return got

    began = time.perf_counter()
    with ThreadPoolExecutor(LOAD_THREADS) as pool:
        for got in pool.map(lambda _: worker(), range(LOAD_THREADS)):
            latencies += got
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {"requests": len(latencies), "seconds": elapsed, "per_s": len(latencies) / elapsed,
            "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000}


def _cookies_of(base: str, email: str) -> dict[str, str]:
    import httpx

    with httpx.Client(base_url=base, timeout=30) as http:
        _sign_in(http, email)
        return dict(http.cookies)


def workers(workdir: Path, log: Callable[[str], None]) -> list[Result]:
    pg = os.environ.get("ZYKLUS_TEST_PG", "")
    if not pg:
        log("    skipped: set ZYKLUS_TEST_PG (eval \"$(.ci/start-postgres)\") for the two-worker load test")
        return []
    url = fresh_pg_database(pg, "zyklus_bench_web")
    seed_url(url, 30, 0)
    door = _door(url)
    _password(door, ADMIN, admin=True)
    _password(door, coordinator_of(STRATEGY))
    door.close()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log_file = (workdir / "web-server.log").open("w")  # a file, not a pipe: the access log would fill a pipe
    server = subprocess.Popen(zyklus_command() + ["--db", url, "web", "--workers", "2", "--port", str(port)],
                              env=bench_env(ZYKLUS_SECRET_KEY=SECRET),
                              stdout=log_file, stderr=subprocess.STDOUT, cwd=workdir)
    try:
        _wait_until_up(base, server)
        admin, coordinator = _cookies_of(base, ADMIN), _cookies_of(base, coordinator_of(STRATEGY))
        figures = {}
        for name, path, cookies in (("static", "/static/zyklus.css", {}),
                                    ("municipality", f"/kommunen/{ags_of(STRATEGY)}", coordinator),
                                    ("overview", "/uebersicht", admin)):
            _load(base, path, cookies, WARM_UP_REQUESTS)  # warm-up round, both workers
            figures[name] = _load(base, path, cookies)
            f = figures[name]
            log(f"    2 workers, {name}: {f['per_s']:.0f} req/s, p50 {f['p50_ms']:.1f} ms, p95 {f['p95_ms']:.1f} ms"
                f" ({f['requests']} requests in {f['seconds']:.1f} s)")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log_file.close()
    static = figures["static"]
    rows = []
    for name, label in (("municipality", "municipality page (coordinator)"), ("overview", "overview, 30 (admin)")):
        f = figures[name]
        rows += [Result("8 web", f"2 workers, PostgreSQL: req/s, {label}", f["per_s"], "/s", static["per_s"],
                        "GET /static/zyklus.css", "–", None, True, {"page": f, "static": static,
                                                                     "threads": LOAD_THREADS}),
                 Result("8 web", f"2 workers, PostgreSQL: p95, {label}", f["p95_ms"], "ms", static["p95_ms"],
                        "GET /static/zyklus.css", "–", None, False, {"page": f, "static": static})]
    return rows


def profile(workdir: Path, out: Path) -> None:
    """pyinstrument over 20 overview pages at 10,800 (the seeded file of ``overview``). The page
    runs in the server's thread pool, which a profiler started here would not see, so the
    profiler starts where the handler reads the page and stops when it has rendered it, in
    the handler's own thread (the filter choices read between are in it)."""
    from pyinstrument import Profiler

    from zyklus.web.pages import overview as page

    door = _door(f"sqlite:///{workdir / 'web-10800.db'}")
    client = _client(door, ADMIN)
    client.get("/uebersicht")
    profiler = Profiler(interval=0.001)
    page_for, render = page.page_for, page.render

    def profiled_page(request: Any, filters: Any) -> Any:
        profiler.start()
        return page_for(request, filters)

    def profiled_render(*args: Any, **kwargs: Any) -> Any:
        try:
            return render(*args, **kwargs)
        finally:
            profiler.stop()

    page.page_for, page.render = profiled_page, profiled_render
    try:
        for _ in range(20):
            client.get("/uebersicht")
    finally:
        page.page_for, page.render = page_for, render
    out.write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
    client.close()
    door.close()


def run_overview(workdir: Path, log: Callable[[str], None]) -> list[Result]:
    """The overview's figures and its profile alone (``python -m bench --only overview``)."""
    results = overview(workdir, log)
    profile(workdir, RESULTS / "profile-web-overview.txt")
    return results


def run(workdir: Path, log: Callable[[str], None]) -> list[Result]:
    results = run_overview(workdir, log)
    results += municipality(workdir, log)
    results += workers(workdir, log)
    return results


if __name__ == "__main__":  # python -m bench.web_bench: this benchmark alone, printed
    import tempfile

    with tempfile.TemporaryDirectory(prefix="zyklus-bench-web-") as tmp:
        for r in run(Path(tmp), print):
            print(r)
    sys.exit(0)
