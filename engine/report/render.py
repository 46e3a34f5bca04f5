"""Rendering an :class:`~engine.indicators.assessment.Assessment` as the sustainability report.

The template is shipped, but it still renders in jinja2's immutable sandbox with autoescaping:
names, titles, sources and the coordination's own texts come from many hands, and the report is
published. Numbers and dates follow the reader's language (German: 1.234,5 and 15.03.2027).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from engine.evaluation import SYMBOLS
from engine.i18n import Language, format_date, t, tn
from engine.indicators.assessment import Assessment, RatedIndicator, corrections
from engine.indicators.catalogue import indicator_name
from engine.numbers import format_number, format_share
from engine.report.chart import trend_chart

TEMPLATES = Path(__file__).resolve().parent / "templates"
GLYPHS = {"sun": "☀️", "light_clouds": "🌤️", "cloud": "☁️", "thunderstorm": "⛈️"}
RULES = ("target", "hold", "direction", "band")
"""The four rules of the DNS method as the assessment applies them (engine.evaluation)."""
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(text: str | None) -> Markup:
    """Plain text as HTML paragraphs: blank lines separate paragraphs, a single line break stays
    one. Every character is escaped, so a ``<script>`` in a text is shown as text."""
    if not text:
        return Markup("")
    return Markup("").join(Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
                           for block in _BLANK_LINES.split(text.strip()))


def _chart(item: RatedIndicator, lang: Language) -> Markup:
    view, rating, row = item.view, item.rating, item.view.row
    if not view.values:
        return Markup("")

    def number(value: float) -> str:
        return format_number(value, row.decimals, lang)

    words = [t("report.chart.values", lang, unit=row.unit,
               values="; ".join(f"{year}: {number(value)}" for year, value in sorted(view.series)))]
    words += [t("report.chart.target_words", lang, year=year, value=number(value)) for year, value in view.targets]
    if view.baseline:
        words.append(t("report.chart.baseline_words", lang, year=view.baseline[0], value=number(view.baseline[1])))
    if view.band and view.band[0] == view.band[1]:
        words.append(t("report.chart.level_words", lang, value=number(view.band[0])))
    elif view.band:
        words.append(t("report.chart.band_words", lang, low=number(view.band[0]), high=number(view.band[1])))
    return trend_chart(view.series, title=t("report.trend_title", lang, name=indicator_name(row, lang)),
                       number=number, targets=view.targets, target=rating.target, baseline=view.baseline,
                       band=view.band, unit=row.unit, description=" ".join(words),
                       target_label=lambda year, value: t("report.chart.target", lang, year=year, value=value))


def render_report(assessment: Assessment, lang: Language, awards: Sequence[Any] = ()) -> str:
    """``awards``: the labels the municipality was awarded in programme runs (``label``, ``on``,
    ``by``), shown as a box under the title."""
    env = ImmutableSandboxedEnvironment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date"] = lambda value: format_date(dt.date.fromisoformat(value) if isinstance(value, str) else value,
                                                    lang)
    env.filters["percent"] = lambda value: format_share(value, lang)
    env.filters["paragraphs"] = paragraphs
    env.globals.update(
        t=lambda key, **values: t(key, lang, **values), tn=lambda key, n, **values: tn(key, n, lang, **values),
        lang=lang, name=lambda row: indicator_name(row, lang), symbols=SYMBOLS, glyphs=GLYPHS, rules=RULES,
        number=lambda value, decimals: format_number(value, decimals, lang), chart=lambda item: _chart(item, lang),
        corrected=lambda item: corrections(item, lang))
    return env.get_template("report.html.j2").render(a=assessment, awards=list(awards))
