"""The engine's tables. The database row is the truth; the state machine only executes.

Dates a coordinator gives (``on``) are ``date`` columns in local business time; moments the
system records (``at``) are UTC datetimes from the injected clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ags: str = Field(max_length=8, unique=True, index=True)
    name: str = Field(max_length=200)
    state: str = Field(max_length=2)
    kind: str = Field(max_length=20)
    catholic_holidays: bool = False
    """Whether holidays of predominantly Catholic municipalities apply (Fronleichnam in TH)."""
    created_at: dt.datetime


class Person(SQLModel, table=True):
    # Addresses are stored in lower case (engine.validate.email says why); the check makes the
    # unique key case-insensitive, whatever code writes the row.
    __table_args__ = (UniqueConstraint("municipality_id", "email"),
                      CheckConstraint("email = lower(email)", name="ck_person_email_lower"))

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254, index=True)
    roles: list[str] = Field(sa_column=Column(JSON, nullable=False))
    organisation: str | None = Field(default=None, max_length=200)
    consent_publish: bool = False
    """Art. 6(1)(a) GDPR: the name may appear in published reports only with this consent."""
    language: str = Field(default="de", max_length=2)
    digest: bool = False
    created_at: dt.datetime


class DefinitionVersion(SQLModel, table=True):
    """A resolved definition as first used; cycles pin it so editing a file never moves them."""

    __tablename__ = "definition_version"
    id: int | None = Field(default=None, primary_key=True)
    variant: str = Field(max_length=100, index=True)
    version: str = Field(max_length=64, unique=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime


class Cycle(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("municipality_id", "number"),
        Index("ix_cycle_restart_due", "status", "restart_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    number: int
    definition_id: int = Field(foreign_key="definition_version.id")
    phase: str = Field(max_length=100)
    phase_entered_on: dt.date
    due_on: dt.date | None = None
    status: str = Field(default="running", max_length=20)
    """running | completed"""
    started_on: dt.date
    completed_on: dt.date | None = None
    restart_on: dt.date | None = None
    """When the next cycle is due to begin; cleared once it has begun."""
    previous_cycle_id: int | None = Field(default=None, foreign_key="cycle.id")
    lock_version: int = 1
    """Optimistic lock: every change is a compare-and-set on this column."""


class Fact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    type: str = Field(max_length=100)
    fields: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    on: dt.date
    phase: str = Field(max_length=100)
    actor: str = Field(max_length=254)
    recorded_at: dt.datetime


class History(SQLModel, table=True):
    """Append-only record of everything that moved a cycle: who, when, from where to where, why."""

    __table_args__ = (UniqueConstraint("cycle_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    seq: int
    at: dt.datetime
    on: dt.date
    actor: str = Field(max_length=254)
    kind: str = Field(max_length=20)
    """start | transition | complete | deadline | fact | migrate"""
    trigger: str | None = Field(default=None, max_length=100)
    from_phase: str | None = Field(default=None, max_length=100)
    to_phase: str | None = Field(default=None, max_length=100)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


# The action programme's tables (goals, measures, indicators) live in their own module; importing
# it here registers them wherever the engine's tables are registered (create_schema, migrations).
from engine.db import indicator_tables as _indicator_tables  # noqa: E402,F401
from engine.db import meeting_tables as _meeting_tables  # noqa: E402,F401
from engine.db import rating_tables as _rating_tables  # noqa: E402,F401
from engine.db import report_tables as _report_tables  # noqa: E402,F401
from engine.db import run_tables as _run_tables  # noqa: E402,F401
