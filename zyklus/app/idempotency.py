"""The door's memory of replies to POST requests that carried an ``Idempotency-Key``.

A client that lost the answer to a write (a timeout, a dropped connection) sends the same request
again with the same key; it gets the first reply again and nothing is written twice. The key is
the client's, so it is kept per account; the request's SHA-256 (method, path and body) tells a
retry from a second, different request that reuses the key by mistake, which is refused.
Only replies of writes that succeeded are kept: a refused request wrote nothing and may simply
be sent again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from engine.errors import Conflict, InvalidInput, ZyklusError
from engine.i18n import Language, m
from zyklus.app.account_tables import IdempotentReply

if TYPE_CHECKING:
    from engine.service import Service

KEY_MAX = 200


class KeyInvalid(ZyklusError):
    """An Idempotency-Key zyklus cannot keep (empty or longer than 200 characters): a bad request."""


@dataclass(frozen=True)
class Reply:
    """A reply as it was first sent: status, body and the headers worth repeating (an ETag)."""

    status_code: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests the same request."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class Idempotency:
    def __init__(self, service: Service) -> None:
        self._service = service

    @staticmethod
    def checked_key(key: str, lang: Language = "de") -> str:
        key = key.strip()
        if not key or len(key) > KEY_MAX or not key.isprintable():
            raise KeyInvalid(m("idempotency.key_invalid", lang, n=KEY_MAX))
        return key

    def replay(self, account_id: int, key: str, request: str, lang: Language = "de") -> Reply | None:
        """The stored reply to this request under ``key``; None the first time. The same key with
        another request is refused (``idempotency.mismatch``)."""
        key = self.checked_key(key, lang)
        with Session(self._service.engine) as session:
            row = session.exec(select(IdempotentReply).where(IdempotentReply.account_id == account_id,
                                                             IdempotentReply.key == key)).first()
            if row is None:
                return None
            if row.request != request:
                raise InvalidInput(m("idempotency.mismatch", lang, key=key[:40]))
            return Reply(row.status_code, row.body, json.loads(row.headers))

    def keep(self, account_id: int, key: str, request: str, reply: Reply) -> None:
        """Store the first reply; a concurrent twin that stored its own first keeps that one."""
        key = self.checked_key(key)
        try:
            with self._service.unit() as session:
                session.add(IdempotentReply(account_id=account_id, key=key, request=request,
                                            status_code=reply.status_code, body=reply.body,
                                            headers=json.dumps(reply.headers), created_at=self._service.clock.now()))
        except (IntegrityError, Conflict):  # the unique (account, key): the other request was first
            return
