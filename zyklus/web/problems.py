"""Which HTTP status a refusal of the door is, for pages and the API alike, and the API's form of
it: ``application/problem+json`` (RFC 9457) whose ``type`` is the error's code (docs/api.md)."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from engine.errors import (
    ConfigError,
    Conflict,
    DatabaseBusy,
    InvalidInput,
    NotFound,
    NotInstalled,
    PermissionDenied,
    TransitionRefused,
    VersionMismatch,
    ZyklusError,
)
from engine.i18n import Language

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:zyklus:error:"


class PreconditionRequired(ZyklusError):
    """A write to a cycle without If-Match: the API refuses to guess which version it changes."""


class WithStatus(ZyklusError):
    """A refusal of the HTTP layer itself with its status: a path or method under /api/v1 the API
    does not have (Starlette's 404 and 405), a bug (500)."""

    def __init__(self, message: Any, status: int) -> None:
        super().__init__(message)
        self.status = status


_STATUS: tuple[tuple[type[ZyklusError], int], ...] = (
    (NotFound, 404),
    (PermissionDenied, 403),
    (TransitionRefused, 409),
    (VersionMismatch, 412),
    (Conflict, 409),
    (PreconditionRequired, 428),
    (DatabaseBusy, 503),
    (NotInstalled, 501),
    (ConfigError, 500),
    (InvalidInput, 422),
)


def status_of(exc: ZyklusError) -> int:
    from zyklus.app.accounts import LoginRefused

    if isinstance(exc, LoginRefused):
        return 401
    if isinstance(exc, WithStatus):
        return exc.status
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    return 400


class Problem(BaseModel):
    """An API error (RFC 9457). ``code`` and ``type`` are stable; ``detail`` is in the caller's
    language; ``params`` are the values the sentence was made from."""

    type: str = Field(examples=["urn:zyklus:error:cycle.stale"])
    title: str
    status: int
    detail: str
    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    unmet: list[dict[str, Any]] | None = None
    """A refused transition (409 ``transition.refused``): the blocking conditions not met."""


def json_safe(value: Any) -> Any:
    """Dates, Message objects and other params as JSON can carry them (their text)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def problem(exc: ZyklusError, lang: Language, headers: dict[str, str] | None = None) -> JSONResponse:
    status = status_of(exc)
    code = exc.code or "error"
    body = Problem(type=TYPE_PREFIX + code, title=HTTPStatus(status).phrase, status=status,
                   detail=exc.render(lang), code=code, params=json_safe(exc.params),
                   unmet=json_safe([r.as_dict() for r in exc.unmet]) if isinstance(exc, TransitionRefused) else None)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON,
                        headers=headers)
