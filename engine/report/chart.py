"""A small inline SVG trend chart per indicator: observed values, baseline, targets, band.

Written by hand rather than with a plotting library: the chart has five kinds of marks, must
not need JavaScript or fonts from the network, and its few text nodes are escaped here, so the
returned markup is safe to place into an autoescaped template.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

Point = tuple[int, float]

WIDTH, HEIGHT = 280, 110
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 10, 22
SERIES, TARGET, BASELINE, BAND, AXIS = "#1f5f99", "#b3541e", "#6b6b6b", "#e2f0e2", "#9a9a9a"


def _span(low: float, high: float) -> tuple[float, float]:
    """A non-empty range with a little air above and below."""
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.08
    return low - pad, high + pad


def trend_chart(series: Sequence[Point], *, title: str, number: Callable[[float], str],
                targets: Sequence[Point] = (), target: Point | None = None, baseline: Point | None = None,
                band: tuple[float, float] | None = None) -> Markup:
    """``target`` (the one the rating used) gets a dashed path from the latest value."""
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

    bottom, right = TOP + inner_h, LEFT + inner_w
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label={quoteattr(title)}>',
             f"<title>{escape(title)}</title>"]
    if band:
        parts.append(f'<rect x="{LEFT}" y="{y(band[1])}" width="{inner_w}" '
                     f'height="{float(y(band[0])) - float(y(band[1])):.1f}" fill="{BAND}"/>')
    parts.append(f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{AXIS}"/>'
                 f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="{AXIS}"/>')
    for value in (low, high):
        parts.append(f'<text x="{LEFT - 4}" y="{float(y(value)) + 3:.1f}" font-size="9" text-anchor="end" '
                     f'fill="{BASELINE}">{escape(number(value))}</text>')
    for year, anchor in ((first_year, "start"), (last_year, "end")):
        parts.append(f'<text x="{x(year)}" y="{HEIGHT - 6}" font-size="9" text-anchor="{anchor}" '
                     f'fill="{BASELINE}">{year}</text>')
    ordered = sorted(series)
    if target and ordered:
        (cy, cv), (ty, tv) = ordered[-1], target
        parts.append(f'<line x1="{x(cy)}" y1="{y(cv)}" x2="{x(ty)}" y2="{y(tv)}" stroke="{TARGET}" '
                     f'stroke-dasharray="4 3"/>')
    for ty, tv in targets:
        parts.append(f'<rect x="{float(x(ty)) - 3.5:.1f}" y="{float(y(tv)) - 3.5:.1f}" width="7" height="7" '
                     f'fill="{TARGET}" transform="rotate(45 {x(ty)} {y(tv)})"/>')
    if baseline:
        parts.append(f'<circle cx="{x(baseline[0])}" cy="{y(baseline[1])}" r="4" fill="none" '
                     f'stroke="{BASELINE}" stroke-width="1.5"/>')
    if len(ordered) > 1:
        points = " ".join(f"{x(yr)},{y(v)}" for yr, v in ordered)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{SERIES}" stroke-width="2"/>')
    parts += [f'<circle cx="{x(yr)}" cy="{y(v)}" r="2.5" fill="{SERIES}"/>' for yr, v in ordered]
    parts.append("</svg>")
    return Markup("".join(parts))
