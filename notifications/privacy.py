"""The outbox's part of GDPR access and erasure: mails are personal data too."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from engine.events import DomainEvent, PersonForgotten
from notifications.tables import Outbox


def scrub_outbox(event: DomainEvent, session: Session) -> None:
    """On erasure: unsent mails to the person are cancelled, and no row keeps their address,
    name or the texts addressed to them (salutations name them). Keys and Message-IDs stay, so
    the operator can still see that a mail existed."""
    if not isinstance(event, PersonForgotten):
        return
    session.execute(update(Outbox).where(col(Outbox.recipient) == event.email,
                                         col(Outbox.status).in_(("pending", "held", "sending")))
                    .values(status="cancelled"))
    session.execute(update(Outbox).where(col(Outbox.recipient) == event.email)
                    .values(recipient=event.pseudonym, recipient_name="", subject="", text="", html=None, ics=None,
                            last_error=None, reply=None,
                            key=func.replace(Outbox.key, event.email, event.pseudonym),
                            digest_key=func.replace(Outbox.digest_key, event.email, event.pseudonym)))


def outbox_of(session: Session, email: str) -> list[dict[str, Any]]:
    rows = session.exec(select(Outbox).where(Outbox.recipient == email).order_by(col(Outbox.id)))
    return [{"id": r.id, "status": r.status, "kind": r.kind, "subject": r.subject,
             "created_at": r.created_at.isoformat(), "sent_at": r.sent_at.isoformat() if r.sent_at else None}
            for r in rows]
