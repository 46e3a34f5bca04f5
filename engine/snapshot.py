"""An immutable view of one cycle, loaded in one read, on which guards are evaluated.

Guards see only this snapshot, never the database, so ``status`` can list unmet conditions
without side effects and a property test can replay a cycle without a session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FactView:
    type: str
    fields: Mapping[str, Any]
    on: dt.date


@dataclass(frozen=True)
class CycleSnapshot:
    number: int
    phase: str
    facts: tuple[FactView, ...] = ()
    role_counts: Mapping[str, int] = field(default_factory=dict)

    def facts_of(self, fact_type: str) -> list[FactView]:
        return [f for f in self.facts if f.type == fact_type]
