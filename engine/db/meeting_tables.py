"""Meetings of the working structures: the steering group's workshops above all.

A meeting belongs to one cycle of a municipality and to one working structure (coordination,
core team, steering group). Its start is a moment like every other (aware, stored as UTC); the
coordinator types it in local time, and it is shown in the configured zone.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel


class Meeting(SQLModel, table=True):
    __table_args__ = (Index("ix_meeting_cycle_structure", "cycle_id", "structure"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id")
    structure: str = Field(max_length=20)
    """coordination | core_team | steering_group: whose meeting it is, and who is invited."""
    starts_at: dt.datetime
    duration_minutes: int = 120
    place: str = Field(max_length=200)
    agenda: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="planned", max_length=20)
    """planned | cancelled; a planned meeting whose date has come and whose attendance was
    recorded counts as held (engine.meetings.is_held)."""
    sequence: int = 0
    """iCalendar SEQUENCE of the invitation: grows with every change and with the cancellation."""
    attendance: int | None = None
    """How many took part; recorded after the meeting (``meeting attend``)."""
    attendees: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """Ids of registered people who took part; their names are shown only with their consent."""
    minutes: str | None = Field(default=None, max_length=1000)
    """The minutes: a link or a file reference."""
    results: str | None = Field(default=None, sa_column=Column(Text))
    cancel_reason: str | None = Field(default=None, max_length=1000)
    """Why the meeting was cancelled, as the coordinator gave it: the cancellation mail says it."""
    actor: str = Field(max_length=254)
    """Who planned the meeting."""
    created_at: dt.datetime
    changed_at: dt.datetime
