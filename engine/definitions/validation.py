"""Validating a resolved definition so that every problem is found in one run.

Pydantic stops at the schema: a definition with a misspelt duration never reaches the checks
that would also find its unknown phase. So after the schema errors are noted, the offending
entries are pruned (a bad value falls back to its default, an entry that cannot stand is removed)
and the rest is validated again, until the remainder is a definition the semantic checks can
read. Findings about what was pruned are dropped: they would only repeat the original error.
"""

from __future__ import annotations

import copy
from collections.abc import MutableMapping
from typing import Any

from pydantic import ValidationError

from engine.definitions.checks import Finding, check_definition
from engine.definitions.model import Definition
from engine.definitions.schema_errors import key_path, schema_findings

_ROUNDS = 25
_PLACEHOLDERS = {"name": "unnamed", "label": "-"}
"""Stand-ins for required top-level keys that carry no structure, so the checks can still run."""


def validate_raw(raw: dict[str, Any]) -> tuple[Definition | None, list[Finding]]:
    """The definition (None if anything is wrong) and every finding, errors and warnings."""
    try:
        return _valid(Definition.model_validate(raw))
    except ValidationError as exc:
        first = exc
    findings = [Finding(path, message) for path, message in schema_findings(first, root=Definition)]
    pruned: list[tuple[Any, ...]] = []
    data = copy.deepcopy(raw)
    exc = first
    for _ in range(_ROUNDS):
        progressed, later_round = False, exc is not first
        for err in exc.errors():
            loc = tuple(err["loc"])
            if later_round and not _touches(loc, pruned):
                # Revealed only now (a model check that runs once its fields are valid): real.
                findings += [Finding(path, message) for path, message in schema_findings([err], root=Definition)]
            target = _prune(data, loc, err["type"])
            if target is not None:
                pruned.append(target)
                progressed = True
        if not progressed:
            return None, _unique(findings)
        try:
            partial = Definition.model_validate(data)
        except ValidationError as again:
            exc = again
            continue
        kept = [f for f in check_definition(partial, structure=not _graph_changed(pruned))
                if not _mentions_pruned(f, pruned)]
        return None, _unique(findings + kept)
    return None, _unique(findings)


def _valid(definition: Definition) -> tuple[Definition | None, list[Finding]]:
    findings = check_definition(definition)
    return (None if any(not warning for _, _, warning in findings) else definition), findings


def _graph_changed(pruned: list[tuple[Any, ...]]) -> bool:
    """Whether a phase, a transition or the restart went: reachability would then be an echo."""
    return any((len(p) <= 2 and p[0] in ("phases", "transitions", "initial", "restart"))
               or p[:2] == ("restart", "phase") for p in pruned)


def _touches(loc: tuple[Any, ...], pruned: list[tuple[Any, ...]]) -> bool:
    """Whether an error lies on, above or below something already pruned (so it is an echo)."""
    clean = tuple(p for p in loc if p != "[key]")
    return any(clean[:len(p)] == p or p[:len(clean)] == clean for p in pruned)


def _prune(data: dict[str, Any], loc: tuple[Any, ...], kind: str) -> tuple[Any, ...] | None:
    """Remove what an error is about and return its location; None when nothing could go.

    A bad value is deleted so its default applies; a missing required key, or a value without a
    default, takes its whole entry (``phases.a``) with it; an array with a bad element goes whole.
    """
    clean = tuple(p for p in loc if p != "[key]")
    if kind == "missing" and len(clean) == 1:
        if clean[0] in _PLACEHOLDERS and clean[0] not in data:
            data[clean[0]] = _PLACEHOLDERS[clean[0]]
            return clean
        return None  # initial, phases or transitions missing: nothing to check the rest against
    if kind == "missing":
        clean = clean[:-1]  # the table that lacks a required key cannot stand
    while clean and isinstance(clean[-1], int):
        clean = clean[:-1]
    if not clean:
        return None
    parent: Any = data
    for part in clean[:-1]:
        if not isinstance(parent, MutableMapping) or part not in parent:
            return None
        parent = parent[part]
    if not isinstance(parent, MutableMapping) or clean[-1] not in parent:
        return None
    del parent[clean[-1]]
    return clean


def _mentions_pruned(finding: Finding, pruned: list[tuple[Any, ...]]) -> bool:
    path = finding.path
    for loc in pruned:
        where = key_path(loc)
        if path == where or path.startswith(where + ".") or path.startswith(where + "["):
            return True
        if len(loc) == 2 and loc[-1] in finding.message.params.values():
            return True  # "unknown phase 'b'" after phases.b was pruned
    return False


def _unique(findings: list[Finding]) -> list[Finding]:
    """Each finding once (a message's parameters are a dict, so they are compared as text)."""
    return list({(f.path, f.message.key, repr(f.message.params), f.warning): f for f in findings}.values())
