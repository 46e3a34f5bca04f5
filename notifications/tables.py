"""Timers and the outbox: every reminder and mail is a durable row before any side effect."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, text
from sqlmodel import Field, SQLModel


class Timer(SQLModel, table=True):
    """A reminder due at ``fire_at``. Claimed once (``claimed_at``) by exactly one sweep."""

    __table_args__ = (Index("ix_timer_due", "claimed_at", "fire_at"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", index=True)
    phase: str = Field(max_length=100)
    kind: str = Field(max_length=20)
    """enter | before | due | overdue | escalation | review | event | cycle_started | values_due |
    stale_measures (the last two: one per cycle and day, see notifications/monitoring.py) |
    cancel (claimed when planned: the record of a calendar cancellation, notifications/cancellations.py)"""
    rule: str = Field(max_length=100)
    occurrence: int = 1
    sequence: int = 0
    """Generation of the phase's deadline; grows when the deadline changes (iCalendar SEQUENCE)."""
    fire_on: dt.date
    fire_at: dt.datetime
    due_on: dt.date | None = None
    """The deadline (or event date) this reminder is about."""
    label: str | None = Field(default=None, max_length=300)
    roles: list[str] = Field(sa_column=Column(JSON, nullable=False))
    claimed_at: dt.datetime | None = None
    outcome: str | None = Field(default=None, max_length=20)
    """queued | superseded | stale (the cycle moved on) | missed (its date had passed) |
    satisfied (a monitoring reminder with nothing left to ask for: values recorded, measures moved) |
    failed (planning or composing it raised ``max_attempts`` times; `zyklus timers retry` revives it)."""
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """Sweeps in which this reminder failed; a failing reminder never holds up the others of its batch."""
    retry_at: dt.datetime | None = None
    """After a failure: not before this moment (backoff of the mail RetryPolicy), still unclaimed."""
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    """The last failure in one line (exception type and message); the traceback is in the log."""


class Outbox(SQLModel, table=True):
    """One mail to one recipient. The unique key makes a second sweep a no-op."""

    __table_args__ = (Index("ix_outbox_pending", "status", "next_attempt_at"),
                      # the mails whose body is still stored: what retention (`[mail] retention_days`) looks at
                      Index("ix_outbox_body_kept", "status", "created_at", sqlite_where=text("text != ''"),
                            postgresql_where=text("text != ''")))

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, unique=True)
    cycle_id: int | None = Field(default=None, foreign_key="cycle.id", index=True)
    kind: str = Field(max_length=20)
    recipient: str = Field(max_length=254, index=True)
    recipient_name: str = Field(max_length=200)
    language: str = Field(default="de", max_length=2)
    subject: str = Field(max_length=998)
    text: str = Field(sa_column=Column(Text, nullable=False))
    html: str | None = Field(default=None, sa_column=Column(Text))
    ics: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    calendar_uid: str | None = Field(default=None, max_length=300)
    """The UID of the calendar entry ``ics`` carries: who got an entry is told when it is cancelled."""
    message_id: str = Field(max_length=200)
    status: str = Field(default="pending", max_length=20)
    """held (waits for the recipient's digest) | pending | sending | sent | failed | digested |
    cancelled (the recipient was erased before it went out)"""
    digest_key: str | None = Field(default=None, max_length=400)
    attempts: int = 0
    next_attempt_at: dt.datetime
    lease_until: dt.datetime | None = None
    """A 'sending' row whose lease ran out belongs to a worker that died; it is sent again."""
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    reply: str | None = Field(default=None, sa_column=Column(Text))
    created_at: dt.datetime
    sent_at: dt.datetime | None = None


class RunTimer(SQLModel, table=True):
    """A reminder of a programme run's event (a network conference) for one participating
    municipality: its coordinators get it ``rule`` (an ISO duration) before the event. Planned
    when the event or the participants change (notifications/run_reminders.py), claimed once."""

    __tablename__ = "run_timer"
    __table_args__ = (Index("ix_run_timer_due", "claimed_at", "fire_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="run_event.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    rule: str = Field(max_length=20)
    sequence: int = 0
    """The event's SEQUENCE when planned: a moved event's reminders are new ones."""
    fire_on: dt.date
    fire_at: dt.datetime
    claimed_at: dt.datetime | None = None
    outcome: str | None = Field(default=None, max_length=20)
    """queued | stale (the municipality no longer takes part)"""
