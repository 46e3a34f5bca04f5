"""A small inline SVG trend chart per indicator: observed values, baseline, targets, band.

Written by hand rather than with a plotting library: the chart has five kinds of marks, must
not need JavaScript or fonts from the network, and its few text nodes are escaped here, so the
returned markup is safe to place into an autoescaped template.

A published chart must be readable on its own: the unit stands above the value axis, every year
has a tick and as many as fit a label (the first, the last, the latest value's and each target year always), each
target is labelled with its year and value, and ``<title>``/``<desc>`` say in words what it shows
for a screen reader. It scales down with its ``viewBox`` (CSS ``max-width: 100%``) on a phone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

Point = tuple[int, float]

WIDTH, HEIGHT = 360, 190
LEFT, RIGHT, TOP, BOTTOM = 50, 16, 26, 24
FONT = 12
LABEL_GAP = 32
"""Horizontal room a year's label needs (four digits at 12 px) before the next may stand."""
SERIES, TARGET, BASELINE, BAND, AXIS, GRID = "#1f5f99", "#9c4318", "#595959", "#e2f0e2", "#767676", "#e6e9ed"


def _span(low: float, high: float) -> tuple[float, float]:
    """A non-empty range with a little air above and below."""
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.08
    return low - pad, high + pad


def labelled_years(first: int, last: int, must: Sequence[int], width: float) -> list[int]:
    """The years that get a label: ``first``, ``last`` and ``must`` (the latest value's and the
    target years) always, then
    every n-th year from the first as far as they keep ``LABEL_GAP`` apart."""
    per_year = width / (last - first)
    step = max(1, math.ceil(LABEL_GAP / per_year))
    chosen: list[int] = []
    for year in [first, last, *sorted(must), *range(first, last + 1, step)]:
        if first <= year <= last and all(abs(year - other) * per_year >= LABEL_GAP for other in chosen):
            chosen.append(year)
    return sorted(chosen)


def trend_chart(series: Sequence[Point], *, title: str, number: Callable[[float], str],
                targets: Sequence[Point] = (), target: Point | None = None, baseline: Point | None = None,
                band: tuple[float, float] | None = None, unit: str = "",
                target_label: Callable[[int, str], str] = lambda year, value: f"{value} ({year})",
                description: str = "") -> Markup:
    """``target`` (the one the rating used) gets a dashed path from the latest value.
    ``description``: the chart in words for ``<desc>``; by default its values, year by year."""
    years = [y for y, _ in series] + [y for y, _ in targets] + ([baseline[0]] if baseline else [])
    values = ([v for _, v in series] + [v for _, v in targets] + ([baseline[1]] if baseline else [])
              + (list(band) if band else []))
    if not years:
        return Markup("")
    first_year, last_year = min(years), max(years)
    if first_year == last_year:
        first_year, last_year = first_year - 1, last_year + 1
    low, high = _span(min(values), max(values))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year: float) -> str:
        return f"{LEFT + (year - first_year) / (last_year - first_year) * inner_w:.1f}"

    def y(value: float) -> str:
        return f"{TOP + (high - value) / (high - low) * inner_h:.1f}"

    ordered = sorted(series)
    description = description or "; ".join(f"{yr}: {number(v)}" for yr, v in ordered)
    bottom, right = TOP + inner_h, LEFT + inner_w
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label={quoteattr(title)}>',
             f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
             f'<g font-size="{FONT}" fill="{BASELINE}">']
    if unit:
        parts.append(f'<text x="4" y="{FONT + 2}">{escape(unit)}</text>')
    if band and band[0] == band[1]:  # a level to reach and hold (parity): a line, not an empty band
        parts.append(f'<line x1="{LEFT}" y1="{y(band[0])}" x2="{LEFT + inner_w}" y2="{y(band[0])}" '
                     f'stroke="{TARGET}" stroke-width="2"/>')
    elif band:
        parts.append(f'<rect x="{LEFT}" y="{y(band[1])}" width="{inner_w}" '
                     f'height="{float(y(band[0])) - float(y(band[1])):.1f}" fill="{BAND}"/>')
    for value in (low, (low + high) / 2, high):
        parts.append(f'<line x1="{LEFT}" y1="{y(value)}" x2="{right}" y2="{y(value)}" stroke="{GRID}"/>'
                     f'<text x="{LEFT - 5}" y="{float(y(value)) + 4:.1f}" text-anchor="end">'
                     f'{escape(number(value))}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{AXIS}"/>'
                 f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="{AXIS}"/>')
    latest = [ordered[-1][0]] if ordered else []
    labelled = labelled_years(first_year, last_year, [*latest, *(ty for ty, _ in targets)], inner_w)
    for year in range(first_year, last_year + 1):
        parts.append(f'<line x1="{x(year)}" y1="{bottom}" x2="{x(year)}" y2="{bottom + (5 if year in labelled else 3)}" '
                     f'stroke="{AXIS}"/>')
        if year in labelled:
            anchor = "start" if year == first_year else "end" if year == last_year else "middle"
            parts.append(f'<text x="{x(year)}" y="{HEIGHT - 6}" text-anchor="{anchor}">{year}</text>')
    if target and ordered:
        (cy, cv), (ty, tv) = ordered[-1], target
        parts.append(f'<line x1="{x(cy)}" y1="{y(cv)}" x2="{x(ty)}" y2="{y(tv)}" stroke="{TARGET}" '
                     f'stroke-dasharray="4 3"/>')
    for ty, tv in targets:
        tx, tyy = float(x(ty)), float(y(tv))
        parts.append(f'<rect x="{tx - 4:.1f}" y="{tyy - 4:.1f}" width="8" height="8" '
                     f'fill="{TARGET}" transform="rotate(45 {tx:.1f} {tyy:.1f})"/>')
        anchor, dx = ("end", -8) if tx > LEFT + inner_w / 2 else ("start", 8)
        above = tyy - 8 if tyy - 8 > TOP + FONT else tyy + FONT + 6
        parts.append(f'<text x="{tx + dx:.1f}" y="{above:.1f}" text-anchor="{anchor}" fill="{TARGET}" '
                     f'font-weight="600" stroke="#fff" stroke-width="3" paint-order="stroke">'
                     f'{escape(target_label(ty, number(tv)))}</text>')
    if baseline:
        parts.append(f'<circle cx="{x(baseline[0])}" cy="{y(baseline[1])}" r="4.5" fill="none" '
                     f'stroke="{BASELINE}" stroke-width="1.5"/>')
    if len(ordered) > 1:
        points = " ".join(f"{x(yr)},{y(v)}" for yr, v in ordered)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{SERIES}" stroke-width="2"/>')
    parts += [f'<circle cx="{x(yr)}" cy="{y(v)}" r="3" fill="{SERIES}"/>' for yr, v in ordered]
    parts.append("</g></svg>")
    return Markup("".join(parts))
