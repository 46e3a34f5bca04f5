"""The import contracts of pyproject.toml ([tool.importlinter]) hold: the arrows only point one way."""

from __future__ import annotations

import os
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_hold(capsys) -> None:
    previous = os.getcwd()
    os.chdir(ROOT)  # import-linter reads the packages from the working directory's path
    try:
        code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    finally:
        os.chdir(previous)
    assert code == 0, capsys.readouterr().out
