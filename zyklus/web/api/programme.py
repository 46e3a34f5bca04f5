"""The action programme of a municipality's cycle: indicators, goals, measures, the evaluation
and the report (``?cycle=`` for an earlier cycle; the current one otherwise), and its writes.

A yearly value, a target and the baseline are resources of their own (``PUT`` to set or correct,
``DELETE`` to remove), so a retried request changes nothing twice; creating a goal or a measure is
a ``POST`` that takes an Idempotency-Key; ``PATCH`` corrects one (a member left out stays, a null
clears it) and ``DELETE`` removes it. Writes do not carry If-Match: the programme is not the
cycle's state machine, and every correction keeps the old value in the history (``/history``).
Numbers are JSON numbers and years JSON integers: no text to read in a language's notation.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from zyklus.app.access import Action
from zyklus.app.dto import (
    EvaluationDTO,
    GoalDTO,
    GoalLevel,
    IndicatorDTO,
    MeasureDTO,
    RemovedDTO,
    TargetSetDTO,
    ValueRecordedDTO,
    YearValueDTO,
)
from zyklus.web.api.common import Caller, IdempotencyKey, RawBody, api_language, idempotent, json_reply, problems
from zyklus.web.context import door
from zyklus.web.pages.access import municipality_for

router = APIRouter(tags=["programme"])
WRITE_PROBLEMS = problems(400, 403, 404, 409)
Year = Field(strict=True, description="A calendar year, a JSON integer")
Number = Field(strict=True, allow_inf_nan=False, description="A JSON number: 4000, never text such as \"4.000\" "
                                                            "(which a German reads as four thousand)")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValueIn(Body):
    value: float = Number
    source: str | None = Field(default=None, max_length=300)
    reason: str | None = Field(default=None, max_length=2000, description="Why a recorded value is corrected")


class TargetIn(Body):
    value: float = Number


class BaselineIn(Body):
    year: int = Year
    value: float = Number


class GoalIn(Body):
    id: str = Field(max_length=64, description="The goal's id, e.g. klima-1")
    title: str = Field(max_length=300)
    level: GoalLevel = "strategic"
    parent: str | None = Field(default=None, max_length=64)
    theme_field: str | None = Field(default=None, max_length=200)
    target_year: int | None = Field(default=None, strict=True)
    sdg: int | None = Field(default=None, strict=True, ge=1, le=17)
    sdg_target: str | None = Field(default=None, max_length=10)


class MeasureIn(Body):
    id: str = Field(max_length=64, description="The measure's id, e.g. m-radwege")
    title: str = Field(max_length=300)
    goal: str | None = Field(default=None, max_length=64)
    theme_field: str | None = Field(default=None, max_length=200)
    responsible: str | None = Field(default=None, max_length=300)
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    costs: float | None = Field(default=None, strict=True, allow_inf_nan=False, description="Planned costs in euros")
    staff: float | None = Field(default=None, strict=True, allow_inf_nan=False,
                                description="Planned staff in full-time equivalents")
    progress: int | None = Field(default=None, strict=True, description="Per cent, 0–100")


class GoalPatch(Body):
    """A correction of a goal: the members sent change (null clears an optional one), the others stay."""
    title: str | None = Field(default=None, max_length=300)
    level: GoalLevel | None = None
    parent: str | None = Field(default=None, max_length=64, description="The new parent goal's id; null: none")
    theme_field: str | None = Field(default=None, max_length=200)
    target_year: int | None = Field(default=None, strict=True)
    sdg: int | None = Field(default=None, strict=True, ge=1, le=17)
    sdg_target: str | None = Field(default=None, max_length=10)
    reason: str | None = Field(default=None, max_length=500, description="Why, for the history")


class MeasurePatch(Body):
    """A correction of a measure's plan (its status has ``PUT …/status``); as :class:`GoalPatch`."""
    title: str | None = Field(default=None, max_length=300)
    goal: str | None = Field(default=None, max_length=64, description="The goal's id; null: none (the theme stays)")
    theme_field: str | None = Field(default=None, max_length=200)
    responsible: str | None = Field(default=None, max_length=300)
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    costs: float | None = Field(default=None, strict=True, allow_inf_nan=False)
    staff: float | None = Field(default=None, strict=True, allow_inf_nan=False)
    progress: int | None = Field(default=None, strict=True)
    reason: str | None = Field(default=None, max_length=500, description="Why, for the history")


