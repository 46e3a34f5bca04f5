"""Each cycle's indicator ratings, kept when the cycle completes, and read back as the earlier
cycles' ratings an evaluation shows beside its own (engine.db.rating_tables says why kept).

Subscribed to :class:`engine.events.CycleCompleted`, so the ratings commit with the completion
or not at all. A cycle completed before ratings were kept has none; its ratings are worked out
from its own targets and the values up to the year it completed, and say so (``kept`` false).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from engine.clock import Clock, stamp
from engine.db.rating_tables import KeptRating
from engine.db.tables import Cycle
from engine.evaluation import Rating, rate
from engine.events import CycleCompleted, DomainEvent
from engine.indicators.programme import IndicatorView, Programme


@dataclass(frozen=True)
class EarlierRating:
    """How the same indicator was rated at the end of an earlier cycle (the DNS shows the
    ratings of earlier years beside the current one: stable or volatile)."""

    cycle: int
    reference_year: int
    symbol: str | None
    method: str | None
    kept: bool = True
    """False: the cycle completed before ratings were kept, so this one was worked out again."""


def rate_view(view: IndicatorView) -> Rating:
    return rate(view.row.direction, view.series, targets=view.targets, band=view.band, baseline=view.baseline)


def reference_year(cycle: Cycle, today: dt.date) -> int:
    """The year a cycle's values count up to: the year it completed, or this year while it runs."""
    return cycle.completed_on.year if cycle.completed_on else today.year


class KeepRatings:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def __call__(self, event: DomainEvent, session: Session) -> None:
        if not isinstance(event, CycleCompleted):
            return
        cycle = session.get(Cycle, event.cycle_id)
        year = event.completed_on.year
        moment = stamp(self.clock)
        session.add_all(KeptRating(cycle_id=event.cycle_id, key=view.row.key, reference_year=year,
                                   symbol=rating.symbol, method=rating.method, years=list(rating.years),
                                   kept_at=moment)
                        for view in Programme.indicator_views(session, cycle, up_to=year)
                        for rating in (rate_view(view),))


def earlier_ratings(session: Session, cycle: Cycle, today: dt.date) -> dict[str, list[EarlierRating]]:
    """Indicator key → its rating at the end of each earlier cycle that had it, oldest first."""
    previous = list(session.exec(select(Cycle).where(Cycle.municipality_id == cycle.municipality_id,
                                                     Cycle.number < cycle.number).order_by(col(Cycle.number))))
    kept: dict[int, list[KeptRating]] = {}
    for row in session.exec(select(KeptRating).where(col(KeptRating.cycle_id).in_([c.id for c in previous]))
                            .order_by(col(KeptRating.id))):
        kept.setdefault(row.cycle_id, []).append(row)
    ratings: dict[str, list[EarlierRating]] = {}
    for earlier in previous:
        if earlier.id in kept:
            for row in kept[earlier.id]:
                ratings.setdefault(row.key, []).append(EarlierRating(earlier.number, row.reference_year, row.symbol,
                                                                     row.method))
            continue
        year = reference_year(earlier, today)
        for view in Programme.indicator_views(session, earlier, up_to=year):
            rating = rate_view(view)
            ratings.setdefault(view.row.key, []).append(EarlierRating(earlier.number, year, rating.symbol,
                                                                      rating.method, kept=False))
    return ratings
