"""An immutable view of one cycle, loaded in one read, on which guards are evaluated.

Guards see only this snapshot, never the database, so ``status`` can list unmet conditions
without side effects and a property test can replay a cycle without a session.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class StoredFields(Mapping[str, Any]):
    """A fact's fields as the database holds them (JSON text), decoded on first use: the overview
    of thousands of cycles reads every fact of every cycle, but only a ``fields_present`` guard
    looks inside one, and decoding them all was a fifth of that read."""

    __slots__ = ("_text", "_decoded")

    def __init__(self, text: str) -> None:
        self._text = text
        self._decoded: dict[str, Any] | None = None

    def _fields(self) -> dict[str, Any]:
        if self._decoded is None:
            self._decoded = json.loads(self._text)
        return self._decoded

    def __getitem__(self, name: str) -> Any:
        return self._fields()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields())

    def __len__(self) -> int:
        return len(self._fields())


@dataclass(frozen=True)
class FactView:
    type: str
    fields: Mapping[str, Any]
    on: dt.date


@dataclass(frozen=True)
class GoalView:
    """A goal of the programme as the structure guard sees it: its level and theme field."""

    key: str
    level: str
    theme_field: str


@dataclass(frozen=True)
class MeasureView:
    """A measure as the structure guard sees it: its theme field (its own or its goal's) and
    whether it plans resources (costs or staff)."""

    key: str
    theme_field: str | None
    resourced: bool


@dataclass(frozen=True)
class ProgrammeShape:
    """The cycle's action programme as a structure (goals by level, measures), without titles."""

    goals: tuple[GoalView, ...] = ()
    measures: tuple[MeasureView, ...] = ()


@dataclass(frozen=True)
class CycleSnapshot:
    number: int
    phase: str
    facts: tuple[FactView, ...] = ()
    role_counts: Mapping[str, int] = field(default_factory=dict)
    held_meetings: Mapping[str, int] = field(default_factory=dict)
    """Held meetings of this cycle by working structure (engine/meetings.py)."""
    programme: ProgrammeShape = ProgrammeShape()

    def facts_of(self, fact_type: str) -> list[FactView]:
        return [f for f in self.facts if f.type == fact_type]
