"""The door's accounts: signing in with an e-mail address and a password, browser sessions,
mailed one-time links, personal API tokens, calendar feed tokens and advisors' scopes.

Tokens are 32 random bytes (URL-safe); the database keeps only their SHA-256, so a copy of the
database opens no session. Passwords are argon2id hashes (argon2-cffi's defaults, RFC 9106's
second recommendation). A login that fails ``[web] login_attempts`` times in a row locks the
account for ``lockout_minutes``; ``client_attempts`` refusals from one client, whatever accounts
it tries (password spraying), pause that client as long. The answer to a wrong address and a
wrong password is the same sentence, so the login form does not tell who has an account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlmodel import Session, col, delete, func, select

from engine import validate
from engine.errors import Conflict, InvalidInput, NotFound, ZyklusError
from engine.i18n import Language, language_of, m, t
from engine.roles import effective_roles
from zyklus.app.access import Principal
from zyklus.app.account_tables import (
    Account,
    AccountLink,
    AdvisorScope,
    ApiToken,
    LoginFailure,
    WebSession,
)
from zyklus.app.dto import AccountDTO, ApiTokenDTO
from zyklus.app.runs import advised_runs

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from engine.events import PersonForgotten
    from engine.service import Service
    from zyklus.config import Settings

PASSWORD_MIN, PASSWORD_MAX = 10, 200


class LoginRefused(ZyklusError):
    """Wrong address or password, or an account locked after too many attempts."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Issued:
    """A secret shown once (a session cookie, a link, an API token) and what it belongs to."""

    token: str
    account: AccountDTO


def _account_dto(row: Account, scopes: Iterable[AdvisorScope] = ()) -> AccountDTO:
    scopes = list(scopes)
    return AccountDTO(email=row.email, name=row.name, is_admin=row.is_admin, language=row.language,
                      has_password=row.password_hash is not None,
                      advisor_states=sorted(s.state for s in scopes if s.state),
                      advisor_ags=sorted(s.ags for s in scopes if s.ags))


