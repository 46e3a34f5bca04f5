"""The action programme of a municipality's cycle: indicators, goals, measures, the evaluation
and the report (``?cycle=`` for an earlier cycle; the current one otherwise)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from zyklus.app.dto import EvaluationDTO, GoalDTO, IndicatorDTO, MeasureDTO
from zyklus.web.api.common import Caller, api_language, json_reply, problems
from zyklus.web.context import door
from zyklus.web.pages.access import municipality_for

router = APIRouter(tags=["programme"])


def _ags(request: Request, ags: str, principal: Caller) -> str:
    return municipality_for(request, ags, principal=principal)[1].ags


@router.get("/municipalities/{ags}/indicators", summary="The cycle's indicators with values and targets",
            response_model=list[IndicatorDTO], responses=problems(404))
def indicators(request: Request, ags: str, principal: Caller, cycle: int | None = None) -> Response:
    return json_reply(door(request).programme.indicators(_ags(request, ags, principal), cycle, api_language(request)))


@router.get("/municipalities/{ags}/goals", summary="The cycle's goals", response_model=list[GoalDTO],
            responses=problems(404))
def goals(request: Request, ags: str, principal: Caller, cycle: int | None = None) -> Response:
    return json_reply(door(request).programme.goals(_ags(request, ags, principal), cycle, api_language(request)))


@router.get("/municipalities/{ags}/measures", summary="The cycle's measures", response_model=list[MeasureDTO],
            responses=problems(404))
def measures(request: Request, ags: str, principal: Caller, cycle: int | None = None) -> Response:
    return json_reply(door(request).programme.measures(_ags(request, ags, principal), cycle, api_language(request)))


@router.get("/municipalities/{ags}/evaluation", summary="The evaluation of the indicators and measures",
            response_model=EvaluationDTO, responses=problems(404))
def evaluation(request: Request, ags: str, principal: Caller, cycle: int | None = None) -> Response:
    return json_reply(door(request).programme.evaluate(_ags(request, ags, principal), cycle, api_language(request)))


@router.get("/municipalities/{ags}/report", summary="The sustainability report (one HTML document)",
            response_class=HTMLResponse, responses=problems(404))
def report(request: Request, ags: str, principal: Caller, cycle: int | None = None) -> Response:
    html = door(request).programme.report_html(_ags(request, ags, principal), cycle, api_language(request))
    return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                                  "img-src data:"})
