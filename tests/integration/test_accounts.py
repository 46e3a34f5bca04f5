"""Accounts through the door: links, passwords, lockout, sessions, tokens, scopes, erasure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from engine_support import (
    AGS,
    COORDINATOR,
    NOW,
    OTHER_AGS,
    cheap_password_hasher,
    setup_municipality,
    structure,
)
from sqlmodel import Session, select

from engine.clock import FixedClock
from engine.errors import InvalidInput, NotFound, PermissionDenied
from zyklus.app import Application
from zyklus.app.access import Action
from zyklus.app.account_tables import Account, AccountLink, LoginFailure, WebSession
from zyklus.app.accounts import LoginRefused, digest
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings

pytestmark = pytest.mark.both_databases  # the database is part of what is tested

PASSWORD = "Nachhaltig-2027"


@pytest.fixture
def door(database_url: str, tmp_path: Path) -> Application:
    clock = FixedClock(NOW)
    app = bootstrap(load_settings(lang="de"), clock, db_url=database_url, require_schema=False,
                    password_hasher=cheap_password_hasher())
    app.service.init_db()
    setup_municipality(app.service)
    setup_municipality(app.service, OTHER_AGS, "Weimar", structure(domain="weimar.de"))
    yield app
    app.close()


def _with_password(door: Application, email: str = COORDINATOR) -> None:
    issued = door.accounts.issue_link(email)
    assert issued is not None
    door.accounts.set_password(issued.token, PASSWORD)


def test_a_registered_person_gets_an_account_with_the_first_link_and_signs_in(door: Application) -> None:
    issued = door.accounts.issue_link(COORDINATOR.upper())
    assert issued is not None and issued.account.email == COORDINATOR and not issued.account.has_password
    assert door.accounts.set_password(issued.token, PASSWORD).has_password
    session = door.accounts.login(COORDINATOR, PASSWORD)
    principal = door.accounts.session(session.token)
    assert principal is not None and principal.memberships[AGS] >= {"coordination", "core_team", "steering_group"}
    with pytest.raises(InvalidInput):  # a link works once
        door.accounts.set_password(issued.token, "Ein-anderes-Passwort")
    with Session(door.service.engine) as db:  # only digests are stored
        assert db.exec(select(WebSession)).one().token == digest(session.token) != session.token
        assert db.exec(select(Account)).one().password_hash.startswith("$argon2id$")


def test_the_door_as_built_for_production_hashes_with_argon2id_at_its_default_costs(
        database_url: str, tmp_path: Path) -> None:
    """The other tests pass the cheapest argon2id; what `zyklus web` builds keeps argon2-cffi's
    defaults (RFC 9106's second recommended option: 64 MiB, three passes, four lanes), and a
    password stored at other costs is rehashed at those on the next login."""
    cheap = bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=database_url, require_schema=False,
                      password_hasher=cheap_password_hasher())
    cheap.service.init_db()
    setup_municipality(cheap.service)
    _with_password(cheap)
    cheap.close()
    production = bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=database_url)
    production.accounts.login(COORDINATOR, PASSWORD)
    with Session(production.service.engine) as db:
        assert db.exec(select(Account)).one().password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    production.close()


def test_an_unknown_address_gets_no_link_and_the_same_refusal_as_a_wrong_password(door: Application) -> None:
    assert door.accounts.issue_link("niemand@example.org") is None
    assert door.accounts.issue_link("kein Komma, keine Adresse") is None
    _with_password(door)
    with pytest.raises(LoginRefused) as unknown:
        door.accounts.login("niemand@example.org", PASSWORD)
    with pytest.raises(LoginRefused) as wrong:
        door.accounts.login(COORDINATOR, "falsch-falsch-falsch")
    assert unknown.value.message == wrong.value.message


def test_an_expired_link_is_refused(door: Application) -> None:
    issued = door.accounts.issue_link(COORDINATOR)
    door.service.clock.advance(dt.timedelta(hours=48, seconds=1))
    with pytest.raises(InvalidInput):
        door.accounts.set_password(issued.token, PASSWORD)


@pytest.mark.parametrize("password", ["kurz", "x" * 201, "mit\x00null-byte", "ANNA.koordination@erfurt.de"])
def test_bad_passwords_are_refused_and_the_link_stays_usable(door: Application, password: str) -> None:
    issued = door.accounts.issue_link(COORDINATOR)
    with pytest.raises(InvalidInput):
        door.accounts.set_password(issued.token, password)
    door.accounts.set_password(issued.token, PASSWORD)


def test_five_failures_lock_the_account_then_the_lock_expires(door: Application) -> None:
    _with_password(door)
    for _ in range(5):
        with pytest.raises(LoginRefused):
            door.accounts.login(COORDINATOR, "falsch-falsch-falsch")
    with pytest.raises(LoginRefused) as locked:  # even the right password, while locked
        door.accounts.login(COORDINATOR, PASSWORD)
    assert locked.value.code == "account.login.locked"
    door.service.clock.advance(dt.timedelta(minutes=15, seconds=1))
    assert door.accounts.login(COORDINATOR, PASSWORD).token


def test_a_client_that_tries_many_accounts_is_paused_and_others_are_not(door: Application) -> None:
    """Password spraying: one wrong password for each of many addresses locks no account, so the
    client itself is paused after ``client_attempts`` refusals — even for a right password —
    while another client signs in; the refusals older than the window stop counting."""
    _with_password(door)
    attempts = int(door.settings.get("web", "client_attempts"))
    for n in range(attempts):
        with pytest.raises(LoginRefused) as refused:
            door.accounts.login(f"person{n}@example.org" if n % 2 else COORDINATOR.replace("anna", f"x{n}"),
                                "Sommer2027!", client="203.0.113.9")
        assert refused.value.code == "account.login.refused"
    with pytest.raises(LoginRefused) as paused:
        door.accounts.login(COORDINATOR, PASSWORD, client="203.0.113.9")
    assert paused.value.code == "account.login.client_locked" and "15" in paused.value.render("de")
    assert door.accounts.login(COORDINATOR, PASSWORD, client="198.51.100.4").token  # another client
    with Session(door.service.engine) as db:  # the address is kept as a digest only
        assert "203.0.113.9" not in {row.client for row in db.exec(select(LoginFailure))}
    door.service.clock.advance(dt.timedelta(minutes=15, seconds=1))
    assert door.accounts.login(COORDINATOR, PASSWORD, client="203.0.113.9").token
    with pytest.raises(LoginRefused):
        door.accounts.login(COORDINATOR, "falsch", client="203.0.113.9")
    with Session(door.service.engine) as db:  # the old refusals are gone with the next one
        assert len(db.exec(select(LoginFailure)).all()) == 1


def test_logout_and_a_new_password_end_sessions(door: Application) -> None:
    _with_password(door)
    first, second = door.accounts.login(COORDINATOR, PASSWORD), door.accounts.login(COORDINATOR, PASSWORD)
    door.accounts.logout(first.token)
    assert door.accounts.session(first.token) is None and door.accounts.session(second.token) is not None
    _with_password(door)
    assert door.accounts.session(second.token) is None


def test_a_session_expires_without_activity(door: Application) -> None:
    _with_password(door)
    token = door.accounts.login(COORDINATOR, PASSWORD).token
    door.service.clock.advance(dt.timedelta(hours=11))
    assert door.accounts.session(token) is not None  # activity extends it
    door.service.clock.advance(dt.timedelta(hours=11))
    assert door.accounts.session(token) is not None
    door.service.clock.advance(dt.timedelta(hours=12, seconds=1))
    assert door.accounts.session(token) is None


def test_rights_follow_roles_and_scopes(door: Application) -> None:
    coordinator = door.accounts.principal(_account(door, COORDINATOR))
    steering = door.accounts.principal(_account(door, "steuerung0@erfurt.de"))
    door.accounts.add("beraterin@zukunftsfaehiges-thueringen.example", name="Beraterin", advisor_states=["TH"])
    advisor = door.accounts.principal("beraterin@zukunftsfaehiges-thueringen.example")
    assert coordinator.may(Action.ADVANCE, AGS, "TH") and not coordinator.may(Action.READ, OTHER_AGS, "TH")
    assert steering.may(Action.READ, AGS, "TH") and not steering.may(Action.RECORD, AGS, "TH")
    assert advisor.may(Action.READ, OTHER_AGS, "TH") and advisor.may(Action.COMMENT, AGS, "TH")
    assert not advisor.may(Action.ADVANCE, AGS, "TH") and not advisor.may(Action.READ, "09162000", "BY")
    with pytest.raises(NotFound):  # Weimar does not exist for Erfurt's coordinator
        coordinator.require(Action.READ, OTHER_AGS, "TH")
    with pytest.raises(PermissionDenied):
        steering.require(Action.RECORD, AGS, "TH")
    assert door.accounts.visible(coordinator) == [AGS]
    assert door.accounts.visible(advisor) == sorted([AGS, OTHER_AGS])


def test_api_tokens_are_shown_once_stored_as_digests_and_revocable(door: Application) -> None:
    door.accounts.add("admin@landkreis.example", admin=True)
    admin = door.accounts.principal("admin@landkreis.example")
    token, listed = door.accounts.create_api_token(admin, "Skript Monatsbericht")
    assert token.startswith("zyk_") and listed.prefix == token[:10]
    assert door.accounts.api_principal(token).is_admin
    door.accounts.revoke_api_token(admin, listed.id)
    assert door.accounts.api_principal(token) is None
    assert door.accounts.api_tokens(admin)[0].revoked_at is not None


def test_forgetting_a_person_erases_their_account_sessions_and_links(door: Application) -> None:
    _with_password(door)
    token = door.accounts.login(COORDINATOR, PASSWORD).token
    door.privacy.forget(COORDINATOR)
    assert door.accounts.session(token) is None
    with Session(door.service.engine) as db:
        assert db.exec(select(Account)).all() == [] and db.exec(select(AccountLink)).all() == []


def _account(door: Application, email: str) -> str:
    _with_password(door, email)
    return email


def test_the_data_export_names_the_account_and_its_tokens_but_no_secret(door: Application) -> None:
    _with_password(door)
    token, _ = door.accounts.create_api_token(door.accounts.principal(COORDINATOR), "Monatsbericht")
    exported = door.privacy.export(COORDINATOR).as_json()
    assert exported["account"]["email"] == COORDINATOR and exported["account"]["has_password"]
    assert [t["name"] for t in exported["api_tokens"]] == ["Monatsbericht"]
    text = str(exported)
    assert token not in text and "argon2" not in text and "password_hash" not in text
