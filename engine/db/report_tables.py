"""The sustainability report's own texts: Leitbild, foreword, next steps and the interpretation
of each goal and indicator, as a coordinator writes them for one cycle's report.

Append-only: a text written again is a new row and the newest row of a kind is the text, so the
report's wording keeps its own history (who wrote what, when) without a history kind per edit.
An empty text is a removal.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel


class ReportText(SQLModel, table=True):
    __tablename__ = "report_text"
    __table_args__ = (Index("ix_report_text_cycle_kind", "cycle_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id")
    kind: str = Field(max_length=80)
    """leitbild | foreword | next_steps | indicator:<key> | goal:<key>"""
    text: str = Field(sa_column=Column(Text, nullable=False))
    """Plain text; paragraphs are separated by blank lines. Empty: the text was removed."""
    actor: str = Field(max_length=254)
    recorded_at: dt.datetime
