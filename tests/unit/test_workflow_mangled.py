"""Mangled definitions never crash validation: each one validates or yields one-line messages.

Hypothesis starts from the shipped files, then deletes keys, swaps types, injects unknown names
and random strings, renames tables, and garbles the TOML text itself. Whatever comes out, the
loader must answer with `file: key.path: what is wrong` lines, never with a traceback; and what
it accepts must be showable and simulatable.
"""

from __future__ import annotations

import itertools

import datetime as dt
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.definitions.loader import SHIPPED_DIR, Catalog
from engine.workflow_view import render_mermaid, render_text, resolved
from notifications.simulation import simulate

SHIPPED = {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in sorted(SHIPPED_DIR.glob("*.toml"))}
CHILDREN = {name: [n for n, raw in SHIPPED.items() if raw.get("extends") == name] for name in SHIPPED}
NAMES = ["completed", "setup", "inventory", "participation", "kommune", "gnk-thueringen", "coordination", "mayor",
         "fact_recorded", "role_count", "council_resolution", "remove", "type", "extends", "label", "de"]
DURATIONS = ["P0D", "P3M", "P1Y2M3W4D", "P99999Y", "P", "PT1H", "p14d", "-P1D", "P2W", "9" * 30]

text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)
scalars = st.one_of(text, st.integers(-2**40, 2**40), st.floats(allow_nan=False, allow_infinity=False),
                    st.booleans(), st.dates(min_value=dt.date(1, 1, 1)), st.sampled_from(NAMES + DURATIONS))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
                      max_leaves=6)
OPS = ("delete", "replace", "inject", "rename", "swap", "remove_true")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*prefix, key))
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.append((*prefix, i))
            out += _paths(value, (*prefix, i))
    return out


def _swap(value: Any) -> Any:
    """The same content in the wrong type: what an administrator's typo often produces."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return value[0] if value else ""
    if isinstance(value, dict):
        return list(value.values()) or "table"
    return str(value)


def _mutate(raw: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    import copy

    doc = copy.deepcopy(raw)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        paths = _paths(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        *head, last = path
        parent: Any = doc
        for part in head:
            parent = parent[part]
        op = data.draw(st.sampled_from(OPS), label="op")
        if op == "delete":
            del parent[last]
        elif op == "replace":
            parent[last] = data.draw(values, label="value")
        elif op == "swap":
            parent[last] = _swap(parent[last])
        elif op == "remove_true":
            parent[last] = {"remove": True}
        elif isinstance(parent, dict) and op == "inject":
            parent[data.draw(text | st.sampled_from(NAMES), label="key")] = data.draw(values, label="value")
        elif isinstance(parent, dict) and op == "rename":
            parent[data.draw(text | st.sampled_from(NAMES), label="new name")] = parent.pop(last)
    return doc


def _assert_answer(catalog: Catalog, name: str, file_names: set[str]) -> None:
    definition, problems = catalog.check(name)
    for problem, lang in itertools.product(problems, ("de", "en")):
        line = problem.line(lang)
        assert "\n" not in line and "\r" not in line, line
        assert problem.file in file_names, line
        assert problem.message.render(lang).strip(), line
    errors = [p for p in problems if not p.warning]
    if definition is None:
        assert errors, "refused without saying why"
        return
    assert not errors
    render_text(definition, "de")
    render_mermaid(definition, "en")
    resolved(definition)
    simulate(definition, dt.date(2027, 1, 4), "TH")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SHIPPED)), data=st.data())
def test_mangled_definitions_validate_or_yield_one_line_messages(name: str, data: st.DataObject) -> None:
    mangled = _mutate(SHIPPED[name], data)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, f"{name}.toml").write_text(tomli_w.dumps(mangled), encoding="utf-8")
        catalog = Catalog([Path(folder)])
        files = {f"{name}.toml", *(f"{child}.toml" for child in CHILDREN[name])}
        _assert_answer(catalog, name, files)
        for child in CHILDREN[name]:  # a broken parent must be reported through its children too
            _assert_answer(catalog, child, files)


@given(name=st.sampled_from(sorted(SHIPPED)), cuts=st.lists(st.tuples(st.floats(0, 1), text), min_size=1, max_size=3))
def test_garbled_toml_text_is_reported_with_line_and_column(name: str, cuts: list[tuple[float, str]]) -> None:
    source = (SHIPPED_DIR / f"{name}.toml").read_text(encoding="utf-8")
    for where, insert in cuts:
        at = int(where * len(source))
        source = source[:at] + insert + source[at + len(insert) // 2:]
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, f"{name}.toml").write_text(source, encoding="utf-8")
        definition, problems = Catalog([Path(folder)]).check(name)
        malformed = [p.line("en") for p in problems if "malformed TOML" in p.message.render("en")]
        for line in malformed:
            assert line.startswith(f"{name}.toml: malformed TOML at "), line
            assert " line " in line or "end of file" in line, line
        _assert_answer(Catalog([Path(folder)]), name, {f"{name}.toml"})
