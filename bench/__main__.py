"""`python -m bench --scale small|full`: run the benchmarks of issues 7, 11, 12 and 16 and publish them.

Prints one table row per figure (zyklus, the baseline measured in this run, the ratio, the goal),
writes bench/results/<benchmark>.json, bench/results/table.md, pyinstrument profiles of the
transition and sweep paths, and the scaling plot docs/benchmarks.png. Nothing here is a test:
no figure fails the command, the goals are reported as met or not.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench import (decision_bench, delivery_bench, memory_bench, postgres_bench, size_bench, startup_bench, status_bench,
                   sweep_bench, transitions_bench, values_bench, web_bench)
from bench.common import DOCS, RESULTS, SCALES, Result, machine, stored_results, table, write_json
from bench.seed import Seeded, seed

ALL = ("transitions", "sweep", "delivery", "startup", "memory", "size", "status", "web", "decision", "values",
       "postgres")
PUBLISHED = ("1-transitions", "2-sweep", "3-delivery", "4-startup", "5-memory", "6-size", "7-status", "8-web",
             "9-decision", "10-values", "11-postgres")
"""The JSON files a run of every benchmark writes (``--only overview`` writes 8-web-overview apart)."""
ONLY = (*ALL, "overview")
"""``--only overview``: the web benchmark's overview figures alone (part of ``web``)."""


