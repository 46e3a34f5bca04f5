"""*Übersicht*: every municipality the signed-in person may see, with phase, days in phase, due
date, overdue, open conditions and last activity; filters and sorting live in the URL, so a view
can be bookmarked and sent to a colleague; the same view as CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from zyklus.app.dto import NoCycleDTO, StatusDTO
from zyklus.web.context import door, language, render, signed_in
from zyklus.web.pages.municipality import csv_response

router = APIRouter()
SORTS = ("name", "ags", "phase", "days", "due", "open")


@dataclass(frozen=True)
class Filters:
    state: str = ""
    workflow: str = ""
    phase: str = ""
    overdue: bool = False
    sort: str = "name"

    @classmethod
    def of(cls, request: Request) -> Filters:
        query = request.query_params
        sort = query.get("sort", "name")
        return cls(state=query.get("land", "")[:2].upper(), workflow=query.get("workflow", "")[:100],
                   phase=query.get("phase", "")[:100], overdue=query.get("overdue") == "1",
                   sort=sort if sort in SORTS else "name")

    def keep(self, row: StatusDTO | NoCycleDTO) -> bool:
        if isinstance(row, NoCycleDTO):
            return not (self.workflow or self.phase or self.overdue) and not self.state
        return ((not self.state or row.state == self.state) and (not self.workflow or row.workflow == self.workflow)
                and (not self.phase or row.phase == self.phase) and (not self.overdue or row.overdue))


def _days_in_phase(row: StatusDTO, today: dt.date) -> int:
    return (today - row.entered_on).days


def _sort_key(sort: str, today: dt.date):
    def key(row: StatusDTO | NoCycleDTO) -> Any:
        if isinstance(row, NoCycleDTO):
            return (1, row.name)
        value = {"name": row.name, "ags": row.ags, "phase": row.phase_label, "days": -_days_in_phase(row, today),
                 "due": row.due_on or dt.date.max, "open": -len(row.unmet)}[sort]
        return (0, value, row.name)
    return key


def rows_for(request: Request) -> tuple[list[StatusDTO | NoCycleDTO], list[StatusDTO | NoCycleDTO], Filters]:
    """What the person may see (all, before filtering: the filter choices come from it) and the
    filtered, sorted rows."""
    principal = signed_in(request)
    app = door(request)
    everything = app.cycles.overview(language(request), ags=app.accounts.visible(principal))
    filters = Filters.of(request)
    today = app.today()
    shown = sorted((row for row in everything if filters.keep(row)), key=_sort_key(filters.sort, today))
    return everything, shown, filters


@router.get("/uebersicht")
def overview(request: Request) -> Response:
    everything, shown, filters = rows_for(request)
    today = door(request).today()
    running = [row for row in everything if isinstance(row, StatusDTO)]
    choices = {
        "land": sorted({row.state for row in running}),
        "workflow": sorted({row.workflow for row in running}),
        "phase": sorted({(row.phase, row.phase_label) for row in running}, key=lambda p: p[1]),
    }
    return render(request, "overview.html.j2", rows=shown, filters=filters, choices=choices, today=today,
                  total=len(everything), query=request.url.query)


@router.get("/uebersicht.csv")
def overview_csv(request: Request) -> Response:
    _everything, shown, _filters = rows_for(request)
    today = door(request).today()
    rows: list[list[Any]] = [["ags", "name", "state", "workflow", "cycle", "phase", "phase_label", "entered_on",
                              "days_in_phase", "due_on", "overdue", "open_conditions"]]
    for row in shown:
        if isinstance(row, NoCycleDTO):
            rows.append([row.ags, row.name, "", "", "", "", "", "", "", "", "", ""])
        else:
            rows.append([row.ags, row.name, row.state, row.workflow, row.cycle, row.phase, row.phase_label,
                         row.entered_on.isoformat(), _days_in_phase(row, today),
                         row.due_on.isoformat() if row.due_on else "", "ja" if row.overdue else "nein",
                         " | ".join(guard.message for guard in row.unmet if guard.severity == "block")])
    return csv_response(rows, f"uebersicht-{today.isoformat()}.csv")
