"""Rendering an :class:`~engine.indicators.assessment.Assessment` as the sustainability report.

The template is shipped, but it still renders in jinja2's immutable sandbox with autoescaping:
names, titles and sources come from many hands, and the report is published. Numbers and dates
follow the reader's language (German: 1.234,5 and 15.03.2027).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from engine.evaluation import SYMBOLS
from engine.i18n import Language, format_date, t, tn
from engine.indicators.assessment import Assessment, RatedIndicator
from engine.indicators.catalogue import indicator_name
from engine.numbers import format_number, format_share
from engine.report.chart import trend_chart

TEMPLATES = Path(__file__).resolve().parent / "templates"
GLYPHS = {"sun": "☀️", "light_clouds": "🌤️", "cloud": "☁️", "thunderstorm": "⛈️"}


def _chart(item: RatedIndicator, lang: Language) -> Markup:
    view, rating = item.view, item.rating
    if not view.values:
        return Markup("")
    return trend_chart(view.series, title=t("report.trend_title", lang, name=indicator_name(view.row, lang)),
                       number=lambda v: format_number(v, view.row.decimals, lang), targets=view.targets,
                       target=rating.target, baseline=view.baseline, band=view.band)


def render_report(assessment: Assessment, lang: Language, awards: Sequence[Any] = ()) -> str:
    """``awards``: the labels the municipality was awarded in programme runs (``label``, ``on``,
    ``by``), shown as a box under the title."""
    env = ImmutableSandboxedEnvironment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["date"] = lambda value: format_date(dt.date.fromisoformat(value) if isinstance(value, str) else value,
                                                    lang)
    env.filters["percent"] = lambda value: format_share(value, lang)
    env.globals.update(
        t=lambda key, **values: t(key, lang, **values), tn=lambda key, n, **values: tn(key, n, lang, **values),
        lang=lang, name=lambda row: indicator_name(row, lang), symbols=SYMBOLS, glyphs=GLYPHS,
        number=lambda value, decimals: format_number(value, decimals, lang), chart=lambda item: _chart(item, lang))
    return env.get_template("report.html.j2").render(a=assessment, awards=list(awards))
