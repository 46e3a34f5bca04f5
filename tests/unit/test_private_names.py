"""Nothing calls a private method of another module (issue 10): a name with one leading
underscore defined in one file is used through an object only in that file. The door and the
engine's use cases meet through public methods, so a refactoring inside a module stays there."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "notifications", "oparl", "zyklus")
LIBRARIES = {"_make", "_body", "_asdict", "_replace", "_fields"}
"""Private-looking names that belong to other libraries' documented interfaces: a namedtuple's
``_make``/``_asdict``/``_replace``/``_fields``; Starlette's request body cache (zyklus/web/context.py
says why it is set)."""


def crossings(sources: dict[str, str]) -> list[str]:
    """``file:line: expression`` for each use, through an object other than ``self``/``cls``, of
    a private function or method that only other files define."""
    trees = {name: ast.parse(text) for name, text in sources.items()}
    defined: dict[str, set[str]] = defaultdict(set)
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("_") \
                    and not node.name.startswith("__"):
                defined[node.name].add(name)
    found = []
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr in defined) or node.attr in LIBRARIES:
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if name not in defined[node.attr]:
                found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_uses_a_private_name_another_module_defines() -> None:
    sources = {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
               for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    assert crossings(sources) == []


def test_a_call_of_another_modules_private_method_is_found_and_one_in_the_same_module_is_not() -> None:
    sources = {"programme.py": "class Programme:\n    def _editing(self):\n        return self._editing\n"
                               "def helper(p):\n    return p._editing()\n",
               "texts.py": "def write(programme):\n    return programme._editing()\n"}
    assert crossings(sources) == ["texts.py:2: programme._editing"]
