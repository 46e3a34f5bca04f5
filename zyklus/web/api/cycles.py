"""``/municipalities/{ags}/cycle``: the running cycle's status (with its ETag), recording a fact,
advancing, moving the deadline; the list of cycles and the history.

Every write names the version it was decided on (If-Match); the door checks it in the writing
transaction, so of two clients holding the same ETag only the first one writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from zyklus.app import commands as c
from zyklus.app.access import Action
from zyklus.app.dto import AdvancedDTO, CycleSummaryDTO, DeadlineSetDTO, FactRecordedDTO, HistoryEntryDTO, StatusDTO
from zyklus.web.api.common import (
    Caller,
    IdempotencyKey,
    Paged,
    RawBody,
    api_language,
    current_etag,
    etag,
    idempotent,
    if_match,
    json_reply,
    problems,
)
from zyklus.web.context import door
from zyklus.web.pages.access import municipality_for

router = APIRouter(tags=["cycles"])
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The cycle's current ETag")]
WRITE_PROBLEMS = problems(400, 403, 404, 409, 412, 428)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FactIn(Body):
    fact: str = Field(max_length=100, description="The fact type's id (gnk-thueringen: `application`, …)")
    values: dict[str, str] = Field(default_factory=dict, description="Field values as text, as on the form")
    on: dt.date | None = Field(default=None, description="The day it happened; today when null")


class AdvanceIn(Body):
    reason: str | None = Field(default=None, max_length=2000)
    on: dt.date | None = None


class DeadlineIn(Body):
    due: dt.date
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/municipalities/{ags}/cycle", summary="Where the cycle stands, what is missing, what comes next",
            response_model=StatusDTO, responses={**problems(404), 304: {"description": "Not modified"}})
def cycle(request: Request, ags: str, principal: Caller) -> Response:
    _, found = municipality_for(request, ags, principal=principal)
    status = door(request).cycles.status(found.ags, api_language(request))
    tag = etag(status.ags, status.cycle, status.lock_version)
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers={"ETag": tag})
    return json_reply(status, headers={"ETag": tag})


@router.get("/municipalities/{ags}/cycles", summary="Every cycle of the municipality",
            response_model=list[CycleSummaryDTO], responses=problems(404))
def cycles(request: Request, ags: str, principal: Caller) -> Response:
    _, found = municipality_for(request, ags, principal=principal)
    return json_reply(door(request).cycles.cycles(found.ags, api_language(request)))


@router.get("/municipalities/{ags}/history", summary="The history, oldest first (one cycle with ?cycle=)",
            response_model=list[HistoryEntryDTO], responses=problems(404))
def history(request: Request, ags: str, principal: Caller, page: Paged, cycle: int | None = None) -> Response:
    _, found = municipality_for(request, ags, principal=principal)
    return page.reply(request, door(request).cycles.history(found.ags, cycle, api_language(request)))


@router.post("/municipalities/{ags}/cycle/facts", summary="Record a fact", status_code=201,
             response_model=FactRecordedDTO, responses=WRITE_PROBLEMS)
def record_fact(request: Request, ags: str, payload: FactIn, principal: Caller, body: RawBody,
                tag: IfMatch = None, idempotency_key: IdempotencyKey = None) -> Response:
    def write() -> Response:
        _, found = municipality_for(request, ags, Action.RECORD, principal)
        recorded = door(request).cycles.record(
            c.RecordFact(ags=found.ags, fact=payload.fact, actor=principal.email, values=payload.values,
                         on=payload.on, expected_version=if_match(request, found.ags, tag)), api_language(request))
        return json_reply(recorded, 201, headers={"ETag": current_etag(request, found.ags)})

    return idempotent(request, principal, idempotency_key, body, write)


@router.post("/municipalities/{ags}/cycle/transitions", summary="Advance to the next phase",
             response_model=AdvancedDTO, responses=WRITE_PROBLEMS)
def advance(request: Request, ags: str, payload: AdvanceIn, principal: Caller, body: RawBody,
            tag: IfMatch = None, idempotency_key: IdempotencyKey = None) -> Response:
    def write() -> Response:
        _, found = municipality_for(request, ags, Action.ADVANCE, principal)
        done = door(request).cycles.advance(
            c.Advance(ags=found.ags, actor=principal.email, on=payload.on, reason=payload.reason,
                      expected_version=if_match(request, found.ags, tag)), api_language(request))
        return json_reply(done, headers={"ETag": current_etag(request, found.ags)})

    return idempotent(request, principal, idempotency_key, body, write)


@router.put("/municipalities/{ags}/cycle/deadline", summary="Move the current phase's deadline",
            response_model=DeadlineSetDTO, responses=problems(403, 404, 409, 412, 428))
def deadline(request: Request, ags: str, payload: DeadlineIn, principal: Caller, tag: IfMatch = None) -> Response:
    _, found = municipality_for(request, ags, Action.ADVANCE, principal)
    moved = door(request).cycles.set_deadline(
        c.SetDeadline(ags=found.ags, due=payload.due, actor=principal.email, reason=payload.reason,
                      expected_version=if_match(request, found.ags, tag)), api_language(request))
    return json_reply(moved, headers={"ETag": current_etag(request, found.ags)})
