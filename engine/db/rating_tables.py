"""The indicator ratings a cycle ended with, kept when it completed.

The DNS overview shows "die Bewertungen eines Indikators nach Stand der vorhergehenden Jahre":
how an indicator was rated as things stood then. A rating worked out again later from today's
values would change whenever a value of those years is corrected or published late, so the
earlier cycles' column of an evaluation would no longer say what the council was shown.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class KeptRating(SQLModel, table=True):
    __tablename__ = "kept_rating"
    __table_args__ = (UniqueConstraint("cycle_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id")
    key: str = Field(max_length=64)
    """The indicator's key in that cycle's programme."""
    reference_year: int
    """The year its values counted up to: the year the cycle completed."""
    symbol: str | None = Field(default=None, max_length=16)
    """sun | light_clouds | cloud | thunderstorm, or None: too few values to rate."""
    method: str | None = Field(default=None, max_length=12)
    """target | hold | direction | band: the DNS rule that applied."""
    years: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """The years of the values the rating used."""
    series: list[list[float]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    """Every value up to ``reference_year`` as it stood then, ``[year, value]`` pairs: what the
    completed cycle's evaluation and report are drawn from later, whatever was corrected since.
    None: kept before schema 0018, when only the symbol, rule and years were kept."""
    kept_at: dt.datetime
