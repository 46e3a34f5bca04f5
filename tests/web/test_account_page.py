"""The Konto page: the language choice and personal API tokens (created and shown once, revoked)."""

from __future__ import annotations

import re

from engine_support import AGS, COORDINATOR

from zyklus.app import Application

PASSWORD = "Nachhaltig-2027"


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]


def _signed_in(client, door: Application) -> None:
    issued = door.accounts.issue_link(COORDINATOR)
    door.accounts.set_password(issued.token, PASSWORD)
    form = client.get("/anmelden").text
    reply = client.post("/anmelden", data={"csrf": _csrf(form), "email": COORDINATOR, "password": PASSWORD,
                                           "next": "/konto"}, follow_redirects=False)
    assert reply.status_code == 303


def test_the_account_page_needs_a_sign_in(client) -> None:
    reply = client.get("/konto", follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/anmelden")


def test_a_token_is_created_shown_once_used_and_revoked(client, door: Application) -> None:
    _signed_in(client, door)
    page = client.get("/konto")
    assert page.status_code == 200 and '<a href="/konto" aria-current="page">Konto</a>' in page.text
    assert '<label for="token-name">' in page.text and 'name="lang" value="de" checked' in page.text
    created = client.post("/konto/tokens", data={"csrf": _csrf(page.text), "name": "Skript Monatsbericht"})
    token = re.search(r'id="new-token" type="text" readonly value="(zyk_[^"]+)"', created.text)[1]
    assert "Skript Monatsbericht" in created.text and token not in client.get("/konto").text
    api = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/municipalities/{AGS}", headers=api).status_code == 200
    assert client.get(f"/api/v1/municipalities/{AGS}").status_code == 401  # the session cookie opens no API call
    token_id = door.accounts.api_tokens(door.accounts.principal(COORDINATOR))[0].id
    revoked = client.post(f"/konto/tokens/{token_id}/widerrufen", data={"csrf": _csrf(created.text)})
    assert "Das Token wurde widerrufen." in revoked.text
    assert client.get(f"/api/v1/municipalities/{AGS}", headers=api).status_code == 401


def test_a_bad_name_is_an_error_tied_to_the_field(client, door: Application) -> None:
    _signed_in(client, door)
    reply = client.post("/konto/tokens", data={"csrf": _csrf(client.get("/konto").text), "name": "zwei\nZeilen"})
    assert reply.status_code == 422
    assert 'aria-describedby="token-name-hint token-name-error" aria-invalid="true"' in reply.text
    assert 'id="token-name-error" role="alert"' in reply.text
