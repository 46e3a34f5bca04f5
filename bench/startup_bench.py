"""Benchmark 4: wall time of starting the `zyklus` command, against the bare interpreter.

Each command runs as a fresh process (what a coordinator's shell does), median of several runs
after one warm-up run that fills the bytecode and file caches. ``status`` reads a seeded
database of the given size, so it includes opening SQLite and loading one cycle.

``PYTHONDONTWRITEBYTECODE`` is dropped from the commands' environment: with it set (as in this
project's development shells) the warm-up writes no bytecode, so every start compiled zyklus's
own modules from source again (a tenth of `status`, 1.8 s against 2.1 s CPU in one A/B), which an
installed zyklus never does.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.common import Result, bench_env, median_times, zyklus_command
from bench.seed import ags_of


def run(db: Path, runs: int, log: Callable[[str], None]) -> list[Result]:
    zyklus = zyklus_command()
    with tempfile.TemporaryDirectory(prefix="zyklus-bench-start-") as cwd:  # no config.toml here
        env = bench_env()
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed zyklus starts from bytecode
        bare, bare_cpu = median_times([sys.executable, "-c", "pass"], runs, Path(cwd), env)
        help_s, help_cpu = median_times([*zyklus, "--help"], runs, Path(cwd), env)
        status_s, status_cpu = median_times([*zyklus, "--db", f"sqlite:///{db}", "status", ags_of(1)], runs,
                                            Path(cwd), env)
    log(f"    median of {runs}, wall (CPU): python -c pass {bare * 1000:.0f} ({bare_cpu * 1000:.0f}) ms, "
        f"zyklus --help {help_s * 1000:.0f} ({help_cpu * 1000:.0f}) ms, "
        f"zyklus status {status_s * 1000:.0f} ({status_cpu * 1000:.0f}) ms")
    details = {"runs": runs, "python_pass_s": bare, "help_s": help_s, "status_s": status_s,
               "python_pass_cpu_s": bare_cpu, "help_cpu_s": help_cpu, "status_cpu_s": status_cpu, "command": zyklus}
    return [
        Result("4 start-up", "zyklus --help (wall)", help_s, "s", bare, "python -c pass", "< 0.3 s", help_s < 0.3,
               higher_is_better=False, details=details),
        Result("4 start-up", "zyklus status AGS (wall)", status_s, "s", bare, "python -c pass", "< 0.5 s",
               status_s < 0.5, higher_is_better=False, details=details),
        Result("4 start-up", "zyklus --help (CPU)", help_cpu, "s", bare_cpu, "python -c pass (CPU)", "–", None,
               higher_is_better=False, details=details),
        Result("4 start-up", "zyklus status AGS (CPU)", status_cpu, "s", bare_cpu, "python -c pass (CPU)", "–", None,
               higher_is_better=False, details=details),
    ]
