"""Each cycle's indicator ratings, kept when the cycle completes, and read back as the earlier
cycles' ratings an evaluation shows beside its own (engine.db.rating_tables says why kept).

Subscribed to :class:`engine.events.CycleCompleted`, so the ratings commit with the completion
or not at all. A cycle completed before ratings were kept has none; its ratings are worked out
from its own targets and the values up to the year it completed, and say so (``kept`` false).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlmodel import Session, col, select

from engine.clock import Clock, stamp
from engine.db.indicator_tables import IndicatorValue
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
                                   series=[[year, value] for year, value in view.series], kept_at=moment)
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


@dataclass(frozen=True)
class Correction:
    """A value of the years a completed cycle rated that differs now from what the rating used."""

    year: int
    kept: float | None
    """The value the kept rating used; None: the year had no value then (published later), or
    the rating was kept before its values were (schema 0018), so it is not known."""
    now: float | None
    """The value recorded now; None: removed since."""
    known: bool = True
    """False: the rating was kept before its values were, so ``kept`` is not known."""


@dataclass(frozen=True)
class AsKept:
    """A completed cycle's indicator as its evaluation showed it when the cycle completed."""

    view: IndicatorView
    rating: Rating
    corrections: tuple[Correction, ...] = ()


def as_kept(view: IndicatorView, kept: KeptRating) -> AsKept:
    """``view`` (today's values up to the cycle's year) as the kept rating saw it. With the
    values kept (schema 0018 on) the view is drawn from them, so every figure is the one then;
    the symbol and rule are the kept ones in any case. Without them the figures are today's, and
    every value recorded after the rating was kept is named as a correction."""
    now = dict(view.series)
    if kept.series is None:
        later = sorted(v.year for v in view.values if _aware(v.recorded_at) > _aware(kept.kept_at))
        corrections = tuple(Correction(year, None, now[year], known=False) for year in later)
    else:
        then = {int(year): value for year, value in kept.series}
        sources = {v.year: v.source for v in view.values}
        view = replace(view, values=tuple(
            IndicatorValue(municipality_id=view.row.municipality_id, key=view.row.key, year=year, value=value,
                           source=sources.get(year), recorded_by="", recorded_at=kept.kept_at)
            for year, value in sorted(then.items())))
        corrections = tuple(Correction(year, then.get(year), now.get(year)) for year in sorted(set(then) | set(now))
                            if then.get(year) != now.get(year))
    rating = replace(rate_view(view), symbol=kept.symbol, method=kept.method)
    return AsKept(view, rating, corrections)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def kept_ratings(session: Session, cycle: Cycle) -> dict[str, KeptRating]:
    """Indicator key → the rating ``cycle`` kept when it completed (none while it runs)."""
    return {row.key: row for row in session.exec(select(KeptRating).where(KeptRating.cycle_id == cycle.id))}
