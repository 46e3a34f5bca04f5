"""Roles nest as the seeds say: coordination ⊂ core_team ⊂ steering_group."""

from __future__ import annotations

import pytest

from engine.roles import ROLES, count_by_role, effective_roles


@pytest.mark.parametrize(("held", "counts_in"), [
    (["coordination"], {"coordination", "core_team", "steering_group"}),
    (["core_team"], {"core_team", "steering_group"}),
    (["steering_group"], {"steering_group"}),
    (["mayor_office"], {"mayor_office"}),
    (["mayor_office", "core_team"], {"mayor_office", "core_team", "steering_group"}),
    ([], set()),
])
def test_effective_roles(held: list[str], counts_in: set[str]) -> None:
    assert effective_roles(held) == counts_in


def test_a_coordinator_counts_in_all_three_groups_once() -> None:
    counts = count_by_role([["coordination"], ["coordination", "core_team", "steering_group"],
                            ["core_team"], ["steering_group"], ["mayor_office"]])
    assert counts == {"coordination": 2, "core_team": 3, "steering_group": 4, "mayor_office": 1}


def test_every_role_is_counted_even_when_nobody_holds_it() -> None:
    assert count_by_role([]) == dict.fromkeys(ROLES, 0)


def test_unknown_role_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        effective_roles(["mayor"])
