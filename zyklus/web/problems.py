"""Which HTTP status a refusal of the door is, for pages and the API alike (RFC 9457 types are
the error codes; see docs/api.md)."""

from __future__ import annotations

from engine.errors import (
    ConfigError,
    Conflict,
    DatabaseBusy,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransitionRefused,
    ZyklusError,
)

_STATUS: tuple[tuple[type[ZyklusError], int], ...] = (
    (NotFound, 404),
    (PermissionDenied, 403),
    (TransitionRefused, 409),
    (Conflict, 409),
    (DatabaseBusy, 503),
    (ConfigError, 500),
    (InvalidInput, 422),
)


def status_of(exc: ZyklusError) -> int:
    from zyklus.app.accounts import LoginRefused

    if isinstance(exc, LoginRefused):
        return 401
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    return 400
