"""Semantic checks of a definition that the schema alone cannot express.

Structure (reachability, dead ends, a way to completion), references (phases, facts, fields,
roles, guard types), transitions that could never fire, and suspicious-but-legal findings
reported as warnings. Pure functions of a validated :class:`Definition`.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import ValidationError

from engine.definitions.model import COMPLETED, Definition, GuardSpec, Transition
from engine.definitions.schema_errors import schema_findings
from engine.roles import ROLES

Finding = tuple[str, str, bool]  # (key path, message, is_warning)


def check_definition(d: Definition, *, structure: bool = True) -> list[Finding]:
    """Every finding; ``structure=False`` leaves out the graph checks, for a definition from
    which invalid entries were pruned (its graph would report what is only missing)."""
    found = list(_references(d)) + list(_shadowed(d))
    # A transition to a misspelt phase makes half the graph unreachable; reporting all of that
    # would bury the one line that matters, so the graph is checked once the names are right.
    if structure and not any(path.endswith((".source", ".dest")) or path in ("initial", "restart.phase")
                             for path, _, _ in found):
        found += list(_structure(d))
    return found + list(_warnings(d))


def _roles(path: str, roles: tuple[str, ...]) -> Iterator[Finding]:
    for i, role in enumerate(roles):
        if role not in ROLES:
            yield f"{path}[{i}]", f"unknown role {role!r}; roles: {', '.join(ROLES)}", False


def _guard_params(spec: GuardSpec):
    """The guard's parsed parameters, or None when its type or parameters are invalid (reported
    by :func:`_references`)."""
    from engine.guards import REGISTRY, parse_params

    if spec.type not in REGISTRY:
        return None
    try:
        return parse_params(spec)
    except ValidationError:
        return None


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
        if not tr.roles:
            yield f"{base}.roles", "empty: nobody could fire this transition", False
        yield from _roles(f"{base}.roles", tr.roles)
        for gid, spec in tr.guards.items():
            gpath = f"{base}.guards.{gid}"
            if spec.type not in REGISTRY:
                yield f"{gpath}.type", f"unknown guard type {spec.type!r}; types: {', '.join(REGISTRY)}", False
                continue
            try:
                params = parse_params(spec)
            except ValidationError as exc:
                for path, message in schema_findings(exc, gpath, root=REGISTRY[spec.type].Params):
                    yield path, message, False
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
    if d.monitoring:
        yield from _roles("monitoring.roles", d.monitoring.roles)
    if d.restart and d.restart.phase not in d.phases:
        yield "restart.phase", f"unknown phase {d.restart.phase!r}", False


def _blocking(tr: Transition) -> set[str]:
    """A transition's blocking guards as comparable text (what they demand, not their ids)."""
    return {f"{spec.type} {sorted(spec.params.items())!r}" for spec in tr.guards.values() if spec.severity == "block"}


def _shadowed(d: Definition) -> Iterator[Finding]:
    """Two transitions with the same trigger from the same phase are tried in file order. A
    later one whose roles and blocking guards the earlier one covers can never fire: whenever it
    would pass, the earlier one passes first. That is a duplicate, usually a copy left behind."""
    items = list(d.transitions.items())
    for i, (tid, tr) in enumerate(items):
        for earlier_id, earlier in items[:i]:
            if (earlier.trigger, earlier.source) != (tr.trigger, tr.source):
                continue
            if set(tr.roles) <= set(earlier.roles) and _blocking(earlier) <= _blocking(tr):
                yield (f"transitions.{tid}",
                       f"duplicate of transitions.{earlier_id}: same trigger {tr.trigger!r} from {tr.source!r} "
                       "and no guard or role that tells them apart, so it could never fire", False)
                break


def _structure(d: Definition) -> Iterator[Finding]:
    graph: dict[str, set[str]] = {p: set() for p in d.phases}
    for tr in d.transitions.values():
        if tr.source in graph:
            graph[tr.source].add(tr.dest)
    starts = [d.initial] + ([d.restart.phase] if d.restart else [])
    reachable = _reach(graph, starts)
    origin = f"the initial phase {d.initial!r}"
    if d.restart and d.restart.phase != d.initial:
        origin += f" or the restart phase {d.restart.phase!r}"
    for pid in d.phases:
        if pid not in reachable:
            yield f"phases.{pid}", f"unreachable from {origin}", False
        elif not graph[pid]:
            yield (f"phases.{pid}", "no transition leads out of this phase: a cycle here could never "
                   "complete, so no restart would ever begin the next one", False)
    if COMPLETED not in _reach(graph, [d.initial]) and d.initial in d.phases:
        yield "transitions", f"no path from {d.initial!r} to {COMPLETED!r} (evaluation must end the cycle)", False
    dead = [p for p in reachable if p in graph and COMPLETED not in _reach(graph, [p])]
    for pid in sorted(dead, key=list(d.phases).index):
        if graph[pid]:
            yield f"phases.{pid}", f"no path from here to {COMPLETED!r}", False


def _reach(graph: dict[str, set[str]], starts: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(graph.get(node, ()))
    return seen


# Roles nest (coordination ⊂ core team ⊂ steering group): a count of a group includes the
# groups inside it, so "at least 3 coordinators" also means "at least 3 in the core team".
_INSIDE: dict[str, tuple[str, ...]] = {
    "coordination": ("coordination",),
    "core_team": ("core_team", "coordination"),
    "steering_group": ("steering_group", "core_team", "coordination"),
    "mayor_office": ("mayor_office",),
}


def _role_bounds(tr: Transition) -> dict[str, tuple[int, str]]:
    """Per role, the highest minimum the transition's blocking role guards demand, and where."""
    from engine.guards import RoleCount

    demands: dict[str, tuple[int, str]] = {}
    for gid, spec in tr.guards.items():
        params = _guard_params(spec)
        if spec.severity == "block" and isinstance(params, RoleCount.Params):
            if params.min > demands.get(params.role, (0, ""))[0]:
                demands[params.role] = (params.min, gid)
    return demands


def _warnings(d: Definition) -> Iterator[Finding]:
    from engine.guards import REGISTRY, RoleCount

    for pid, phase in d.phases.items():
        if phase.reminders is None or phase.reminders.silent:
            yield f"phases.{pid}.reminders", "phase has no reminders: nobody is told when it is due", True
    for tid, tr in d.transitions.items():
        demands = _role_bounds(tr)
        for gid, spec in tr.guards.items():
            params = _guard_params(spec)
            if params is None:
                continue
            reason = REGISTRY[spec.type].never_met(params)
            if reason is None and isinstance(params, RoleCount.Params) and params.max is not None:
                for inner in _INSIDE[params.role]:
                    need, other = demands.get(inner, (0, ""))
                    if need > params.max and other != gid:
                        reason = (f"guards.{other} requires at least {need} {inner}, "
                                  f"which all count as {params.role} (max {params.max})")
                        break
            if reason:
                yield f"transitions.{tid}.guards.{gid}", f"can never be met: {reason}", True
    if d.restart is None:
        yield "restart", "no restart rule: a completed cycle does not begin again", True
