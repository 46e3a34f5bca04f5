"""The report's own texts, written by the coordination for one cycle's report: the Leitbild, a
foreword, the next steps, and an interpretation of each goal and indicator.

Stored in the database (``report_text``), not in files, so the web app's forms can write them
as the command line does. Plain text only: the report escapes it and makes paragraphs of what
blank lines separate, so a text can never carry markup into a published document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from engine import validate
from engine.clock import stamp
from engine.db.indicator_tables import Goal, Indicator
from engine.db.report_tables import ReportText
from engine.errors import InvalidInput
from engine.i18n import m
from engine.indicators import spec as specs
from engine.indicators.programme import Programme
from engine.service import Service

SECTIONS = ("leitbild", "foreword", "next_steps")
"""Texts of the whole report, in the order the report shows them (the next steps come last)."""
PER_ITEM = {"goal": Goal, "indicator": Indicator}
"""``goal:<key>``, ``indicator:<key>``: the interpretation of one goal or indicator of the cycle."""
LIMITS = {"leitbild": 10_000, "foreword": 10_000, "next_steps": 10_000, "goal": 4_000, "indicator": 4_000}
"""Characters: a foreword of a few pages, an interpretation of a few paragraphs."""


@dataclass(frozen=True)
class Written:
    kind: str
    text: str
    actor: str
    recorded_at: dt.datetime


def _kind(kind: str, lang: str) -> tuple[str, str | None]:
    """``(family, key)``: ``("foreword", None)`` or ``("indicator", "thg-haushalte")``."""
    family, _, key = kind.strip().partition(":")
    if family in SECTIONS and not key:
        return family, None
    if family in PER_ITEM and key:
        return family, specs.key(key, lang)
    raise InvalidInput(m("report_text.kind", lang, kind=kind))


def clean(text: str, field: str, limit: int, lang: str) -> str:
    """Windows line ends become plain ones; any other control character is refused, as is a text
    over ``limit``. Leading and trailing blank space is dropped."""
    return validate.text(text.replace("\r\n", "\n"), field, lang, limit=limit)


class ReportTexts:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.lang = service.lang

    def set(self, ags: str, kind: str, text: str, *, actor: str) -> Written:
        """Write (or, with an empty text, remove) one text of the latest cycle's report. The core
        team writes it; a completed cycle's report may still be worded until the next one begins,
        as it is often published after the evaluation has closed the cycle."""
        family, key = _kind(kind, self.lang)
        kind = f"{family}:{key}" if key else family
        text = clean(text, kind, LIMITS[family], self.lang)
        with self.service.unit(ags) as session:
            # the programme's own permission rule and lookup, so report texts follow the programme's rules
            programme = Programme(self.service)
            loaded, person = programme.open_for_editing(session, ags, actor, running=False)
            if key:
                programme.row_by_key(session, loaded, PER_ITEM[family], key, f"{family}.unknown")
            row = ReportText(cycle_id=loaded.cycle.id, kind=kind, text=text, actor=person.email,
                             recorded_at=stamp(self.service.clock))
            session.add(row)
        return Written(row.kind, row.text, row.actor, row.recorded_at)

    def read(self, ags: str, number: int | None = None) -> list[Written]:
        """The cycle's texts as they stand (removed ones left out), whole-report texts first."""
        with Session(self.service.engine) as session:
            loaded = self.service.load(session, ags, number=number, running=False)
            latest = latest_texts(session, loaded.cycle.id)
        order = {kind: n for n, kind in enumerate(SECTIONS)}
        return sorted(latest.values(), key=lambda w: (order.get(w.kind, len(order)), w.kind))


def latest_texts(session: Session, cycle_id: int | None) -> dict[str, Written]:
    """Kind → the newest text of that kind, for the texts that are not removed."""
    rows = session.exec(select(ReportText).where(ReportText.cycle_id == cycle_id).order_by(col(ReportText.id)))
    latest = {row.kind: Written(row.kind, row.text, row.actor, row.recorded_at) for row in rows}
    return {kind: written for kind, written in latest.items() if written.text}
