"""Semantic checks of a definition that the schema alone cannot express.

Structure (reachability, dead ends, a way to completion), references (phases, facts, fields,
roles, guard types), transitions that could never fire, and suspicious-but-legal findings
reported as warnings. Pure functions of a validated :class:`Definition`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from pydantic import ValidationError

from engine.definitions.model import COMPLETED, Definition, GuardSpec, Transition
from engine.definitions.schema_errors import schema_findings
from engine.i18n import Message, m
from engine.roles import ROLES


class Finding(NamedTuple):
    """One problem of a definition. The message is a key with parameters, not a sentence: the
    command line, the door and a JSON client each say it in their own reader's language."""

    path: str
    message: Message
    warning: bool = False


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
            yield Finding(f"{path}[{i}]", m("definition.unknown_role", "de", role=role, roles=", ".join(ROLES)))


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


def _where_values(gpath: str, fields: dict[str, Any], where: dict[str, tuple[str, ...]]) -> Iterator[Finding]:
    """A ``where`` value a choice field can never hold would make the guard unmeetable."""
    for name, values in where.items():
        spec = fields.get(name)
        if spec is None or spec.type != "choice":
            continue
        for value in values:
            if value not in spec.choice_values:
                yield Finding(f"{gpath}.where.{name}", m("definition.guard.where_unknown_choice", "de", value=value,
                                                         field=name, allowed=", ".join(spec.choice_values)))


def _references(d: Definition) -> Iterator[Finding]:
    from engine.guards import REGISTRY, parse_params

    if d.initial not in d.phases:
        yield Finding("initial", _unknown_phase(d.initial))
    if COMPLETED in d.phases:
        yield Finding(f"phases.{COMPLETED}", m("definition.completed_reserved", "de", phase=COMPLETED))
    for tid, tr in d.transitions.items():
        base = f"transitions.{tid}"
        if tr.source not in d.phases:
            yield Finding(f"{base}.source", _unknown_phase(tr.source))
        if tr.dest not in d.phases and tr.dest != COMPLETED:
            yield Finding(f"{base}.dest", _unknown_phase(tr.dest))
        if not tr.roles:
            yield Finding(f"{base}.roles", m("definition.no_roles", "de"))
        yield from _roles(f"{base}.roles", tr.roles)
        for gid, spec in tr.guards.items():
            gpath = f"{base}.guards.{gid}"
            if spec.type not in REGISTRY:
                yield Finding(f"{gpath}.type", m("definition.unknown_guard_type", "de", type=spec.type,
                                                 types=", ".join(REGISTRY)))
                continue
            try:
                params = parse_params(spec)
            except ValidationError as exc:
                for path, message in schema_findings(exc, gpath, root=REGISTRY[spec.type].Params):
                    yield Finding(path, message)
                continue
            kind = REGISTRY[spec.type]
            fact, fields, _role = kind.references(params)
            if fact is not None and fact not in d.facts:
                yield Finding(f"{gpath}.fact", m("definition.unknown_fact", "de", fact=fact))
            elif fact is not None:
                for field in fields:
                    if field not in d.facts[fact].fields:
                        yield Finding(f"{gpath}.fields", m("definition.unknown_field", "de", fact=fact, field=field))
                yield from _where_values(gpath, d.facts[fact].fields, getattr(params, "where", {}))
            for other, other_fields in kind.also_references(params):
                if other not in d.facts:
                    yield Finding(f"{gpath}.of_fact", m("definition.unknown_fact", "de", fact=other))
                    continue
                for field in other_fields:
                    if field not in d.facts[other].fields:
                        yield Finding(f"{gpath}.of_field", m("definition.unknown_field", "de", fact=other, field=field))
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
        yield Finding("restart.phase", _unknown_phase(d.restart.phase))


def _unknown_phase(phase: str) -> Message:
    """Four places name a phase: one code for all of them, whichever key path it stands at."""
    return m("definition.unknown_phase", "de", phase=phase)


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
                yield Finding(f"transitions.{tid}", m("definition.shadowed", "de", earlier=f"transitions.{earlier_id}",
                                                      trigger=tr.trigger, source=tr.source))
                break


def _structure(d: Definition) -> Iterator[Finding]:
    graph: dict[str, set[str]] = {p: set() for p in d.phases}
    for tr in d.transitions.values():
        if tr.source in graph:
            graph[tr.source].add(tr.dest)
    starts = [d.initial] + ([d.restart.phase] if d.restart else [])
    reachable = _reach(graph, starts)
    restart = d.restart.phase if d.restart and d.restart.phase != d.initial else None
    for pid in d.phases:
        if pid not in reachable and restart is None:
            yield Finding(f"phases.{pid}", m("definition.unreachable", "de", initial=d.initial))
        elif pid not in reachable:
            yield Finding(f"phases.{pid}", m("definition.unreachable_or_restart", "de", initial=d.initial,
                                             restart=restart))
        elif not graph[pid]:
            yield Finding(f"phases.{pid}", m("definition.dead_end", "de"))
    if COMPLETED not in _reach(graph, [d.initial]) and d.initial in d.phases:
        yield Finding("transitions", m("definition.no_completion", "de", initial=d.initial, completed=COMPLETED))
    dead = [p for p in reachable if p in graph and COMPLETED not in _reach(graph, [p])]
    for pid in sorted(dead, key=list(d.phases).index):
        if graph[pid]:
            yield Finding(f"phases.{pid}", m("definition.no_path_to_completion", "de", completed=COMPLETED))


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
            yield Finding(f"phases.{pid}.reminders", m("definition.no_reminders", "de"), True)
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
                        reason = m("definition.guard.nested_roles", "de", guard=f"guards.{other}", need=need,
                                   inner=inner, role=params.role, max=params.max)
                        break
            if reason:
                yield Finding(f"transitions.{tid}.guards.{gid}", m("definition.never_met", "de", reason=reason), True)
    if d.restart is None:
        yield Finding("restart", m("definition.no_restart", "de"), True)
