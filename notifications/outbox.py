"""The outbox: idempotent inserts, leased dispatch with exponential backoff, and the operator's view.

Delivery is at-least-once with a stable Message-ID: a row is leased ('sending') before the SMTP
conversation and marked, in a transaction of its own, as soon as the server has answered for
that mail, so a worker killed mid-batch leaves at most the mails in flight (one per connection)
with a lease that expires; those are sent again, recognisably the same message. Nothing is ever
dropped silently: a row ends 'sent' or 'failed', and failed rows stay visible until an operator
retries them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import and_, bindparam, literal_column, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from engine.clock import to_db
from engine.errors import NotFound
from engine.i18n import Language, m
from notifications.ics import method_of
from notifications.mail import HeaderInjectionError, OutgoingMail
from notifications.smtp import DeliveryOutcome, OutcomeSink, Status
from notifications.tables import Outbox

Transport = Callable[[Sequence[OutgoingMail], OutcomeSink], Any]
"""Sends the mails and calls the sink once per mail as soon as its outcome is known."""
LEASE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: int = 300
    max_seconds: int = 86400

    def next_attempt(self, now: dt.datetime, attempts: int) -> dt.datetime:
        """Exponential backoff: base, 2·base, 4·base … capped, counted from the failed attempt."""
        return now + dt.timedelta(seconds=min(self.base_seconds * 2 ** max(attempts - 1, 0), self.max_seconds))


class NewMail(TypedDict):
    """A mail the sweep composed, as the values of its outbox row: building an ``Outbox`` object
    per mail cost the sweep as much as rendering the mail's subject and text (14 % of composing).
    The columns not named here get their defaults (:data:`_DEFAULTS`)."""

    key: str
    cycle_id: int | None
    kind: str
    recipient: str
    recipient_name: str
    language: str
    subject: str
    text: str
    html: str | None
    ics: bytes | None
    calendar_uid: str | None
    message_id: str
    status: str
    next_attempt_at: dt.datetime
    created_at: dt.datetime


_DEFAULTS = {name: field.default for name, field in Outbox.model_fields.items()
             if name != "id" and not field.is_required() and name not in NewMail.__annotations__}
"""digest_key, attempts, lease_until, last_error, reply, sent_at as a new row has them: every
parameter set of one executemany names the same columns."""


def insert_ignoring_duplicates(session: Session, rows: Sequence[Outbox | NewMail]) -> int:
    """INSERT … ON CONFLICT (key) DO NOTHING: a second sweep for the same reminder is a no-op
    even when two sweeps race, on SQLite and PostgreSQL alike."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = [r.model_dump(exclude={"id"}) if isinstance(r, Outbox) else {**_DEFAULTS, **r} for r in rows]
    # Values as executemany parameters, not baked into one statement: the statement compiles once
    # per process instead of once per batch (3× faster for a batch of 200 mails). On the table, in
    # the session's transaction: the ORM's bulk insert around it cost as much as the INSERT.
    table = Outbox.__table__  # type: ignore[attr-defined]
    inserted = session.connection().execute(
        insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id), values).scalars().all()
    return len(inserted)  # RETURNING counts reliably where rowcount of a multi-row INSERT does not


def _due(now: dt.datetime):
    return or_(and_(col(Outbox.status) == "pending", col(Outbox.next_attempt_at) <= now),
               and_(col(Outbox.status) == "sending", col(Outbox.lease_until) < now))


def claim(engine: Engine, now: dt.datetime, limit: int) -> list[Outbox]:
    """Lease due rows atomically: the UPDATE re-checks the condition, so of two workers that
    selected the same row only one gets it back from RETURNING."""
    now = to_db(now)
    with Session(engine, expire_on_commit=False) as session:
        ids = list(session.exec(select(Outbox.id).where(_due(now)).order_by(col(Outbox.next_attempt_at), col(Outbox.id))
                                .limit(limit)))
        if not ids:
            return []
        claimed = list(session.execute(
            update(Outbox).where(col(Outbox.id).in_(ids), _due(now))
            .values(status="sending", lease_until=now + LEASE).returning(Outbox.id)).scalars())
        session.commit()
        rows = list(session.exec(select(Outbox).where(col(Outbox.id).in_(claimed)).order_by(col(Outbox.id))))
    return rows


def to_mail(row: Outbox, sender: str) -> OutgoingMail:
    return OutgoingMail(key=row.key, message_id=row.message_id, sender=sender, recipients=(row.recipient,),
                        subject=row.subject, text=row.text, html=row.html, ics=row.ics, language=row.language,
                        ics_method=method_of(row.ics) if row.ics else "PUBLISH")


