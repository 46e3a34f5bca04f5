"""What each cycle of a municipality came to: `zyklus cycles AGS`.

Adds to the Service's list of cycles the outcome a council member asks about: still running,
or completed with the sustainability report published when and where, and when the next begins.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from engine.db.tables import Cycle, Fact
from engine.service import Service

REPORT_FACT = "report_published"
"""The fact that completes the evaluation in the shipped workflows (workflows/kommune.toml)."""


def cycle_outcomes(service: Service, ags: str) -> list[dict[str, Any]]:
    rows = service.cycles(ags)
    with Session(service.engine) as session:
        municipality = service.municipality_in(session, ags)
        published = {number: fields for number, fields in session.exec(
            select(Cycle.number, Fact.fields).join(Cycle, col(Fact.cycle_id) == Cycle.id)
            .where(Cycle.municipality_id == municipality.id, Fact.type == REPORT_FACT).order_by(col(Fact.id)))}
    return [{**row, "outcome": row["status"], "report_published": published.get(row["number"])} for row in rows]