def _edits(payload: Body) -> dict[str, object]:
    """The members a PATCH sent, as the door takes them: a null is the empty value that clears."""
    return {name: "" if value is None else value
            for name, value in payload.model_dump(exclude_unset=True).items() if name != "reason"}


class StatusIn(Body):
    status: str = Field(max_length=20, description="planned, in_progress, done, delayed or dropped")
    on: dt.date | None = Field(default=None, description="The day; today when null")
    note: str | None = Field(default=None, max_length=2000)


def _ags(request: Request, ags: str, principal: Caller, action: Action = Action.READ) -> str:
    return municipality_for(request, ags, action, principal)[1].ags


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


def report_format(request: Request, format: str | None) -> str:
    """``?format=pdf`` wins; without it ``Accept: application/pdf`` (and not text/html) asks for
    the PDF, so a plain browser or ``curl`` gets the HTML as before."""
    if format is not None:
        return format
    accept = request.headers.get("accept", "")
    return "pdf" if "application/pdf" in accept and "text/html" not in accept else "html"


@router.get("/municipalities/{ags}/report",
            summary="The sustainability report: one HTML document, or a tagged PDF with ?format=pdf",
            response_class=HTMLResponse, responses={**problems(404), 200: {"content": {"application/pdf": {}}}})
def report(request: Request, ags: str, principal: Caller, cycle: int | None = None,
           format: Literal["html", "pdf"] | None = None) -> Response:  # noqa: A002 - the query parameter's name
    place, lang = _ags(request, ags, principal), api_language(request)
    if report_format(request, format) == "pdf":
        return Response(door(request).programme.report_pdf(place, cycle, lang), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="bericht-{place}.pdf"'})
    html = door(request).programme.report_html(place, cycle, lang)
    return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                                  "img-src data:"})


# -- writes (the core team records; see zyklus.app.access) ---------------------------------------------
@router.put("/municipalities/{ags}/indicators/{key}/values/{year}", summary="Record or correct a yearly value",
            response_model=ValueRecordedDTO, responses=WRITE_PROBLEMS)
def put_value(request: Request, ags: str, key: str, year: int, payload: ValueIn, principal: Caller) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.record_value(place, key, year, payload.value, actor=principal.email,
                                                           source=payload.source, reason=payload.reason,
                                                           lang=api_language(request)))


@router.delete("/municipalities/{ags}/indicators/{key}/values/{year}", summary="Remove a value recorded by mistake",
               response_model=YearValueDTO, responses=WRITE_PROBLEMS)
def delete_value(request: Request, ags: str, key: str, year: int, principal: Caller,
                 reason: str | None = None) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.delete_value(place, key, year, actor=principal.email,
                                                           reason=reason, lang=api_language(request)))


@router.put("/municipalities/{ags}/indicators/{key}/targets/{year}", summary="Set or change a target",
            response_model=TargetSetDTO, responses=WRITE_PROBLEMS)
def put_target(request: Request, ags: str, key: str, year: int, payload: TargetIn, principal: Caller) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.set_target(place, key, year, payload.value, actor=principal.email,
                                                         lang=api_language(request)))


@router.delete("/municipalities/{ags}/indicators/{key}/targets/{year}", summary="Remove a target set by mistake",
               response_model=YearValueDTO, responses=WRITE_PROBLEMS)
def delete_target(request: Request, ags: str, key: str, year: int, principal: Caller,
                  reason: str | None = None) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.delete_target(place, key, year, actor=principal.email,
                                                            reason=reason, lang=api_language(request)))


@router.put("/municipalities/{ags}/indicators/{key}/baseline", summary="Set the baseline",
            response_model=TargetSetDTO, responses=WRITE_PROBLEMS)
