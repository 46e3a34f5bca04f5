"""Benchmark 5: peak resident memory of a sweeping zyklus process over N cycles.

The process is the real command, `zyklus remind --now …` — the same ``Sweeper.sweep`` that
`zyklus serve` ticks — over a seeded file, delivering to a maildir. Its peak RSS comes from
``os.wait4`` (the kernel's ``ru_maxrss`` for exactly that child). The baseline is the same
sweep over the smaller database: memory must follow what is due, not how many cycles exist.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.common import NOW, Result, bench_env, zyklus_command
from bench.seed import Seeded, reset_due


# Linux counts the pages a child shares with its parent right after fork in its ru_maxrss, so
# the benchmark process (hundreds of MB by now) would inflate every figure. A small launcher
# process forks the measured command instead and reports that child's peak.
PROBE = ("import os, subprocess, sys\n"
         "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
         "_, status, usage = os.wait4(p.pid, 0)\n"
         "print(usage.ru_maxrss, os.waitstatus_to_exitcode(status))\n")


def peak_rss_mb(cmd: list[str], cwd: Path) -> float:
    probe = subprocess.run([sys.executable, "-c", PROBE, *cmd], cwd=cwd, env=bench_env(), capture_output=True,
                           text=True, check=True)
    peak_kib, code = probe.stdout.split()
    if code != "0":
        raise RuntimeError(f"{cmd} failed: {probe.stderr[-2000:]}")
    return int(peak_kib) / 1024  # ru_maxrss is in KiB on Linux


def sweep_peak(seeded: Seeded) -> float:
    reset_due(seeded.path, seeded.due_timer_ids)
    with tempfile.TemporaryDirectory(prefix="zyklus-bench-mem-") as cwd:
        Path(cwd, "config.toml").write_text('[mail]\nmaildir = "mail"\n', encoding="utf-8")
        peak = peak_rss_mb([*zyklus_command(), "--db", f"sqlite:///{seeded.path}", "remind", "--now",
                            NOW.isoformat()], Path(cwd))
    reset_due(seeded.path, seeded.due_timer_ids)
    return peak


def run(small: Seeded, large: Seeded, log: Callable[[str], None]) -> list[Result]:
    with tempfile.TemporaryDirectory() as cwd:
        bare = peak_rss_mb([sys.executable, "-c", "pass"], Path(cwd))
        help_mb = peak_rss_mb([*zyklus_command(), "--help"], Path(cwd))
    small_mb, large_mb = sweep_peak(small), sweep_peak(large)
    log(f"    peak RSS: python {bare:.0f} MB, zyklus --help {help_mb:.0f} MB, sweep N={small.cycles:,} "
        f"{small_mb:.0f} MB, sweep N={large.cycles:,} {large_mb:.0f} MB ({len(large.due_timer_ids)} due each)")
    details = {"python_pass_mb": bare, "help_mb": help_mb, "sweep_small_mb": small_mb, "sweep_large_mb": large_mb,
               "small_cycles": small.cycles, "large_cycles": large.cycles, "due": len(large.due_timer_ids)}
    return [
        Result("5 memory", f"peak RSS, sweep over N={large.cycles:,}", large_mb, "MB", small_mb,
               f"same sweep, N={small.cycles:,}", "< 250 MB, flat in N",
               large_mb < 250 and large_mb < 1.2 * small_mb, higher_is_better=False, details=details),
    ]
