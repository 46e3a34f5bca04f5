"""zyklus's benchmark suite: `python -m bench --scale small|full` (see docs/benchmarks.md)."""
