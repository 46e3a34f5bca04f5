"""The tables of who may sign in: accounts, their browser sessions, one-time password links,
personal API tokens, advisors' scopes and the replies kept for idempotent API requests.

An account is an e-mail address, not a person row: the same address may be registered in several
municipalities (a Landkreis coordinator), and an advisor or administrator is registered in none.
What the account may see follows from the person rows with its address and from its scopes
(zyklus.app.access). Every secret is stored as a SHA-256 digest (tokens) or an argon2id hash
(passwords), never as typed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Account(SQLModel, table=True):
    __table_args__ = (CheckConstraint("email = lower(email)", name="ck_account_email_lower"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    password_hash: str | None = Field(default=None, max_length=200)
    """argon2id; None until the person has set a password through a mailed link."""
    is_admin: bool = False
    language: str = Field(default="de", max_length=2)
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    calendar_token: str | None = Field(default=None, max_length=64, index=True)
    """SHA-256 of the personal calendar feed's token; regenerating it invalidates the old URL."""
    created_at: dt.datetime


class AdvisorScope(SQLModel, table=True):
    """An advisor reads every municipality of a Land (``state``), one municipality (``ags``) or
    the municipalities taking part in a programme run today (``run_id``, zyklus/app/runs.py)."""

    __tablename__ = "advisor_scope"
    __table_args__ = (UniqueConstraint("account_id", "state", "ags", name="uq_advisor_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    state: str | None = Field(default=None, max_length=2)
    ags: str | None = Field(default=None, max_length=8)
    run_id: int | None = Field(default=None, foreign_key="programme_run.id", index=True)


class AccountLink(SQLModel, table=True):
    """A mailed one-time link to set a password (the first one or after forgetting it)."""

    __tablename__ = "account_link"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token: str = Field(max_length=64, unique=True)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    created_at: dt.datetime


class WebSession(SQLModel, table=True):
    """A signed-in browser. Kept in the database, so logging out, a password change or an
    administrator ends it at once on every worker."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token: str = Field(max_length=64, unique=True)
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime


class LoginFailure(SQLModel, table=True):
    """A refused login from one client (its address as a SHA-256 digest), kept only for ``[web]
    lockout_minutes``: many refusals from one client across accounts (password spraying) pause
    that client, which the lockout of each account alone would not."""

    __tablename__ = "login_failure"

    id: int | None = Field(default=None, primary_key=True)
    client: str = Field(max_length=64, index=True)
    at: dt.datetime = Field(index=True)


class ApiToken(SQLModel, table=True):
    """A personal token for the REST API: shown once, stored as a digest, revocable."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    name: str = Field(max_length=100)
    token: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    """The first characters of the token, shown in listings so a person can tell tokens apart."""
    created_at: dt.datetime
    last_used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


class IdempotentReply(SQLModel, table=True):
    """The first reply to a POST with an ``Idempotency-Key``: a retry gets it again and writes
    nothing twice. The request's digest detects a key reused for a different request."""

    __tablename__ = "idempotent_reply"
    __table_args__ = (UniqueConstraint("account_id", "key", name="uq_idempotent_reply"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    key: str = Field(max_length=200)
    request: str = Field(max_length=64)
    status_code: int
    body: str = Field(sa_column=Column(Text, nullable=False))
    headers: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    created_at: dt.datetime