def put_baseline(request: Request, ags: str, key: str, payload: BaselineIn, principal: Caller) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.set_baseline(place, key, payload.year, payload.value,
                                                           actor=principal.email, lang=api_language(request)))


@router.post("/municipalities/{ags}/goals", summary="Add a guideline or a goal", status_code=201,
             response_model=GoalDTO, responses=WRITE_PROBLEMS)
def post_goal(request: Request, ags: str, payload: GoalIn, principal: Caller, body: RawBody,
              idempotency_key: IdempotencyKey = None) -> Response:
    def write() -> Response:
        place = _ags(request, ags, principal, Action.RECORD)
        added = door(request).programme.add_goal(
            place, payload.id, title=payload.title, level=payload.level, parent=payload.parent,
            theme_field=payload.theme_field, target_year=payload.target_year, sdg=payload.sdg,
            sdg_target=payload.sdg_target, actor=principal.email, lang=api_language(request))
        return json_reply(added, 201)

    return idempotent(request, principal, idempotency_key, body, write)


@router.post("/municipalities/{ags}/measures", summary="Add a measure with its resource planning", status_code=201,
             response_model=MeasureDTO, responses=WRITE_PROBLEMS)
def post_measure(request: Request, ags: str, payload: MeasureIn, principal: Caller, body: RawBody,
                 idempotency_key: IdempotencyKey = None) -> Response:
    def write() -> Response:
        place, lang = _ags(request, ags, principal, Action.RECORD), api_language(request)
        programme = door(request).programme
        key = programme.add_measure(
            place, payload.id, title=payload.title, goal=payload.goal, theme_field=payload.theme_field,
            responsible=payload.responsible, planned_start=payload.planned_start, planned_end=payload.planned_end,
            costs=payload.costs, staff=payload.staff, progress=payload.progress, actor=principal.email, lang=lang)
        return json_reply(programme.measure(place, key, lang), 201)

    return idempotent(request, principal, idempotency_key, body, write)


@router.put("/municipalities/{ags}/measures/{key}/status", summary="Record a measure's status",
            response_model=MeasureDTO, responses=WRITE_PROBLEMS)
def put_measure_status(request: Request, ags: str, key: str, payload: StatusIn, principal: Caller) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.set_measure_status(place, key, payload.status, actor=principal.email,
                                                                 on=payload.on, note=payload.note,
                                                                 lang=api_language(request)))


@router.patch("/municipalities/{ags}/goals/{key}", summary="Correct a goal or move it in the tree",
              response_model=GoalDTO, responses=WRITE_PROBLEMS)
def patch_goal(request: Request, ags: str, key: str, payload: GoalPatch, principal: Caller) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.update_goal(place, key, actor=principal.email, reason=payload.reason,
                                                          lang=api_language(request), **_edits(payload)))


@router.delete("/municipalities/{ags}/goals/{key}", summary="Remove a goal with nothing below it",
               response_model=RemovedDTO, responses=WRITE_PROBLEMS)
def delete_goal(request: Request, ags: str, key: str, principal: Caller, reason: str | None = None) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.delete_goal(place, key, actor=principal.email, reason=reason,
                                                          lang=api_language(request)))


@router.patch("/municipalities/{ags}/measures/{key}", summary="Correct a measure's plan",
              response_model=MeasureDTO, responses=WRITE_PROBLEMS)
def patch_measure(request: Request, ags: str, key: str, payload: MeasurePatch, principal: Caller) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.update_measure(place, key, actor=principal.email,
                                                             reason=payload.reason, lang=api_language(request),
                                                             **_edits(payload)))


@router.delete("/municipalities/{ags}/measures/{key}", summary="Remove a measure entered by mistake",
               response_model=RemovedDTO, responses=WRITE_PROBLEMS)
def delete_measure(request: Request, ags: str, key: str, principal: Caller, reason: str | None = None) -> Response:
    place = _ags(request, ags, principal, Action.RECORD)
    return json_reply(door(request).programme.delete_measure(place, key, actor=principal.email, reason=reason,
                                                             lang=api_language(request)))
