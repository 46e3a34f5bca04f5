"""What every benchmark shares: the result record, the clock of the benchmark world, timing.

Each benchmark returns ``Result`` rows: zyklus's figure, a baseline measured in the same run
on the same machine, their ratio, and whether the issue's goal was met. The figures are plain
numbers so the JSON files can be compared across machines and commits.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Berlin")
NOW = dt.datetime(2027, 6, 1, 9, 0, tzinfo=TZ)
"""The benchmark world's 'now': a Tuesday morning after the day's send hour (07:00)."""
TODAY = NOW.date()
WORKFLOW = "gnk-thueringen"
RESULTS = Path(__file__).resolve().parent / "results"
DOCS = Path(__file__).resolve().parent.parent / "docs"

SCALES: dict[str, dict[str, Any]] = {
    # sizes: cycles per database; transitions: advances measured per size and method;
    # mails: reminders delivered; size_cycles: municipalities simulated for a whole cycle;
    # values: rows of one bulk values file.
    "small": {"sizes": (1_000, 10_000), "transitions": 400, "mails": 500, "size_cycles": 20, "runs": 5,
              "values": 20_000},
    "full": {"sizes": (1_000, 10_000, 100_000), "transitions": 1_000, "mails": 2_000, "size_cycles": 100,
             "runs": 7, "values": 100_000},
}


@dataclass
class Result:
    """One row of the table: ``value`` is zyklus's figure, ``baseline`` the comparison."""

    bench: str
    metric: str
    value: float
    unit: str
    baseline: float
    baseline_label: str
    goal: str
    met: bool | None
    higher_is_better: bool = True
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def median_times(cmd: list[str], runs: int, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a command started afresh each
    time, after one unmeasured warm-up run. The CPU time hardly moves when other work shares the
    machine; the wall time is what a user waits."""
    walls, cpus = [], []
    for i in range(runs + 1):
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"{cmd} exited with {process.returncode}")
        if i:
            walls.append(time.perf_counter() - start)
            cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def zyklus_command() -> list[str]:
    """The installed console script next to this interpreter (what a user types)."""
    script = Path(sys.executable).with_name("zyklus")
    return [str(script)] if script.exists() else [sys.executable, "-m", "zyklus.main"]


def bench_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZYKLUS_")}
    env.update(extra)
    return env


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "load_average_1_5_15": os.getloadavg(), "python": platform.python_version(),
            "implementation": platform.python_implementation(), "sqlite": sqlite3.sqlite_version,
            "platform": platform.platform()}


def write_json(name: str, scale: str, results: list[Result], extra: dict[str, Any] | None = None) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "scale": scale, "machine": machine(),
               "results": [r.as_dict() for r in results], **(extra or {})}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return path


def stored_results(benchmarks: Iterable[str]) -> list[Result]:
    """The rows of these benchmarks' JSON files in bench/results (each one's latest run)."""
    names = {f.name for f in fields(Result)}
    rows = [Result(**{k: v for k, v in row.items() if k in names})
            for benchmark in benchmarks
            for row in json.loads((RESULTS / f"{benchmark}.json").read_text(encoding="utf-8"))["results"]]
    return sorted(rows, key=lambda r: r.bench)


def fmt(value: float) -> str:
    if value != value:  # NaN
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def table(results: list[Result]) -> str:
    """A Markdown table: readable on the terminal and pasted as is into docs/benchmarks.md."""
    lines = ["| benchmark | metric | zyklus | baseline | ratio | goal | met |",
             "|---|---|---:|---:|---:|---|:-:|"]
    for r in results:
        met = "–" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.bench} | {r.metric} | {fmt(r.value)} {r.unit} | {fmt(r.baseline)} {r.unit} "
                     f"({r.baseline_label}) | {r.ratio:.2f}× | {r.goal} | {met} |")
    return "\n".join(lines)
