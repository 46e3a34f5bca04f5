"""The standardised rating of an indicator: the weather symbols of the German Sustainable
Development Strategy (DNS), plus the share of the target reached.

Pure functions over numbers, so docs/evaluation.md's worked examples are the unit tests. The
rules follow the DNS's published method (`DnsTestEnvironment/dns-indicators:_pages/status.md`,
summarised in domain.md §2.6):

- the trend: "anhand der letzten sechs Datenpunkte der Durchschnitt der letzten fünf jährlichen
  Veränderungen" — the values of the latest data year and the five years before it (the window);
  a value older than that never counts, and with fewer than four values inside the window there
  is no rating ("Stehen weniger als vier verwendbare Jahreswerte zur Verfügung, wird von einer
  Berechnung abgesehen");
- target value in a target year: project the average yearly change to the target year, and
  compare with the target; the shortfall is measured against the
  distance between the target and the current value (sun < 5 %, light clouds 5–20 %, cloud
  > 20 % but moving towards the target, thunderstorm when the distance stays or grows);
- a target already reached, or a target year that is already the latest data year: treated as
  a value to hold (last value first, the average change second);
- direction only: the average change first, the last change second;
- several targets to be met at once: each is rated and the worst single rating wins ("folgt
  dann der negativsten Einzelbewertung"); a band is two such values to hold (at least the lower
  bound, at most the upper);
- several target years: the nearest target year that is not yet past ("das zeitlich nächste
  Zieljahr").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SUN, LIGHT_CLOUDS, CLOUD, THUNDERSTORM = "sun", "light_clouds", "cloud", "thunderstorm"
SYMBOLS = (SUN, LIGHT_CLOUDS, CLOUD, THUNDERSTORM)
"""From best to worst."""

WINDOW = 6
"""The latest data year and the five before it: six data points give the last five changes."""
MIN_VALUES = 4
SUN_BELOW = 0.05
LIGHT_CLOUDS_UP_TO = 0.20
_PRECISION = 9
"""Shares are rounded before comparing, so 5 % computed as 0.05000000000000002 is still 5 %."""

Point = tuple[int, float]


@dataclass(frozen=True)
class Trend:
    points: tuple[Point, ...]
    """The values the trend is computed from: those inside the window, four to six."""
    average_change: float
    """Per year: (last − first) / (last year − first year) over ``points``; with one value per
    year this is exactly the average of the yearly changes."""
    last_change: float
    """Per year, between the last two values."""

    @property
    def current(self) -> Point:
        return self.points[-1]


@dataclass(frozen=True)
class Rating:
    symbol: str | None
    """sun | light_clouds | cloud | thunderstorm, or None (fewer than four values)."""
    method: str | None
    """target | hold | direction | band: which DNS rule applied."""
    current: Point | None
    baseline: Point | None
    target: Point | None
    trend: Trend | None
    window: tuple[int, int] | None = None
    """The first and the last year whose values may count (latest data year − 5 to it)."""
    years: tuple[int, ...] = ()
    """The years with a value inside the window: the values rated, or too few to rate."""
    projected: float | None = None
    """The value the average change would reach in the target year (target method only)."""
    shortfall_share: float | None = None
    """How far the projection misses the target, as a share of |target − current|; negative
    when it overshoots (target method only)."""
    share_reached: float | None = None
    """(current − baseline) / (target − baseline); None without a target or a baseline."""


def in_window(series: Sequence[Point]) -> tuple[Point, ...]:
    """The values of the latest data year and the five years before it; with gaps fewer."""
    ordered = tuple(sorted(series))
    if not ordered:
        return ()
    first_year = ordered[-1][0] - (WINDOW - 1)
    return tuple(point for point in ordered if point[0] >= first_year)


def trend(series: Sequence[Point]) -> Trend | None:
    points = in_window(series)
    if len(points) < MIN_VALUES:
        return None
    (first_year, first), (previous_year, previous), (last_year, last) = points[0], points[-2], points[-1]
    return Trend(points, (last - first) / (last_year - first_year), (last - previous) / (last_year - previous_year))


def choose_target(targets: Sequence[Point], latest_year: int) -> Point | None:
    """The nearest target year that is not yet past; when all are past, the most recent one."""
    if not targets:
        return None
    ahead = sorted(target for target in targets if target[0] >= latest_year)
    return ahead[0] if ahead else max(targets)


def share_reached(current: Point | None, baseline: Point | None, target: Point | None) -> float | None:
    if current is None or baseline is None or target is None or target[1] == baseline[1]:
        return None
    return (current[1] - baseline[1]) / (target[1] - baseline[1])


def rate_target(trend_: Trend, target: Point, sign: int) -> tuple[str, float, float]:
    """Symbol, projected value and shortfall share for a target still ahead and not yet met."""
    (year, current), (target_year, target_value) = trend_.current, target
    projected = current + trend_.average_change * (target_year - year)
    shortfall = round((target_value - projected) * sign / abs(target_value - current), _PRECISION)
    if trend_.average_change * sign <= 0:
        return THUNDERSTORM, projected, shortfall
    if shortfall < SUN_BELOW:
        return SUN, projected, shortfall
    if shortfall <= LIGHT_CLOUDS_UP_TO:
        return LIGHT_CLOUDS, projected, shortfall
    return CLOUD, projected, shortfall


def rate_hold(trend_: Trend, threshold: float, sign: int) -> str:
    """A value to reach or hold every year: first whether the last value meets it, then whether
    the average change points the right way."""
    met = (trend_.current[1] - threshold) * sign >= 0
    towards = trend_.average_change * sign
    if met:
        return SUN if towards >= 0 else LIGHT_CLOUDS
    return CLOUD if towards > 0 else THUNDERSTORM


def rate_direction(trend_: Trend, sign: int) -> str:
    """Direction only: the average change first, the last change second."""
    average_ok = trend_.average_change * sign > 0
    last_ok = trend_.last_change * sign > 0
    if average_ok:
        return SUN if last_ok else LIGHT_CLOUDS
    return CLOUD if last_ok else THUNDERSTORM


def worst(*symbols: str) -> str:
    return max(symbols, key=SYMBOLS.index)


def rate(direction: str, series: Sequence[Point], *, targets: Sequence[Point] = (),
         band: tuple[float, float] | None = None, baseline: Point | None = None) -> Rating:
    """Rate one indicator. ``direction`` is increase, decrease or band; ``series`` holds the
    observed (year, value) pairs; without a ``baseline`` the earliest value serves as one."""
    ordered = sorted(series)
    current = ordered[-1] if ordered else None
    baseline = baseline or (ordered[0] if ordered else None)
    target = choose_target(targets, current[0]) if current and direction != "band" else None
    reached = share_reached(current, baseline, target)
    trend_ = trend(ordered)
    common = {"current": current, "baseline": baseline, "target": target, "trend": trend_, "share_reached": reached,
              "window": (current[0] - (WINDOW - 1), current[0]) if current else None,
              "years": tuple(year for year, _ in in_window(ordered))}
    if trend_ is None:
        return Rating(None, None, **common)
    if direction == "band":
        if band is None:
            raise ValueError("a band indicator needs its bounds")
        low, high = band
        return Rating(worst(rate_hold(trend_, low, +1), rate_hold(trend_, high, -1)), "band", **common)
    sign = +1 if direction == "increase" else -1
    if target is None:
        return Rating(rate_direction(trend_, sign), "direction", **common)
    already_met = (trend_.current[1] - target[1]) * sign >= 0
    if already_met or target[0] <= trend_.current[0]:
        return Rating(rate_hold(trend_, target[1], sign), "hold", **common)
    symbol, projected, shortfall = rate_target(trend_, target, sign)
    return Rating(symbol, "target", projected=projected, shortfall_share=shortfall, **common)
