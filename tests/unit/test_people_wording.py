"""Guard messages count people the way a German (or English) sentence does."""

from __future__ import annotations

import pytest

from engine.definitions.model import GuardSpec
from engine.definitions.loader import Catalog
from engine.guards import evaluate
from engine.snapshot import CycleSnapshot


@pytest.mark.parametrize("params, count, lang, expected", [
    ({"role": "coordination", "min": 1}, 0, "de", "Koordination: mindestens 1 Person nötig, registriert sind 0."),
    ({"role": "coordination", "min": 2}, 1, "de", "Koordination: mindestens 2 Personen nötig, registriert sind 1."),
    ({"role": "coordination", "min": 1, "max": 1}, 3, "de", "Koordination: genau 1 Person vorgesehen, registriert sind 3."),
    ({"role": "core_team", "max": 1}, 2, "de", "Kernteam: höchstens 1 Person vorgesehen, registriert sind 2."),
    ({"role": "coordination", "min": 1}, 0, "en", "Coordination: at least 1 person needed, 0 registered."),
    ({"role": "coordination", "min": 2}, 0, "en", "Coordination: at least 2 people needed, 0 registered."),
])
def test_role_count_messages(params: dict, count: int, lang: str, expected: str) -> None:
    definition = Catalog().load("kommune")
    snapshot = CycleSnapshot(number=1, phase="setup", role_counts={params["role"]: count})
    result = evaluate("g", GuardSpec(type="role_count", **params), snapshot, definition, lang)  # type: ignore[arg-type]
    assert result.message == expected