def log(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=tuple(SCALES), default="small",
                        help="small: up to 10,000 cycles (about 2 minutes); full: up to 100,000 (about 6)")
    parser.add_argument("--only", choices=ONLY, action="append", help="run only these benchmarks (repeatable)")
    parser.add_argument("--workdir", type=Path, help="where the seeded databases go (default: a temporary folder)")
    parser.add_argument("--table", action="store_true",
                        help="only write bench/results/table.md from the JSON files there (after re-running some "
                             "benchmarks with --only)")
    args = parser.parse_args(argv)
    if args.table:
        (RESULTS / "table.md").write_text(table(stored_results(PUBLISHED)) + "\n", encoding="utf-8")
        log(f"{RESULTS / 'table.md'} from the JSON files of {RESULTS}")
        return 0
    scale = SCALES[args.scale]
    wanted = set(args.only or ALL)
    began = time.perf_counter()
    RESULTS.mkdir(parents=True, exist_ok=True)
    log(f"zyklus benchmarks, scale {args.scale}: {json.dumps(machine())}")
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="zyklus-bench-", dir=args.workdir) as tmp:
        results += _database_benchmarks(Path(tmp), args.scale, scale, wanted)
        if "status" in wanted:  # its own files: 1,080 and 10,800 municipalities at every scale
            log(f"7 status of all: {', '.join(f'{n:,}' for n in status_bench.SIZES)} municipalities")
            results += _publish("7-status", args.scale, status_bench.run(Path(tmp), log))
        if "web" in wanted:  # its own files too: 30, 10,800 and 100,000 municipalities at every scale
            log("8 web: server time in-process; two workers on PostgreSQL under load")
            results += _publish("8-web", args.scale, web_bench.run(Path(tmp), log))
        elif "overview" in wanted:
            log("8 web, the overview alone: server time in-process")
            results += _publish("8-web-overview", args.scale, web_bench.run_overview(Path(tmp), log))
        if "values" in wanted:
            log(f"10 values in bulk: {scale['values']:,} rows of one file")
            results += _publish("10-values", args.scale, values_bench.run(scale["values"], Path(tmp), log))
    if "postgres" in wanted:
        log("11 PostgreSQL: status of all, the sweep and the advance (issue 16, goal 7)")
        results += _publish("11-postgres", args.scale,
                            postgres_bench.run(scale["transitions"], scale["sizes"][-1] // 100, log))
    if "decision" in wanted:
        log("9 decision in memory")
        results += _publish("9-decision", args.scale, decision_bench.run(log))
    if "delivery" in wanted:
        log(f"3 delivery: {scale['mails']:,} reminders")
        results += _publish("3-delivery", args.scale, delivery_bench.run(scale["mails"], log))
    if "size" in wanted:
        log(f"6 size: {scale['size_cycles']} municipalities through a whole cycle")
        results += _publish("6-size", args.scale, size_bench.run(scale["size_cycles"], log))
    results.sort(key=lambda r: r.bench)  # by benchmark number; stable within one
    if set(ALL) <= wanted:
        (RESULTS / "table.md").write_text(table(results) + "\n", encoding="utf-8")
    log("")
    log(table(results))
    log(f"\n{time.perf_counter() - began:.0f} s; JSON in {RESULTS}")
    return 0


def _database_benchmarks(tmp: Path, scale_name: str, scale: dict, wanted: set[str]) -> list[Result]:
    """The benchmarks on seeded national-scale files: sweep, start-up and memory read them
    (undoing their sweeps), then the transition benchmark advances cycles in them."""
    if not wanted & {"transitions", "sweep", "startup", "memory"}:
        return []
    sizes = scale["sizes"]
    due = sizes[-1] // 100
    seeded: dict[int, Seeded] = {}
    for n in sizes if wanted & {"transitions", "sweep", "memory"} else sizes[:1]:
        seeded[n] = seed(tmp / f"cycles-{n}.db", n, due)
        log(f"seeded {n:,} cycles ({due} with a reminder due) in {seeded[n].seconds:.1f} s")
    results: list[Result] = []
    if "sweep" in wanted:
        log(f"2 sweep: {due} due reminders in N = {', '.join(f'{n:,}' for n in seeded)} running cycles")
        sweep_results, curve = sweep_bench.run(seeded, log)
        sweep_bench.profile(seeded[max(seeded)], RESULTS / "profile-sweep.txt")
        results += _publish("2-sweep", scale_name, sweep_results, {"curve": curve})
    if "startup" in wanted:
        log("4 start-up")
        results += _publish("4-startup", scale_name, startup_bench.run(seeded[min(seeded)].path, scale["runs"], log))
    if "memory" in wanted:
        log("5 memory")
        small, large = seeded[sizes[-2]], seeded[sizes[-1]]
        results += _publish("5-memory", scale_name, memory_bench.run(small, large, log))
    if "transitions" in wanted:
        curve, rows = [], []
        for n, s in seeded.items():
            log(f"1 transitions: N = {n:,}")
            got = transitions_bench.run(s.path, n, scale["transitions"], log)
            rows += got
            curve.append(got[0].details)
        largest = seeded[max(seeded)]
        transitions_bench.profile(largest.path, largest.cycles, 300, RESULTS / "profile-advance.txt")
        flat = curve[-1]["zyklus_per_s"] / curve[0]["zyklus_per_s"]
        rows.append(Result("1 transitions", f"advance/s N={curve[-1]['cycles']:,} vs N={curve[0]['cycles']:,}",
                           curve[-1]["zyklus_per_s"], "/s", curve[0]["zyklus_per_s"],
                           f"same at N={curve[0]['cycles']:,}", "must not fall", flat >= 0.85))
        results += _publish("1-transitions", scale_name, rows, {"curve": curve})
        if "sweep" in wanted:
            _plot(curve, json.loads((RESULTS / "2-sweep.json").read_text())["curve"])
    return results


def _publish(name: str, scale: str, results: list[Result], extra: dict | None = None) -> list[Result]:
    write_json(name, scale, results, extra)
    for r in results:
        log("    → " + table([r]).splitlines()[-1])
    return results


def _plot(transitions: list[dict], sweeps: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    n = [c["cycles"] for c in transitions]
    left.plot(n, [c["raw_floor_per_s"] for c in transitions], "s--", label="raw sqlite3 UPDATE+INSERT (floor)")
    left.plot(n, [c["zyklus_per_s"] for c in transitions], "o-", label="zyklus Service.advance")
    left.plot(n, [c["naive_per_s"] for c in transitions], "^:", label="naive: Machine per request")
    left.set(xscale="log", yscale="log", xlabel="running cycles N", ylabel="committed transitions / s",
             title="1  Persisted transitions")
    left.legend(fontsize=8)
    left.grid(True, which="both", alpha=0.3)
    n = [s["cycles"] for s in sweeps]
    right.plot(n, [s["sweep_s"] for s in sweeps], "o-", label="zyklus sweep (incl. composing mails)")
    right.plot(n, [s["find_claim_s"] for s in sweeps], "v-", label="zyklus sweep without composing")
    right.plot(n, [s["raw_floor_s"] for s in sweeps], "s--", label="raw sqlite3 claim + insert")
    right.axhline(0.5, color="grey", lw=0.8, ls="-.", label="goal 0.5 s")
    right.set(xscale="log", xlabel="running cycles N", ylabel="seconds per sweep",
              title=f"2  Reminder sweep, {sweeps[0]['due']:,} due reminders")
    right.set_ylim(bottom=0)
    right.legend(fontsize=8)
    right.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    DOCS.mkdir(exist_ok=True)
    fig.savefig(DOCS / "benchmarks.png", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
