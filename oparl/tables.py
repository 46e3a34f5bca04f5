"""What was fetched from a council information system, and the candidates found in it.

``oparl_object`` keeps every object of the lists zyklus reads (Organization, Meeting, AgendaItem,
Consultation, Paper), embedded objects as objects of their own, by OParl id with its ``modified``
time and ``deleted`` flag: that is what makes a sync incremental (``modified_since`` the last
sync) and idempotent (an object whose content did not change is not written). ``data`` is the
object as the server sent it with embedded objects replaced by their ids.

A candidate is a paper that looks like the resolution a running cycle waits for, with what the
coordinator needs to judge it. It is never written into the cycle by itself: a coordinator
accepts it (then it is recorded as a fact through the door) or dismisses it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class OParlSource(SQLModel, table=True):
    """One municipality's council information system: its OParl Body and the list URLs."""

    __tablename__ = "oparl_source"

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id", unique=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    """What the administrator gave: the System's or the Body's URL."""
    body_id: str = Field(sa_column=Column(Text, nullable=False))
    body_name: str = Field(default="", max_length=300)
    lists: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    """The Body's list URLs by kind (paper, meeting, organization, agendaItem, consultation)."""
    reference: str | None = Field(default=None, max_length=200)
    """The paper reference (Drucksache) the administrator expects, matched besides the keywords."""
    last_sync_at: dt.datetime | None = None
    """When the last successful sync began: the next one asks for ``modified_since`` this."""
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: dt.datetime


class OParlObject(SQLModel, table=True):
    __tablename__ = "oparl_object"
    __table_args__ = (UniqueConstraint("source_id", "oparl_id", name="uq_oparl_object"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="oparl_source.id", index=True)
    oparl_id: str = Field(sa_column=Column(String(1000), nullable=False))
    kind: str = Field(max_length=40, index=True)
    """Paper, Meeting, AgendaItem, Consultation, Organization"""
    modified: dt.datetime | None = None
    deleted: bool = False
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    fetched_at: dt.datetime


class OParlCandidate(SQLModel, table=True):
    __tablename__ = "oparl_candidate"
    __table_args__ = (UniqueConstraint("cycle_id", "paper_id", "fact", name="uq_oparl_candidate"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="oparl_source.id", index=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    fact: str = Field(max_length=100)
    """The fact it would be recorded as: council_resolution or participation_resolution."""
    paper_id: str = Field(sa_column=Column(String(1000), nullable=False))
    reference: str = Field(default="", max_length=200)
    title: str = Field(sa_column=Column(Text, nullable=False))
    matched: str = Field(max_length=200)
    """Why it matched: ``reference`` or the keyword found in the title."""
    consultation_id: str | None = Field(default=None, sa_column=Column(Text))
    result: str = Field(default="", sa_column=Column(Text, nullable=False))
    """The agenda item's ``result`` as the server wrote it."""
    outcome: str = Field(max_length=20)
    """adopted | adopted_amended | rejected | deferred | withdrawn | unknown (oparl/results.py)"""
    resolution_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    meeting_date: dt.date | None = None
    body_name: str = Field(default="", max_length=300)
    url: str = Field(sa_column=Column(Text, nullable=False))
    """The paper's web page (``web``) when it has one, else its OParl URL."""
    status: str = Field(default="open", max_length=20)
    """open | accepted | dismissed | gone (the paper was deleted on the server)"""
    created_at: dt.datetime
    decided_at: dt.datetime | None = None
    decided_by: str | None = Field(default=None, max_length=254)
