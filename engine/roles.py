"""The roles of the working structures and how they nest.

The seeds define Koordination ⊂ Kernteam ⊂ Steuerungsgruppe: a coordinator counts in all three
groups. ``mayor_office`` is outside the nesting: it receives escalations, it does not run the cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

ROLES: tuple[str, ...] = ("coordination", "core_team", "steering_group", "mayor_office")
STRUCTURES: tuple[str, ...] = ("coordination", "core_team", "steering_group")
"""The working structures that meet (engine/meetings.py); the mayor's office does not."""

# role -> the roles it is part of (itself included)
_PART_OF: dict[str, frozenset[str]] = {
    "coordination": frozenset({"coordination", "core_team", "steering_group"}),
    "core_team": frozenset({"core_team", "steering_group"}),
    "steering_group": frozenset({"steering_group"}),
    "mayor_office": frozenset({"mayor_office"}),
}


def effective_roles(held: Iterable[str]) -> frozenset[str]:
    """All groups a person counts in, given the roles they were registered with."""
    result: set[str] = set()
    for role in held:
        result |= _PART_OF[role]
    return frozenset(result)


def count_by_role(people_roles: Iterable[Iterable[str]]) -> dict[str, int]:
    counts = dict.fromkeys(ROLES, 0)
    for held in people_roles:
        for role in effective_roles(held):
            counts[role] += 1
    return counts
