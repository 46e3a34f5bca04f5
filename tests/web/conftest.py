"""The web app on a real database: a door built by the composition root with a FixedClock, the
FastAPI app over it, an HTTP client, and personal API tokens for the people of the test data
(Erfurt and Weimar of tests/engine_support.py, an advisor and an administrator)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from engine_support import NOW, OTHER_AGS, cheap_password_hasher, setup_municipality, structure
from fastapi.testclient import TestClient
from web_support import ADMIN, ADVISOR

from engine.clock import FixedClock
from zyklus.app import Application
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings
from zyklus.web.app import create_app

SECRET = "x" * 48


def _door(database_url: str) -> Application:
    return bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=database_url, require_schema=False,
                     password_hasher=cheap_password_hasher())


def _populate(app: Application) -> None:
    """Erfurt and Weimar with their working structures, an administrator and an advisor."""
    setup_municipality(app.service)
    setup_municipality(app.service, OTHER_AGS, "Weimar", structure(domain="weimar.de"))
    app.accounts.add(ADMIN, name="Admin", admin=True)
    app.accounts.add(ADVISOR, name="Beraterin", advisor_states=["TH"], language="en")


def _build(database_url: str) -> None:
    app = _door(database_url)
    if not database_url.startswith("sqlite:///"):
        app.service.init_db()
    _populate(app)
    app.close()


@pytest.fixture
def door(database_url: str, populated: Callable[[str, Callable[[str], None]], None]) -> Iterator[Application]:
    """A door on the test's own database holding the population (built once per process on
    SQLite, tests/conftest.py ``populated``)."""
    populated(database_url, _build)
    app = _door(database_url)
    yield app
    app.close()


@pytest.fixture
def client(door: Application) -> Iterator[TestClient]:
    """An HTTP client; bugs surface as the problem a client would get, not as a raised exception."""
    with TestClient(create_app(door, door.settings, SECRET), raise_server_exceptions=False) as http:
        yield http


@pytest.fixture
def token_for(door: Application) -> Callable[[str], str]:
    """``token_for(email)``: a new personal API token of that address's account."""

    def issue(email: str) -> str:
        door.accounts.add(email)
        return door.accounts.create_api_token(door.accounts.principal(email), "Test")[0]

    return issue


@pytest.fixture
def as_user(token_for: Callable[[str], str]) -> Callable[[str], dict[str, str]]:
    """``as_user(email)``: the Authorization header of a new token of that address."""
    return lambda email: {"Authorization": f"Bearer {token_for(email)}"}


