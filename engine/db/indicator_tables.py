"""Tables of the action programme and its monitoring: goals, measures, indicators and their values.

Goals, measures and indicator definitions belong to one cycle, because each cycle's action
programme may revise them (a new cycle copies them, see ``engine.indicators.carry_over``).
Indicator *values* belong to the municipality and the indicator's key, not to a cycle: the
weather-symbol method looks back five years, which is longer than most cycles.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

DIRECTIONS = ("increase", "decrease", "band")
GOAL_LEVELS = ("guideline", "strategic", "operative")
"""The nesting GNK practice uses (domain.md §1.5): a thematic Leitlinie, its strategic goals,
their operative goals; measures hang from any of them, usually from an operative goal."""
PARENT_LEVEL = {"strategic": "guideline", "operative": "strategic"}
"""The level a goal's parent must have; a Leitlinie has none."""
MEASURE_STATUSES = ("planned", "in_progress", "done", "delayed", "dropped")
OPEN_MEASURE_STATUSES = ("planned", "in_progress", "delayed")
DEFAULT_VALUES_DUE = "03-31"
"""Last year's value of an indicator is due on 31 March unless the indicator says otherwise: most
municipal statistics (and the BISKO balance) for a year are ready in the first quarter after it."""


class ProgrammeItem(SQLModel):
    """What goals, indicators and measures share: a key unique within one cycle's programme
    (each table declares that constraint itself; a constraint object belongs to one table)."""

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    key: str = Field(max_length=64)


class Goal(ProgrammeItem, table=True):
    """A Leitlinie, strategic or operative goal of the action programme, inside one theme field.

    One table for the three levels rather than three tables: they share every column, measures
    and indicators may hang from any level, and the tree is a parent reference checked by the
    programme (a strategic goal under a Leitlinie, an operative goal under a strategic goal).
    Goals from before the levels are strategic goals without a parent."""

    __table_args__ = (UniqueConstraint("cycle_id", "key"),)

    title: str = Field(max_length=300)
    theme_field: str = Field(max_length=200)
    level: str = Field(default="strategic", max_length=12, sa_column_kwargs={"server_default": "strategic"})
    """guideline | strategic | operative"""
    parent_id: int | None = Field(default=None, foreign_key="goal.id")
    target_year: int | None = None
    """The year an operative goal is to be reached by."""
    sdg: int | None = None
    """The SDG goal, 1–17, the goal contributes to."""
    sdg_target: str | None = Field(default=None, max_length=8)
    """The SDG sub-target, e.g. "7.2"."""
    created_at: dt.datetime


class Indicator(ProgrammeItem, table=True):
    """An indicator as the cycle's action programme defines it (domain.md §2.5)."""

    __table_args__ = (UniqueConstraint("cycle_id", "key"),)

    name: str = Field(max_length=200)
    sdg: int
    """The SDG goal, 1–17."""
    sdg_target: str | None = Field(default=None, max_length=8)
    """The SDG sub-target it measures, e.g. "7.2"."""
    unit: str = Field(max_length=80)
    decimals: int = 1
    direction: str = Field(max_length=10)
    """increase | decrease | band (keep the value between band_low and band_high; equal bounds: move
    towards that one value and hold it, as for the parity of women in the council)"""
    band_low: float | None = None
    band_high: float | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    source: str | None = Field(default=None, max_length=300)
    """Where the values come from (e.g. "Wegweiser Kommune / INKAR")."""
    theme_field: str | None = Field(default=None, max_length=200)
    goal_id: int | None = Field(default=None, foreign_key="goal.id")
    definition: str | None = Field(default=None, sa_column=Column(Text))
    catalogue_id: str | None = Field(default=None, max_length=64)
    """The starter-catalogue entry it was adopted from, if any."""
    values_due: str = Field(default=DEFAULT_VALUES_DUE, max_length=5,
                            sa_column_kwargs={"server_default": DEFAULT_VALUES_DUE})
    """MM-DD: the day each year by which the previous year's value should be recorded; the
    reminders (notifications/monitoring.py) ask for it. Rows from before the column got 03-31."""
    publication_lag: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    """Years from a value's year to its publication: the reminder of a due day in year Y asks
    for the value of Y − publication_lag (engine.indicators.spec.DEFAULT_PUBLICATION_LAG)."""
    created_at: dt.datetime


class IndicatorTarget(SQLModel, table=True):
    __tablename__ = "indicator_target"
    __table_args__ = (UniqueConstraint("indicator_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    year: int
    value: float


class IndicatorValue(SQLModel, table=True):
    """One observed yearly value; recording the same year again corrects it."""

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("municipality_id", "key", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    key: str = Field(max_length=64)
    year: int
    value: float
    source: str | None = Field(default=None, max_length=300)
    recorded_by: str = Field(max_length=254)
    recorded_at: dt.datetime


class Measure(ProgrammeItem, table=True):
    __table_args__ = (UniqueConstraint("cycle_id", "key"),)

    title: str = Field(max_length=300)
    goal_id: int | None = Field(default=None, foreign_key="goal.id")
    theme_field: str | None = Field(default=None, max_length=200)
    responsible: str | None = Field(default=None, max_length=200)
    """An office or function, never a private person's name (it appears in the public report)."""
    status: str = Field(default="planned", max_length=20)
    """planned | in_progress | done | delayed | dropped"""
    status_on: dt.date
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    started_on: dt.date | None = None
    finished_on: dt.date | None = None
    """The day it was done or dropped."""
    costs: float | None = None
    """Planned costs in euros: with ``staff`` the measure's resource planning."""
    staff: float | None = None
    """Planned staff in full-time equivalents."""
    progress: int | None = None
    """Progress in per cent, 0–100, as the responsible office reports it."""
    carried_from_id: int | None = Field(default=None, foreign_key="measure.id")
    created_at: dt.datetime


class MeasureIndicator(SQLModel, table=True):
    """Which indicators a measure is meant to move (many to many, within one cycle)."""

    __tablename__ = "measure_indicator"
    __table_args__ = (UniqueConstraint("measure_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)


class MeasureEvent(SQLModel, table=True):
    """Append-only log of a measure's status changes: who said what, when."""

    __tablename__ = "measure_event"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measure.id", index=True)
    on: dt.date
    status: str = Field(max_length=20)
    actor: str = Field(max_length=254)
    note: str | None = Field(default=None, sa_column=Column(Text))
    at: dt.datetime
