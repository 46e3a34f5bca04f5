"""Which stored papers look like the resolution a running cycle waits for, and what the
coordinator sees of each: the authoritative consultation, its agenda item's ``result`` and
``resolutionText``, the meeting's date and the deciding body.

What a cycle waits for comes from its definition: the resolution facts (``council_resolution``,
``participation_resolution``) that a ``fact_recorded`` guard of a transition out of the current
phase asks for and that the cycle has not recorded yet. A paper matches such a fact by the
reference the administrator set for the source (Drucksache), or by a keyword of
:data:`KEYWORDS` in its title (docs/oparl.md lists them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from engine.definitions.model import Definition
from oparl import quirks
from oparl.results import outcome
from oparl.tables import OParlCandidate, OParlObject, OParlSource

RESOLUTION_FACTS = ("council_resolution", "participation_resolution")

KEYWORDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "council_resolution": (("nachhaltigkeitsstrategie",), ("handlungsprogramm",), ("nachhaltigkeit",)),
    "participation_resolution": (("global nachhaltige kommune",), ("teilnahme", "gnk"),
                                 ("teilnahme", "nachhaltig")),
}
"""Per fact, groups of words that must all appear in a paper's title (case-insensitive; "gnk" as
a word). The default list; a variant cannot change it yet."""


def expected_facts(definition: Definition, phase: str, recorded: set[str]) -> list[str]:
    wanted: list[str] = []
    for transition in definition.transitions.values():
        if transition.source != phase:
            continue
        for guard in transition.guards.values():
            fact = (guard.model_extra or {}).get("fact")
            if guard.type == "fact_recorded" and fact in RESOLUTION_FACTS and fact not in recorded \
                    and fact in definition.facts and fact not in wanted:
                wanted.append(fact)
    return wanted


def _normal(reference: str | None) -> str:
    return re.sub(r"\s+", "", (reference or "")).lower()


def why_matched(paper: dict[str, Any], fact: str, reference: str | None) -> str | None:
    if reference and _normal(paper.get("reference")) == _normal(reference):
        return "reference"
    title = " ".join(str(paper.get("name") or "").lower().split())
    for group in KEYWORDS.get(fact, ()):
        if all(re.search(rf"\b{re.escape(word)}\b" if word == "gnk" else re.escape(word), title) for word in group):
            return " + ".join(group)
    return None


@dataclass(frozen=True)
class Found:
    paper_id: str
    reference: str
    title: str
    matched: str
    consultation_id: str | None
    result: str
    outcome: str
    resolution_text: str
    meeting_date: dt.date | None
    body_name: str
    url: str

    def fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("reference", "title", "matched", "consultation_id", "result", "outcome",
                                               "resolution_text", "meeting_date", "body_name", "url")}


class _Index:
    """The source's stored objects by id, read once per sync."""

    def __init__(self, rows: list[OParlObject]) -> None:
        self.by_id = {row.oparl_id: row.data for row in rows if not row.deleted}
        self.papers = [row.data for row in rows if row.kind == "Paper" and not row.deleted]
        self.consultations_of: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            if row.kind == "Consultation" and not row.deleted and isinstance(row.data.get("paper"), str):
                self.consultations_of.setdefault(row.data["paper"], []).append(row.data)

    def get(self, oparl_id: Any) -> dict[str, Any]:
        return self.by_id.get(oparl_id, {}) if isinstance(oparl_id, str) else {}

    def consultations(self, paper: dict[str, Any]) -> list[dict[str, Any]]:
        listed = [self.get(c) for c in paper.get("consultation") or [] if self.get(c)]
        ids = {c.get("id") for c in listed}
        return listed + [c for c in self.consultations_of.get(paper["id"], []) if c.get("id") not in ids]


def found(index: _Index, paper: dict[str, Any], matched: str) -> Found:
    consultation = next((c for c in index.consultations(paper) if c.get("authoritative") is True), None)
    item = index.get(consultation.get("agendaItem")) if consultation else {}
    meeting = index.get(consultation.get("meeting")) if consultation else {}
    if not meeting and item:
        meeting = index.get(item.get("meeting"))
    organizations = (consultation or {}).get("organization") or meeting.get("organization") or []
    organization = index.get(organizations[0]) if isinstance(organizations, list) and organizations else {}
    result = str(item.get("result") or "").strip()
    return Found(paper_id=paper["id"], reference=str(paper.get("reference") or "")[:200],
                 title=str(paper.get("name") or ""), matched=matched,
                 consultation_id=consultation.get("id") if consultation else None,
                 result=result, outcome=outcome(result), resolution_text=str(item.get("resolutionText") or ""),
                 meeting_date=quirks.day(meeting.get("start")),
                 body_name=str(organization.get("name") or organization.get("shortName") or "")[:300],
                 url=str(paper.get("web") or paper["id"]))


def refresh_candidates(session: Session, source: OParlSource, cycle_id: int, definition: Definition, phase: str,
                       recorded: set[str], now: dt.datetime) -> tuple[list[int], int]:
    """Create the candidates the stored papers give, bring open ones up to date (a deferred paper
    decided later) and mark those whose paper was deleted as gone. Returns the new candidates' ids
    and how many existing ones changed; a second run over the same objects changes nothing."""
    rows = list(session.exec(select(OParlObject).where(OParlObject.source_id == source.id)))
    index = _Index(rows)
    deleted = {row.oparl_id for row in rows if row.deleted}
    existing = {(c.paper_id, c.fact): c for c in session.exec(
        select(OParlCandidate).where(OParlCandidate.cycle_id == cycle_id))}
    created: list[OParlCandidate] = []
    changed = 0
    for candidate in existing.values():
        if candidate.status == "open" and candidate.paper_id in deleted:
            candidate.status, candidate.decided_at = "gone", now
            session.add(candidate)
            changed += 1
    for fact in expected_facts(definition, phase, recorded):
        for paper in index.papers:
            matched = why_matched(paper, fact, source.reference)
            if matched is None:
                continue
            now_found = found(index, paper, matched)
            candidate = existing.get((paper["id"], fact))
            if candidate is None:
                candidate = OParlCandidate(source_id=source.id, cycle_id=cycle_id, fact=fact, paper_id=paper["id"],
                                           created_at=now, **now_found.fields())
                session.add(candidate)
                created.append(candidate)
            elif candidate.status == "open" and any(getattr(candidate, k) != v for k, v in now_found.fields().items()):
                for key, value in now_found.fields().items():
                    setattr(candidate, key, value)
                session.add(candidate)
                changed += 1
    session.flush()
    return [c.id for c in created if c.id is not None], changed
