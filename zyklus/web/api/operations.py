"""The operator's resources (administrators only): the outbox with a retry of a mail, and the
accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from zyklus.app.dto import AccountDTO, OutboxRowDTO
from zyklus.web.api.common import Admin, IdempotencyKey, Paged, RawBody, api_language, idempotent, json_reply, problems
from zyklus.web.context import door

router = APIRouter(tags=["operations"])


@router.get("/outbox", summary="The mails of the outbox (only the failed ones with ?failed=true)",
            response_model=list[OutboxRowDTO], responses=problems(403))
def outbox(request: Request, principal: Admin, page: Paged,
           failed: Annotated[bool, Query(description="Only mails given up")] = False) -> Response:
    return page.reply(request, door(request).reminders.outbox(failed_only=failed))


@router.post("/outbox/{outbox_id}/retry", summary="Send a failed mail again with the next sweep",
             response_model=OutboxRowDTO, responses=problems(400, 403, 404, 409))
def retry(request: Request, outbox_id: int, principal: Admin, body: RawBody,
          idempotency_key: IdempotencyKey = None) -> Response:
    def write() -> Response:
        reminders = door(request).reminders
        retried = reminders.retry_mail(outbox_id, api_language(request))
        return json_reply(next(row for row in reminders.outbox() if row.id == retried))

    return idempotent(request, principal, idempotency_key, body, write)


@router.get("/accounts", summary="The accounts of the web app and the API", response_model=list[AccountDTO],
            responses=problems(403))
def accounts(request: Request, principal: Admin) -> Response:
    return json_reply(door(request).accounts.list())
