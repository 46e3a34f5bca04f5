"""The `zyklus` console script and `python -m zyklus.main`: the command line lives in zyklus.cli."""

from __future__ import annotations

import sys

from zyklus.cli.main import app, run

__all__ = ["app", "run"]

if __name__ == "__main__":
    sys.exit(run())
