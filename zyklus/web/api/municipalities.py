"""``/municipalities``: the municipalities the caller may read, one of them, its people; and
``/overview``: where their cycles stand, the advisor's overview. Both listings are paged, sorted
and filtered by the door in the database (``cycles.municipalities_page``, ``cycles.overview_page``),
not cut from a whole list. An unknown ``sort`` is 400 (``overview.sort_unknown``); a ``limit`` or
``offset`` out of range is 422 like every other malformed parameter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from engine.i18n import m
from engine.status import MUNICIPALITY_SORTS, OVERVIEW_SORTS
from zyklus.app.dto import MunicipalityDTO, NoCycleDTO, PersonDTO, StatusDTO
from zyklus.web.api.common import Caller, Paged, api_language, json_reply, problems
from zyklus.web.context import door
from zyklus.web.pages.access import municipality_for
from zyklus.web.problems import WithStatus

router = APIRouter(tags=["municipalities"])


@router.get("/municipalities", summary="The municipalities the caller may read",
            response_model=list[MunicipalityDTO], responses=problems())
def municipalities(request: Request, principal: Caller, page: Paged,
                   sort: Annotated[str, Query(description="One of " + ", ".join(MUNICIPALITY_SORTS))] = "ags",
                   order: Annotated[Literal["asc", "desc"], Query(description="Ties are broken by AGS")] = "asc",
                   ) -> Response:
    lang = api_language(request)
    total, rows = door(request).cycles.municipalities_page(
        lang, ags=door(request).accounts.visible(principal), sort=_known(sort, MUNICIPALITY_SORTS, lang),
        descending=order == "desc", offset=page.offset, limit=page.limit)
    return page.window(request, total, rows)


def _known(sort: str, allowed: Sequence[str], lang: str) -> str:
    """``sort`` if the listing sorts by it; otherwise the request names something that is not
    there, 400 (not 422: nothing about the parameter's form is wrong)."""
    if sort not in allowed:
        raise WithStatus(m("overview.sort_unknown", lang, sort=sort, allowed=", ".join(allowed)), 400)
    return sort


@router.get("/overview", summary="Where the cycles of the municipalities the caller may read stand",
            response_model=list[StatusDTO | NoCycleDTO], responses=problems(400), tags=["overview"])
def overview(request: Request, principal: Caller, page: Paged,
             sort: Annotated[str, Query(description="One of " + ", ".join(OVERVIEW_SORTS))] = "ags",
             order: Annotated[Literal["asc", "desc"],
                              Query(description="Ties are broken by AGS; missing values come last")] = "asc",
             state: Annotated[str | None, Query(description="A Land, two letters")] = None,
             workflow: Annotated[str | None, Query(description="The workflow variant")] = None,
             phase: Annotated[str | None, Query(description="The phase's id")] = None,
             overdue: Annotated[bool | None, Query(description="Only (true) or no (false) overdue cycles")] = None,
             ) -> Response:
    """One page of the overview: the status of each municipality (``NoCycleDTO`` before its
    first cycle), filtered, sorted and paged in the database; a filter on the cycle leaves out
    municipalities without one."""
    lang = api_language(request)
    found = door(request).cycles.overview_page(
        lang, ags=door(request).accounts.visible(principal), state=state, workflow=workflow, phase=phase,
        overdue=overdue, sort=_known(sort, OVERVIEW_SORTS, lang), descending=order == "desc", offset=page.offset,
        limit=page.limit)
    return page.window(request, found.total, found.rows)


@router.get("/municipalities/{ags}", summary="One municipality", response_model=MunicipalityDTO,
            responses=problems(404))
def municipality(request: Request, ags: str, principal: Caller) -> Response:
    return json_reply(municipality_for(request, ags, principal=principal)[1])


@router.get("/municipalities/{ags}/people", summary="The people of the working structures",
            response_model=list[PersonDTO], responses=problems(404))
def people(request: Request, ags: str, principal: Caller) -> Response:
    _, found = municipality_for(request, ags, principal=principal)
    return json_reply(door(request).cycles.people(found.ags, api_language(request)))