def dispatch(engine: Engine, now: dt.datetime, transport: Transport, sender: str, policy: RetryPolicy,
             batch_size: int = 200) -> dict[str, int]:
    """Send what is due, batch by batch, recording each outcome the moment it is known.
    Returns counts per status."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        rows = claim(engine, now, batch_size)
        if not rows:
            return counts
        with engine.connect() as conn:
            recorder = _BatchRecorder(conn, rows, now, policy)
            mails = []
            for row in rows:
                try:
                    mails.append(to_mail(row, sender))
                except HeaderInjectionError as exc:
                    recorder(DeliveryOutcome(row.key, "failed", f"refused: {exc}"))
            if mails:
                transport(mails, recorder)
            recorder.finish()
        for status in recorder.statuses.values():
            counts[status] += 1
        if len(rows) < batch_size:
            return counts


class _BatchRecorder:
    """The outcome sink of one leased batch: each outcome is committed when it arrives, so what
    the server accepted stays accepted even if this process dies a moment later. One connection
    serves the whole batch; between two commits it holds no lock."""

    def __init__(self, conn: Connection, rows: list[Outbox], now: dt.datetime, policy: RetryPolicy) -> None:
        self.conn, self.now, self.policy = conn, now, policy
        self.rows = {row.key: row for row in rows}
        self.statuses: dict[str, Status] = {}

    def __call__(self, outcome: DeliveryOutcome) -> None:
        self.statuses[outcome.key] = record(self.conn, self.rows[outcome.key], outcome, self.now, self.policy)

    def finish(self) -> None:
        """A row the transport gave no outcome for is retried, never left leased until it expires."""
        for key in self.rows.keys() - self.statuses.keys():
            self(DeliveryOutcome(key, "retry", "no outcome from transport"))


def record(conn: Connection, row: Outbox, outcome: DeliveryOutcome, now: dt.datetime, policy: RetryPolicy) -> Status:
    """Record one mail's outcome and commit at once; returns the status it counts as."""
    attempts = row.attempts + 1
    status = outcome.status
    if status == "retry" and attempts >= policy.max_attempts:
        status = "failed"
    now = to_db(now)
    values = {"sent": {"reply": outcome.reply, "sent_at": now},
              "retry": {"error": outcome.reply, "next_attempt_at": policy.next_attempt(now, attempts)},
              "failed": {"error": outcome.reply}}[status]
    conn.execute(_RECORD[status], {"row_id": row.id, "leased_until": row.lease_until, "new_attempts": attempts,
                                   **{f"new_{name}": value for name, value in values.items()}})
    conn.commit()
    return status


def _record_statement(status: str, **values: Any) -> Any:
    """Built once per status: a statement built per mail would cost more than its commit."""
    # Only the lease holder may record: a row re-leased by another worker after our lease expired
    # is theirs now.
    return (update(Outbox).where(col(Outbox.id) == bindparam("row_id"), col(Outbox.status) == "sending",
                                 col(Outbox.lease_until) == bindparam("leased_until"))
            .values(status=status, attempts=bindparam("new_attempts"), lease_until=None, **values))


_RECORD = {
    "sent": _record_statement("sent", reply=bindparam("new_reply"), sent_at=bindparam("new_sent_at"), last_error=None),
    "retry": _record_statement("pending", last_error=bindparam("new_error"),
                               next_attempt_at=bindparam("new_next_attempt_at")),
    "failed": _record_statement("failed", last_error=bindparam("new_error")),
}


_BODY_KEPT = col(Outbox.text) != literal_column("''")
"""The condition of the partial index ix_outbox_body_kept, as a literal: SQLite's planner uses a
partial index for a query that repeats its condition term by term."""


def clear_old_bodies(engine: Engine, now: dt.datetime, retention_days: int) -> int:
    """Empty text, HTML and calendar of mails sent (or merged into a digest) more than
    ``retention_days`` ago; 0 keeps them forever. The row stays — key, recipient, subject,
    status, sent_at, Message-ID — so the record remains and the sweep never composes the mail
    again. Cleared rows leave the partial index, so each sweep touches only what just aged out.
    Returns the number of mails cleared."""
    if retention_days <= 0:
        return 0
    with engine.begin() as conn:
        return conn.execute(clear_bodies_statement(to_db(now) - dt.timedelta(days=retention_days))).rowcount


def clear_bodies_statement(cutoff: dt.datetime) -> Any:
    """Digested rows have no sent_at; they went out inside their digest by the day they were made."""
    return (update(Outbox).where(_BODY_KEPT, col(Outbox.status).in_(("sent", "digested")),
                                 col(Outbox.created_at) < cutoff,
                                 or_(col(Outbox.status) == "digested", col(Outbox.sent_at) < cutoff))
            .values(text="", html=None, ics=None))


def listing(engine: Engine, *, failed_only: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    with Session(engine) as session:
        query = select(Outbox).order_by(col(Outbox.id).desc()).limit(limit)
        if failed_only:
            query = query.where(Outbox.status == "failed")
        return [{"id": r.id, "status": r.status, "kind": r.kind, "recipient": r.recipient, "subject": r.subject,
                 "attempts": r.attempts, "next_attempt_at": r.next_attempt_at.isoformat(),
                 "last_error": r.last_error, "reply": r.reply, "message_id": r.message_id,
                 "sent_at": r.sent_at.isoformat() if r.sent_at else None, "key": r.key}
                for r in session.exec(query)]


def retry(engine: Engine, outbox_id: int, now: dt.datetime, lang: Language = "de") -> Outbox:
    """An operator sends a failed (or waiting) mail again now, with a fresh set of attempts."""
    with Session(engine, expire_on_commit=False) as session:
        row = session.get(Outbox, outbox_id)
        if row is None or row.status not in ("failed", "pending"):
            raise NotFound(m("outbox.unknown", lang, id=outbox_id))
        row.status, row.attempts, row.next_attempt_at, row.lease_until = "pending", 0, to_db(now), None
        session.add(row)
        session.commit()
        return row