def check_password(password: str, email: str, lang: Language) -> str:
    """The password as it will be hashed (NFC), or one clear refusal."""
    password = unicodedata.normalize("NFC", password)
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(m("account.password.short", lang, n=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(m("account.password.long", lang, n=PASSWORD_MAX))
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        raise InvalidInput(m("account.password.control", lang))
    if password.casefold() == email.casefold():
        raise InvalidInput(m("account.password.is_email", lang))
    return password


class Accounts:
    def __init__(self, service: Service, settings: Settings, hasher: PasswordHasher | None = None) -> None:
        self._service = service
        self._settings = settings
        self._chosen_hasher = hasher

    @cached_property
    def _hasher(self) -> PasswordHasher:
        """argon2-cffi's defaults unless the composition root chose other costs (the tests do);
        a hash carries its parameters, so any hash verifies, and a login rehashes one whose
        costs differ from these."""
        from argon2 import PasswordHasher

        return self._chosen_hasher or PasswordHasher()

    def _now(self) -> dt.datetime:
        return self._service.clock.now()

    def _web(self, key: str) -> int:
        return int(self._settings.get("web", key))

    # -- administration ------------------------------------------------------------------------
    def add(self, email: str, *, name: str = "", admin: bool = False, advisor_states: Iterable[str] = (),
            advisor_ags: Iterable[str] = (), language: Language = "de", lang: Language = "de") -> AccountDTO:
        """Create an account (an administrator or an advisor; people of a municipality get theirs
        when they first ask for a password link) or add scopes and rights to an existing one."""
        email = validate.email(email, lang)
        states = [validate.state(s, lang) for s in advisor_states]
        ags_list = [validate.ags(a, lang) for a in advisor_ags]
        with self._service.unit() as session:
            for ags in ags_list:
                self._service.municipality_in(session, ags)
            row = session.exec(select(Account).where(Account.email == email)).first()
            if row is None:
                row = Account(email=email, name=validate.single_line(name, "name", lang) if name else "", language=language,
                              created_at=self._now())
                session.add(row)
            row.is_admin = row.is_admin or admin
            session.flush()
            have = {(s.state, s.ags) for s in self._scopes(session, row.id)}
            for scope in [(s, None) for s in states] + [(None, a) for a in ags_list]:
                if scope not in have:
                    session.add(AdvisorScope(account_id=row.id, state=scope[0], ags=scope[1]))
            session.flush()
            return _account_dto(row, self._scopes(session, row.id))

    def remove(self, email: str, lang: Language = "de") -> None:
        """Delete the account with its sessions, links, tokens and scopes (not the person rows)."""
        email = validate.email(email, lang)
        with self._service.unit() as session:
            row = session.exec(select(Account).where(Account.email == email)).first()
            if row is None:
                raise NotFound(m("account.unknown", lang, email=email))
            delete_account(session, row.id)

    def list(self) -> list[AccountDTO]:
        with Session(self._service.engine) as session:
            rows = session.exec(select(Account).order_by(col(Account.email))).all()
            return [_account_dto(row, self._scopes(session, row.id)) for row in rows]

    @staticmethod
    def _scopes(session: Session, account_id: int | None) -> list[AdvisorScope]:
        return list(session.exec(select(AdvisorScope).where(AdvisorScope.account_id == account_id)).all())

    # -- password links ------------------------------------------------------------------------
    def issue_link(self, email: str, lang: Language = "de") -> Issued | None:
        """A one-time token to set a password, for an account or a person registered in any
        municipality (whose account is created now). None for an address zyklus does not know:
        the caller answers the same either way."""
        from engine.db.tables import Person

        try:
            email = validate.email(email, lang)
        except InvalidInput:
            return None
        now = self._now()
        with self._service.unit() as session:
            row = session.exec(select(Account).where(Account.email == email)).first()
            if row is None:
                person = session.exec(select(Person).where(Person.email == email).order_by(col(Person.id))).first()
                if person is None:
                    return None
                row = Account(email=email, name=person.name, language=language_of(person.language), created_at=now)
                session.add(row)
                session.flush()
            token = new_token()
            session.add(AccountLink(account_id=row.id, token=digest(token), created_at=now,
                                    expires_at=now + dt.timedelta(hours=self._web("link_hours"))))
            return Issued(token, _account_dto(row))

    def mail_link(self, email: str, base_url: str, lang: Language = "de") -> bool:
        """Issue a link and put the mail with it into the outbox (sent by the next delivery);
        False when the address is unknown. The outbox row is written in the same transaction as
        nothing else: a lost mail can be asked for again."""
        from notifications.mail import message_id_for
        from notifications.tables import Outbox

        issued = self.issue_link(email, lang)
        if issued is None:
            return False
        language = language_of(issued.account.language)
        url = f"{base_url.rstrip('/')}/passwort/{issued.token}"
        key = f"account-link:{digest(issued.token)}"
        now = self._now()
        with self._service.unit() as session:
            session.add(Outbox(key=key, kind="account_link", recipient=issued.account.email,
                               recipient_name=issued.account.name, language=language,
                               subject=t("account.link.subject", language),
                               text=t("account.link.text", language, name=issued.account.name or issued.account.email,
                                      url=url, hours=self._web("link_hours")),
                               message_id=message_id_for(key, self._settings.get("mail", "message_id_domain")),
                               next_attempt_at=now, created_at=now))
        return True

    def link_account(self, token: str, lang: Language = "de") -> AccountDTO:
        """The account a still valid link belongs to (the page that asks for the new password)."""
        with Session(self._service.engine) as session:
            _link, row = self._valid_link(session, token, lang)
            return _account_dto(row)

    def _valid_link(self, session: Session, token: str, lang: Language) -> tuple[AccountLink, Account]:
        found = session.exec(select(AccountLink, Account).join(Account)
                             .where(AccountLink.token == digest(token))).first()
        if found is None or found[0].used_at is not None or found[0].expires_at <= self._now():
            raise InvalidInput(m("account.link.invalid", lang))
        return found

    def set_password(self, token: str, password: str, lang: Language = "de") -> AccountDTO:
        """Set the password through a link: the link is used up, every session of the account
        ends and the lockout is lifted."""
        with self._service.unit() as session:
            link, row = self._valid_link(session, token, lang)
            password = check_password(password, row.email, lang)
            row.password_hash = self._hasher.hash(password)
            row.failed_logins, row.locked_until = 0, None
            link.used_at = self._now()
            session.exec(delete(WebSession).where(col(WebSession.account_id) == row.id))
            return _account_dto(row)

    # -- sessions --------------------------------------------------------------------------------
    def login(self, email: str, password: str, lang: Language = "de", *, client: str | None = None) -> Issued:
        """A new session token, or LoginRefused with the same words for every reason but a lock.
        ``client`` is where the attempt comes from (the web app passes the client's address):
        after ``[web] client_attempts`` refusals from one client within ``lockout_minutes``, that
        client is refused whatever account it tries, before any password is checked."""
        now = self._now()
        if client is not None:
            self._refuse_busy_client(digest(client), now, lang)
        try:
            return self._login(email, password, lang, now)
        except LoginRefused:
            if client is not None:
                self._note_failure(digest(client), now)
            raise

    def _refuse_busy_client(self, client: str, now: dt.datetime, lang: Language) -> None:
        window = dt.timedelta(minutes=self._web("lockout_minutes"))
        with Session(self._service.engine) as session:
            recent = session.exec(select(func.count()).select_from(LoginFailure).where(
                LoginFailure.client == client, col(LoginFailure.at) > now - window)).one()
        if recent >= self._web("client_attempts"):
            raise LoginRefused(m("account.login.client_locked", lang, minutes=self._web("lockout_minutes")))

    def _note_failure(self, client: str, now: dt.datetime) -> None:
        """One more refusal on record, and those older than the window gone (they count no more)."""
        window = dt.timedelta(minutes=self._web("lockout_minutes"))
        with self._service.unit() as session:
            session.exec(delete(LoginFailure).where(col(LoginFailure.at) <= now - window))
            session.add(LoginFailure(client=client, at=now))

    def _login(self, email: str, password: str, lang: Language, now: dt.datetime) -> Issued:
        from argon2.exceptions import InvalidHashError, VerificationError

        hasher = self._hasher
        refused = LoginRefused(m("account.login.refused", lang))
        try:
            email = validate.email(email, lang)
        except InvalidInput:
            raise refused from None
        with self._service.unit() as session:
            row = session.exec(select(Account).where(Account.email == email)).first()
            if row is None or row.password_hash is None:
                hasher.hash(password[:PASSWORD_MAX])  # the same work as a real check: no timing tells
                raise refused
            if row.locked_until is not None and row.locked_until > now:
                raise LoginRefused(m("account.login.locked", lang,
                                     minutes=max(1, math.ceil((row.locked_until - now).total_seconds() / 60))))
            try:
                hasher.verify(row.password_hash, password[:PASSWORD_MAX])
            except (VerificationError, InvalidHashError):
                row.failed_logins += 1
                if row.failed_logins >= self._web("login_attempts"):
                    row.failed_logins = 0
                    row.locked_until = now + dt.timedelta(minutes=self._web("lockout_minutes"))
                session.commit()
                raise refused from None
            if hasher.check_needs_rehash(row.password_hash):
                row.password_hash = hasher.hash(password)
            row.failed_logins, row.locked_until = 0, None
            token = new_token()
            session.add(WebSession(account_id=row.id, token=digest(token), created_at=now, last_seen_at=now,
                                   expires_at=now + dt.timedelta(hours=self._web("session_hours"))))
            return Issued(token, _account_dto(row))

    def session(self, token: str) -> Principal | None:
        """The principal of a live session, which is extended (sliding expiry); None otherwise."""
        now = self._now()
        with self._service.unit() as session:
            found = session.exec(select(WebSession).where(WebSession.token == digest(token))).first()
            if found is None or found.expires_at <= now:
                return None
            if now - found.last_seen_at > dt.timedelta(minutes=1):  # one write a minute, not one per request
                found.last_seen_at = now
                found.expires_at = now + dt.timedelta(hours=self._web("session_hours"))
            return self._principal(session, found.account_id)

    def logout(self, token: str) -> None:
        with self._service.unit() as session:
            session.exec(delete(WebSession).where(col(WebSession.token) == digest(token)))

    def principal(self, email: str, lang: Language = "de") -> Principal:
        """The principal of an account by address (the CLI's `--as`, tests)."""
        email = validate.email(email, lang)
        with Session(self._service.engine) as session:
            row = session.exec(select(Account).where(Account.email == email)).first()
            if row is None:
                raise NotFound(m("account.unknown", lang, email=email))
            return self._principal(session, row.id)

    def _principal(self, session: Session, account_id: int | None) -> Principal:
        from engine.db.tables import Municipality, Person

        row = session.get(Account, account_id)
        assert row is not None
        memberships: dict[str, frozenset[str]] = {}
        for person, ags in session.exec(select(Person, Municipality.ags).join(Municipality)
                                        .where(Person.email == row.email)).all():
            memberships[ags] = memberships.get(ags, frozenset()) | effective_roles(person.roles)
        scopes = self._scopes(session, row.id)
        language = language_of(row.language)
        run_ids = [s.run_id for s in scopes if s.run_id is not None]
        runs, run_ags = advised_runs(session, run_ids, self._service.today())
        return Principal(account_id=row.id, email=row.email, name=row.name, language=language,  # type: ignore[arg-type]
                         is_admin=row.is_admin, memberships=memberships,
                         advisor_states=frozenset(s.state for s in scopes if s.state),
                         advisor_ags=frozenset(s.ags for s in scopes if s.ags),
                         advisor_runs=runs, advisor_run_ags=run_ags)

    def visible(self, principal: Principal) -> list[str] | None:
        """The AGS the principal may read (None: every one, for an administrator)."""
        from engine.db.tables import Municipality

        if principal.sees_all:
            return None
        with Session(self._service.engine) as session:
            ags = set(principal.memberships) | set(principal.advisor_ags) | set(principal.advisor_run_ags)
            if principal.advisor_states:
                ags |= set(session.exec(select(Municipality.ags)
                                        .where(col(Municipality.state).in_(principal.advisor_states))).all())
            return sorted(ags)

    def set_language(self, principal: Principal, language: Language) -> None:
        with self._service.unit() as session:
            row = session.get(Account, principal.account_id)
            if row is not None:
                row.language = language

    # -- API and calendar tokens -------------------------------------------------------------------
    def create_api_token(self, principal: Principal, name: str, lang: Language = "de") -> tuple[str, ApiTokenDTO]:
        name = validate.single_line(name, "name", lang, limit=100)
        token = "zyk_" + new_token()
        with self._service.unit() as session:
            row = ApiToken(account_id=principal.account_id, name=name, token=digest(token), prefix=token[:10],
                           created_at=self._now())
            session.add(row)
            session.flush()
            return token, _token_dto(row)

    def api_tokens(self, principal: Principal) -> list[ApiTokenDTO]:
        with Session(self._service.engine) as session:
            rows = session.exec(select(ApiToken).where(ApiToken.account_id == principal.account_id)
                                .order_by(col(ApiToken.id))).all()
            return [_token_dto(row) for row in rows]

    def revoke_api_token(self, principal: Principal, token_id: int, lang: Language = "de") -> None:
        with self._service.unit() as session:
            row = session.get(ApiToken, token_id)
            if row is None or row.account_id != principal.account_id:
                raise NotFound(m("account.token.unknown", lang, id=token_id))
            if row.revoked_at is not None:
                raise Conflict(m("account.token.revoked", lang, id=token_id))
            row.revoked_at = self._now()

    def api_principal(self, token: str) -> Principal | None:
        now = self._now()
        with self._service.unit() as session:
            row = session.exec(select(ApiToken).where(ApiToken.token == digest(token))).first()
            if row is None or row.revoked_at is not None:
                return None
            if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
                row.last_used_at = now
            return self._principal(session, row.account_id)

    def new_calendar_token(self, principal: Principal) -> str:
        """A new feed token; the old feed URL stops working."""
        token = new_token()
        with self._service.unit() as session:
            row = session.get(Account, principal.account_id)
            assert row is not None
            row.calendar_token = digest(token)
        return token

    def calendar_principal(self, token: str) -> Principal | None:
        with Session(self._service.engine) as session:
            row = session.exec(select(Account).where(Account.calendar_token == digest(token))).first()
            return self._principal(session, row.id) if row is not None else None


def _token_dto(row: ApiToken) -> ApiTokenDTO:
    return ApiTokenDTO(id=row.id or 0, name=row.name, prefix=row.prefix, created_at=row.created_at,
                       last_used_at=row.last_used_at, revoked_at=row.revoked_at)


def account_of(session: Session, email: str) -> tuple[AccountDTO | None, list[ApiTokenDTO]]:
    """The account of an address and its API tokens, for the person's data export (Art. 15)."""
    row = session.exec(select(Account).where(Account.email == email)).first()
    if row is None:
        return None, []
    tokens = session.exec(select(ApiToken).where(ApiToken.account_id == row.id).order_by(col(ApiToken.id))).all()
    return _account_dto(row, Accounts._scopes(session, row.id)), [_token_dto(token) for token in tokens]


def delete_account(session: Session, account_id: int | None) -> None:
    from zyklus.app.account_tables import IdempotentReply

    for table in (WebSession, AccountLink, ApiToken, AdvisorScope, IdempotentReply):
        session.exec(delete(table).where(col(table.account_id) == account_id))  # type: ignore[attr-defined]
    session.exec(delete(Account).where(col(Account.id) == account_id))


def forget_account(event: PersonForgotten, session: Session) -> None:
    """`person forget` erases the account of the address too (subscribed in bootstrap)."""
    row = session.exec(select(Account).where(Account.email == event.email)).first()
    if row is not None:
        delete_account(session, row.id)
