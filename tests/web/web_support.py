"""Helpers for the web tests: the app built from a real door, and a browser that signed in
through the login form (CSRF value scraped from the page, as a browser sends it)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from zyklus.app import Application
from zyklus.web.app import create_app

PASSWORD = "Nachhaltig-2027"
SECRET = "test-secret-" + "x" * 40
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF value of the first form on a page."""
    found = _CSRF.search(html)
    assert found is not None, "no form with a CSRF value on the page"
    return found[1]


def client_for(door: Application) -> TestClient:
    return TestClient(create_app(door, door.settings, SECRET), follow_redirects=False)


def signed_in_client(door: Application, email: str) -> TestClient:
    """A browser signed in as ``email`` (an account is made through a password link if needed)."""
    issued = door.accounts.issue_link(email)
    assert issued is not None, f"{email} is neither an account nor a registered person"
    door.accounts.set_password(issued.token, PASSWORD)
    client = client_for(door)
    token = csrf_of(client.get("/anmelden").text)
    answer = client.post("/anmelden", data={"email": email, "password": PASSWORD, "csrf": token, "next": "/"})
    assert answer.status_code == 303, answer.text
    return client


def post_form(client: TestClient, page: str, action: str, data: dict[str, object]) -> object:
    """Submit a form of ``page`` to ``action`` with the page's CSRF value, like a browser."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf": token, **data})
