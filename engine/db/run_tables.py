"""Programme runs: a run of the GNK programme („GNK Thüringen, 3. Durchgang 2027–2029“) with its
participating municipalities, its own dated events (the network conferences), the attendance at
them and the label awarded at its end (engine/runs.py has the rules).

A municipality's cycle stays its own: a run groups municipalities for the dates they share and for
the advisor who accompanies them. Joining and leaving are dated, so the run's history shows who
took part when; a municipality may be in several runs over the years.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class ProgrammeRun(SQLModel, table=True):
    __tablename__ = "programme_run"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=100, unique=True, index=True)
    name: str = Field(max_length=300)
    organiser: str = Field(default="", max_length=300)
    state: str = Field(default="", max_length=2, sa_column_kwargs={"server_default": ""})
    """The Land the run is held in (``TH``); empty for a run added before runs had one."""
    starts_on: dt.date | None = None
    """The run's first day: the network conferences' plan counts from it."""
    ends_on: dt.date | None = None
    """The run's last day: when the label is awarded."""
    workflow: str = Field(max_length=100)
    """The workflow variant the run's municipalities follow; its ``label_award`` names the label."""
    award_requires: list[str] = Field(sa_column=Column(JSON, nullable=False))
    """The label's criteria: the facts (of the variant) that must be recorded in a participant's
    cycle, e.g. ``council_resolution`` (the strategy resolved)."""
    created_at: dt.datetime


class RunParticipant(SQLModel, table=True):
    """A municipality's time in a run: from ``joined_on`` until ``left_on`` (None: still in)."""

    __tablename__ = "run_participant"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="programme_run.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    joined_on: dt.date
    left_on: dt.date | None = None


class RunEvent(SQLModel, table=True):
    """A date of the whole run, shared by all its municipalities (a network conference)."""

    __tablename__ = "run_event"
    __table_args__ = (UniqueConstraint("run_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="programme_run.id", index=True)
    key: str = Field(max_length=100)
    """Stable within the run (``conference-1``): the CLI's handle and the calendar entry's UID."""
    kind: str = Field(default="conference", max_length=20)
    on: dt.date
    place: str = Field(default="", max_length=300)
    topic: str = Field(default="", max_length=300)
    sequence: int = 0
    """Grows when the date changes (iCalendar SEQUENCE of the entry the reminders carry)."""


class RunAttendance(SQLModel, table=True):
    """Who of a municipality attended an event: always a count, names only of people who consented."""

    __tablename__ = "run_attendance"
    __table_args__ = (UniqueConstraint("event_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="run_event.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    count: int
    names: list[str] = Field(sa_column=Column(JSON, nullable=False))
    recorded_at: dt.datetime


class RunAward(SQLModel, table=True):
    """The label awarded at the run's end: a recorded fact of the run, per municipality."""

    __tablename__ = "run_award"
    __table_args__ = (UniqueConstraint("run_id", "municipality_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="programme_run.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    on: dt.date
    by: str = Field(max_length=300)
    """The awarding organisation."""
    label: str = Field(max_length=300)
    """The label's name as awarded (German), e.g. „Global Nachhaltige Kommune Thüringen“."""
    recorded_at: dt.datetime
