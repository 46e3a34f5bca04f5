"""*Übersicht*: every municipality the signed-in person may see, with phase, days in phase, due
date, overdue, open conditions and last activity, a page at a time; filters, sorting and the page
live in the URL, so a view can be bookmarked and sent to a colleague; the same view as CSV.

The page asks the door for one page (``cycles.overview_page``): filtering, counting, sorting and
cutting happen in the database, and only the shown rows' conditions are worked out, so an
administrator's 10,800 municipalities cost what 50 do plus a sorted read of their cycle rows.
A sort key or page size the page does not know is ignored (the default is used), as a hand-edited
or old bookmark should still open a page; the API answers those with 400.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from engine.status import OVERVIEW_MAX_LIMIT, OVERVIEW_SORTS
from zyklus.app.dto import NoCycleDTO, OverviewPageDTO, StatusDTO
from zyklus.web.context import door, language, render, signed_in
from zyklus.web.pages.municipality import csv_lines

router = APIRouter()
PER_PAGE = (25, 50, 100)
DEFAULT_SORT, DEFAULT_PER_PAGE = "name", 50
SORTABLE_COLUMNS = {"municipality": "name", "phase": "phase", "days": "days", "due": "due", "activity": "activity"}
"""The table's columns whose header sorts (the open conditions are not a database column)."""
CSV_CHUNK = OVERVIEW_MAX_LIMIT
"""Rows the CSV export asks the door for at a time: the export never holds every DTO at once."""


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Filters:
    """The view in the URL: ``land``, ``workflow``, ``phase``, ``overdue``, ``sort``, ``dir``,
    ``pro_seite`` and ``seite`` (from 1)."""

    state: str = ""
    workflow: str = ""
    phase: str = ""
    overdue: bool = False
    sort: str = DEFAULT_SORT
    descending: bool = False
    per_page: int = DEFAULT_PER_PAGE
    page: int = 1

    @classmethod
    def of(cls, request: Request) -> Filters:
        query = request.query_params
        sort = query.get("sort", DEFAULT_SORT)
        per_page = _int(query.get("pro_seite"), DEFAULT_PER_PAGE)
        return cls(state=query.get("land", "")[:2].upper(), workflow=query.get("workflow", "")[:100],
                   phase=query.get("phase", "")[:100], overdue=query.get("overdue") == "1",
                   sort=sort if sort in OVERVIEW_SORTS else DEFAULT_SORT, descending=query.get("dir") == "desc",
                   per_page=per_page if per_page in PER_PAGE else DEFAULT_PER_PAGE,
                   page=max(_int(query.get("seite"), 1), 1))

    def query(self, **changes: Any) -> str:
        """This view's query string with ``changes``, only what differs from the defaults (the
        page, sort and filter links; the CSV link leaves out the page)."""
        view = replace(self, **changes)
        pairs = [("land", view.state), ("workflow", view.workflow), ("phase", view.phase),
                 ("overdue", "1" if view.overdue else ""), ("sort", "" if view.sort == DEFAULT_SORT else view.sort),
                 ("dir", "desc" if view.descending else ""),
                 ("pro_seite", "" if view.per_page == DEFAULT_PER_PAGE else str(view.per_page)),
                 ("seite", "" if view.page == 1 else str(view.page))]
        return urlencode([(name, value) for name, value in pairs if value])

    def sorted_by(self, sort: str) -> str:
        """The query of a column header's link: that column ascending, or turned round if it is
        the current sort; back to the first page, since the order changed."""
        return self.query(sort=sort, descending=not self.descending if sort == self.sort else False, page=1)

    def door_filters(self) -> dict[str, Any]:
        return {"state": self.state or None, "workflow": self.workflow or None, "phase": self.phase or None,
                "overdue": True if self.overdue else None}


def page_for(request: Request, filters: Filters) -> OverviewPageDTO:
    """The page of the view the person may see (their scope from the principal); a page number
    beyond the end shows the last page."""
    app = door(request)
    scope = app.accounts.visible(signed_in(request))
    ask = dict(lang=language(request), ags=scope, sort=filters.sort, descending=filters.descending,
               limit=filters.per_page, **filters.door_filters())
    page = app.cycles.overview_page(offset=(filters.page - 1) * filters.per_page, **ask)
    if not page.rows and page.total and filters.page > 1:
        page = app.cycles.overview_page(offset=(pages_of(page.total, filters.per_page) - 1) * filters.per_page, **ask)
    return page


def pages_of(total: int, per_page: int) -> int:
    return max(-(-total // per_page), 1)


def page_numbers(current: int, last: int) -> list[int | None]:
    """The page links of the nav: the first, the last and two either side of the current one;
    None where pages are left out."""
    wanted = sorted({1, last, *range(max(current - 2, 1), min(current + 2, last) + 1)})
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


@router.get("/uebersicht")
def overview(request: Request) -> Response:
    filters = Filters.of(request)
    page = page_for(request, filters)
    app = door(request)
    choices = app.cycles.overview_choices(language(request), ags=app.accounts.visible(signed_in(request)))
    current = page.offset // filters.per_page + 1
    last = pages_of(page.total, filters.per_page)
    return render(request, "overview.html.j2", page=page, filters=replace(filters, page=current), choices=choices,
                  today=app.today(), current=current, last=last, numbers=page_numbers(current, last),
                  columns=SORTABLE_COLUMNS, per_page_choices=PER_PAGE, sorts=OVERVIEW_SORTS)


CSV_COLUMNS = ["ags", "name", "state", "workflow", "cycle", "phase", "phase_label", "entered_on", "days_in_phase",
               "due_on", "overdue", "open_conditions"]


def _csv_row(row: StatusDTO | NoCycleDTO, today: dt.date) -> list[Any]:
    if isinstance(row, NoCycleDTO):
        return [row.ags, row.name, "", "", "", "", "", "", "", "", "", ""]
    return [row.ags, row.name, row.state, row.workflow, row.cycle, row.phase, row.phase_label,
            row.entered_on.isoformat(), (today - row.entered_on).days,
            row.due_on.isoformat() if row.due_on else "", "ja" if row.overdue else "nein",
            " | ".join(guard.message for guard in row.unmet if guard.severity == "block")]


@router.get("/uebersicht.csv")
def overview_csv(request: Request) -> Response:
    """Every row of the view (all pages), streamed a chunk of the door's pages at a time. The
    chunks are separate reads: a change made during a long export can move a row across a
    chunk's edge (shown twice or not at all), which an export of a moving overview accepts."""
    filters = Filters.of(request)
    app = door(request)
    today = app.today()
    ask = dict(lang=language(request), ags=app.accounts.visible(signed_in(request)), sort=filters.sort,
               descending=filters.descending, limit=CSV_CHUNK, **filters.door_filters())
    first = app.cycles.overview_page(offset=0, **ask)  # read before the answer starts: errors are still a page

    def rows() -> Iterator[list[Any]]:
        yield CSV_COLUMNS
        chunk, offset = first, 0
        while chunk.rows:
            for row in chunk.rows:
                yield _csv_row(row, today)
            offset += CSV_CHUNK
            if offset >= chunk.total:
                return
            chunk = app.cycles.overview_page(offset=offset, **ask)

    return StreamingResponse(csv_lines(rows()), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="uebersicht-{today.isoformat()}.csv"'})
