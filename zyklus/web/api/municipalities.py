"""``/municipalities``: the municipalities the caller may read, one of them, its people."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from zyklus.app.dto import MunicipalityDTO, PersonDTO
from zyklus.web.api.common import Caller, Paged, api_language, json_reply, problems
from zyklus.web.context import door
from zyklus.web.pages.access import municipality_for

router = APIRouter(tags=["municipalities"])


@router.get("/municipalities", summary="The municipalities the caller may read",
            response_model=list[MunicipalityDTO], responses=problems())
def municipalities(request: Request, principal: Caller, page: Paged) -> Response:
    visible = door(request).accounts.visible(principal)
    rows = [row for row in door(request).cycles.municipalities() if visible is None or row.ags in visible]
    return page.reply(request, rows)


@router.get("/municipalities/{ags}", summary="One municipality", response_model=MunicipalityDTO,
            responses=problems(404))
def municipality(request: Request, ags: str, principal: Caller) -> Response:
    return json_reply(municipality_for(request, ags, principal=principal)[1])


@router.get("/municipalities/{ags}/people", summary="The people of the working structures",
            response_model=list[PersonDTO], responses=problems(404))
def people(request: Request, ags: str, principal: Caller) -> Response:
    _, found = municipality_for(request, ags, principal=principal)
    return json_reply(door(request).cycles.people(found.ags, api_language(request)))
