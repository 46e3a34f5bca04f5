"""Semantic checks of a definition that the schema alone cannot express.

Structure (reachability, dead ends, a way to completion), references (phases, facts, fields,
roles, guard types) and suspicious-but-legal findings reported as warnings.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import ValidationError

from engine.definitions.model import COMPLETED, Definition
from engine.roles import ROLES

Finding = tuple[str, str, bool]  # (key path, message, is_warning)


def check_definition(d: Definition) -> list[Finding]:
    return list(_references(d)) + list(_structure(d)) + list(_warnings(d))


def _roles(path: str, roles: tuple[str, ...]) -> Iterator[Finding]:
    for i, role in enumerate(roles):
        if role not in ROLES:
            yield f"{path}[{i}]", f"unknown role {role!r}; roles: {', '.join(ROLES)}", False


def _references(d: Definition) -> Iterator[Finding]:
    from engine.guards import REGISTRY, parse_params

    if d.initial not in d.phases:
        yield "initial", f"unknown phase {d.initial!r}", False
    if COMPLETED in d.phases:
        yield f"phases.{COMPLETED}", f"{COMPLETED!r} is reserved for the end of a cycle", False
    for tid, tr in d.transitions.items():
        base = f"transitions.{tid}"
        if tr.source not in d.phases:
            yield f"{base}.source", f"unknown phase {tr.source!r}", False
        if tr.dest not in d.phases and tr.dest != COMPLETED:
            yield f"{base}.dest", f"unknown phase {tr.dest!r}", False
        yield from _roles(f"{base}.roles", tr.roles)
        for gid, spec in tr.guards.items():
            gpath = f"{base}.guards.{gid}"
            if spec.type not in REGISTRY:
                yield f"{gpath}.type", f"unknown guard type {spec.type!r}; types: {', '.join(REGISTRY)}", False
                continue
            try:
                params = parse_params(spec)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ".".join(str(x) for x in err["loc"])
                    yield f"{gpath}{'.' + loc if loc else ''}", err["msg"], False
                continue
            fact, fields, _role = REGISTRY[spec.type].references(params)
            if fact is not None and fact not in d.facts:
                yield f"{gpath}.fact", f"unknown fact {fact!r}", False
            elif fact is not None:
                for field in fields:
                    if field not in d.facts[fact].fields:
                        yield f"{gpath}.fields", f"fact {fact!r} has no field {field!r}", False
    for pid, phase in d.phases.items():
        if phase.reminders:
            yield from _roles(f"phases.{pid}.reminders.roles", phase.reminders.roles)
            if phase.reminders.overdue:
                yield from _roles(f"phases.{pid}.reminders.overdue.escalate_to", phase.reminders.overdue.escalate_to)
        for rid, review in phase.reviews.items():
            yield from _roles(f"phases.{pid}.reviews.{rid}.roles", review.roles)
    for eid, event in d.events.items():
        yield from _roles(f"events.{eid}.roles", event.roles)
    if d.restart and d.restart.phase not in d.phases:
        yield "restart.phase", f"unknown phase {d.restart.phase!r}", False


def _structure(d: Definition) -> Iterator[Finding]:
    graph: dict[str, set[str]] = {p: set() for p in d.phases}
    for tr in d.transitions.values():
        if tr.source in graph:
            graph[tr.source].add(tr.dest)
    reachable = _reach(graph, [d.initial] + ([d.restart.phase] if d.restart else []))
    for pid in d.phases:
        if pid not in reachable:
            yield f"phases.{pid}", "unreachable from the initial phase", False
        elif not graph[pid]:
            yield f"phases.{pid}", "no transition leads out of this phase", False
    if COMPLETED not in _reach(graph, [d.initial]) and d.initial in d.phases:
        yield "transitions", f"no path from {d.initial!r} to {COMPLETED!r} (evaluation must end the cycle)", False
    dead = [p for p in reachable if p in graph and COMPLETED not in _reach(graph, [p])]
    for pid in dead:
        if graph[pid]:
            yield f"phases.{pid}", f"no path from here to {COMPLETED!r}", False


def _reach(graph: dict[str, set[str]], starts: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = [s for s in starts]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


def _warnings(d: Definition) -> Iterator[Finding]:
    from engine.guards import REGISTRY, parse_params

    for pid, phase in d.phases.items():
        if phase.reminders is None:
            yield f"phases.{pid}.reminders", "phase has no reminders", True
    for tid, tr in d.transitions.items():
        for gid, spec in tr.guards.items():
            if spec.type not in REGISTRY:
                continue
            try:
                reason = REGISTRY[spec.type].never_met(parse_params(spec))
            except ValidationError:
                continue
            if reason:
                yield f"transitions.{tid}.guards.{gid}", f"can never be met: {reason}", True
    if d.restart is None:
        yield "restart", "no restart rule: a completed cycle does not begin again", True
