"""An agenda item's ``result`` is free text ("Unverändert beschlossen", "einstimmig beschlossen",
"mit Änderungen beschlossen", "abgelehnt", "vertagt" …): read here as one of the outcomes the
resolution facts know (adopted, adopted_amended, rejected, deferred, withdrawn) or ``unknown``.

Order matters: "zurückgezogen" and "vertagt" win over a "beschlossen" in the same text ("Vertagung
beschlossen"), "geändert"/"Änderung" turns "beschlossen" into adopted_amended, and a negation
("nicht beschlossen") is a rejection. Anything else is unknown and opens nothing: a coordinator
then records the fact by hand.
"""

from __future__ import annotations

import re

OUTCOMES = ("adopted", "adopted_amended", "rejected", "deferred", "withdrawn", "unknown")
OPENING = frozenset({"adopted", "adopted_amended"})
"""The outcomes that satisfy the guard: a deferred or rejected paper does not open the way."""

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("withdrawn", re.compile(r"zurückgezogen|zurueckgezogen|rücknahme|ruecknahme|withdrawn")),
    ("deferred", re.compile(r"vertagt|vertagung|zurückgestellt|zurueckgestellt|zurückstellung|"
                            r"verwiesen|verweisung|abgesetzt|deferred|postponed")),
    ("rejected", re.compile(r"abgelehnt|ablehnung|nicht\s+(?:beschlossen|angenommen|zugestimmt)|rejected")),
    ("adopted_amended", re.compile(r"(?<!un)geändert|(?<!un)geaendert|(?<!ohne )änderung|(?<!ohne )aenderung|ergänzung|"
                                   r"modifiziert|amended")),
    ("adopted", re.compile(r"beschlossen|angenommen|zugestimmt|zustimmung|adopted|approved")),
)


def outcome(result: str | None) -> str:
    """The outcome of a free-text ``result``; ``unknown`` when nothing fits or nothing is given."""
    text = " ".join((result or "").lower().split())
    if not text:
        return "unknown"
    for name, pattern in _RULES:
        if pattern.search(text):
            if name == "adopted_amended" and not _RULES[-1][1].search(text):
                continue  # "Änderungsantrag abgelehnt" was caught above; an amendment alone decides nothing
            return name
    return "unknown"
