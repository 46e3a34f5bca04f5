"""What every API resource shares: the bearer token, the caller's language, pagination, the
cycle's ETag and If-Match, Idempotency-Key, and the problem responses the OpenAPI document lists.

The principal of a token is put where the pages keep theirs (``request.state.principal``), so the
one access check (zyklus.web.pages.access.municipality_for) and the language of the door's
answers are the same for a page and an API call. The API never reads the session cookie: a
browser's session cannot be used to call it from another site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Header, Query
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine.errors import PermissionDenied, VersionMismatch
from engine.i18n import Language, m
from zyklus.app.access import Principal
from zyklus.app.accounts import LoginRefused
from zyklus.app.dto import DTO
from zyklus.app.idempotency import Reply, fingerprint
from zyklus.web.context import door, state
from zyklus.web.i18n import negotiate
from zyklus.web.problems import PROBLEM_JSON, PreconditionRequired, Problem

PREFIX = "/api/v1"
REPLAYED_HEADERS = ("etag", "location")
"""The headers of a kept reply that a replay repeats."""


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI entries of the problem responses an operation may give."""
    return {status: {"model": Problem, "content": {PROBLEM_JSON: {}}} for status in (401, 422, *statuses)}


def api_language(request: Request) -> Language:
    """The account's language once the token is known, before that the Accept-Language header."""
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        return principal.language
    return negotiate(request.headers.get("accept-language"), state(request).settings.language)


def bearer(request: Request) -> Principal:
    """FastAPI dependency: the principal of ``Authorization: Bearer <token>``; 401 otherwise."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    principal = door(request).accounts.api_principal(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if principal is None:
        raise LoginRefused(m("api.unauthorized", api_language(request)))
    request.state.principal = principal
    return principal


def administrator(principal: Annotated[Principal, Depends(bearer)], request: Request) -> Principal:
    """FastAPI dependency for the operator's resources (outbox, accounts)."""
    if not principal.is_admin:
        raise PermissionDenied(m("access.admin_only", principal.language))
    return principal


Caller = Annotated[Principal, Depends(bearer)]
Admin = Annotated[Principal, Depends(administrator)]


def json_reply(value: DTO | list[DTO], status_code: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    """The door's DTOs exactly as ``--json`` prints them."""
    body = [item.as_json() for item in value] if isinstance(value, list) else value.as_json()
    return JSONResponse(body, status_code=status_code, headers=headers)


# -- pagination -------------------------------------------------------------------------------------
class Page:
    """``?limit=&offset=`` of a listing; the total goes into ``X-Total-Count``, the next page
    into a ``Link`` header (RFC 8288) with ``rel="next"``."""

    def __init__(self, limit: Annotated[int, Query(ge=1, le=500, description="Entries per page")] = 100,
                 offset: Annotated[int, Query(ge=0, description="Entries to skip")] = 0) -> None:
        self.limit, self.offset = limit, offset

    def reply(self, request: Request, items: list[Any]) -> JSONResponse:
        """A reply of the page of ``items`` (the whole listing, cut here)."""
        return self.window(request, len(items), items[self.offset:self.offset + self.limit])

    def window(self, request: Request, total: int, chosen: list[Any]) -> JSONResponse:
        """A reply of ``chosen``, the page the door already cut from ``total`` entries."""
        headers = {"X-Total-Count": str(total)}
        links = []
        if self.offset + self.limit < total:
            links.append(f'<{request.url.include_query_params(limit=self.limit, offset=self.offset + self.limit)}>; rel="next"')
        if self.offset > 0:
            previous = max(min(self.offset - self.limit, total - self.limit), 0)
            links.append(f'<{request.url.include_query_params(limit=self.limit, offset=previous)}>; rel="prev"')
        if links:
            headers["Link"] = ", ".join(links)
        return JSONResponse([item.as_json() for item in chosen], headers=headers)


Paged = Annotated[Page, Depends()]


# -- the cycle's version ---------------------------------------------------------------------------
_TAG = re.compile(r'"([0-9]{8})-([0-9]+)-([0-9]+)"')


def etag(ags: str, cycle: int, version: int) -> str:
    """A strong ETag: the municipality, the cycle's number and its lock version. The number is
    part of it because a new cycle starts counting its versions again."""
    return f'"{ags}-{cycle}-{version}"'


def if_match(request: Request, ags: str, header: str | None) -> tuple[int, int]:
    """The ``(cycle, lock_version)`` the client's If-Match names: missing → 428; one that cannot
    be this municipality's current cycle (another AGS, a weak tag, ``*``) → 412 with the current
    ETag. Whether it is still current is checked by the door in the writing transaction."""
    lang = api_language(request)
    if not header:
        raise PreconditionRequired(m("request.if_match_required", lang))
    for match in _TAG.finditer(header):
        start = match.start()
        weak = header[max(start - 2, 0):start] == "W/"
        if match[1] == ags and not weak:
            return int(match[2]), int(match[3])
    current = door(request).cycles.status(ags, lang)
    raise VersionMismatch(m("cycle.stale", lang, ags=ags, cycle=current.cycle, version=current.lock_version))


def current_etag(request: Request, ags: str) -> str:
    status = door(request).cycles.status(ags, api_language(request))
    return etag(status.ags, status.cycle, status.lock_version)


# -- Idempotency-Key -------------------------------------------------------------------------------
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key",
                                               description="Up to 200 characters; a retry with the same key and "
                                                           "the same request gets the first reply")]


async def raw_body(request: Request) -> bytes:
    """FastAPI dependency: the body as sent (read once; the JSON model is parsed from the same bytes)."""
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def idempotent(request: Request, principal: Principal, key: str | None, body: bytes,
               write: Callable[[], Response]) -> Response:
    """Run ``write`` once per Idempotency-Key: a retry of the same request gets the kept reply
    (marked ``Idempotent-Replayed: true``) and writes nothing; without a key, ``write`` just runs."""
    if key is None:
        return write()
    keeper = door(request).idempotency
    lang = api_language(request)
    request_id = fingerprint(request.method, request.url.path, body)
    kept = keeper.replay(principal.account_id, key, request_id, lang)
    if kept is not None:
        return Response(kept.body, status_code=kept.status_code, media_type="application/json",
                        headers={**kept.headers, "Idempotent-Replayed": "true"})
    response = write()
    if 200 <= response.status_code < 300:
        headers = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}
        keeper.keep(principal.account_id, key, request_id,
                    Reply(response.status_code, bytes(response.body).decode("utf-8"), headers))
    return response
