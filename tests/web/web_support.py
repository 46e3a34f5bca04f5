"""What every web test needs: the door on the test's database, the app built from it the way
`zyklus web` builds it, and a browser (TestClient) signed in as one registered person."""

from __future__ import annotations

import re

from engine_support import cheap_password_hasher
from fastapi.testclient import TestClient

from engine.clock import FixedClock
from zyklus.app import Application
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings
from zyklus.web.app import create_app

PASSWORD = "Nachhaltig-2027"
# The people beyond tests/engine_support.py's structure() that the web tests sign in as.
ADMIN = "admin@landkreis.example"
ADVISOR = "beraterin@zukunftsfaehiges-thueringen.example"
CORE_TEAM = "kernteam0@erfurt.de"
STEERING = "steuerung0@erfurt.de"
WEIMAR_COORDINATOR = "koordination0@weimar.de"
SECRET = "test-secret-key-of-the-web-tests-0123456789"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def make_door(database_url: str, clock: FixedClock) -> Application:
    """A door on an initialised, empty database (the tests register municipalities themselves)."""
    door = bootstrap(load_settings(lang="de"), clock, db_url=database_url, require_schema=False,
                     password_hasher=cheap_password_hasher())
    door.service.init_db()
    return door


def csrf_of(html: str) -> str:
    """The CSRF value of the first form on a page, as a browser would submit it."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF field"
    return found[1]


def browser(door: Application) -> TestClient:
    """A client of the app (no redirects followed, so tests see the 303s the pages answer)."""
    return TestClient(create_app(door, door.settings, SECRET), follow_redirects=False)


def signed_in(door: Application, email: str) -> TestClient:
    """A browser signed in as ``email``: the account is created through a mailed link's token
    and a password, then the login form is sent with its CSRF value, as a person would."""
    issued = door.accounts.issue_link(email)
    assert issued is not None, f"{email} is no registered person"
    door.accounts.set_password(issued.token, PASSWORD)
    client = browser(door)
    form = client.get("/anmelden")
    answer = client.post("/anmelden", data={"csrf": csrf_of(form.text), "email": email, "password": PASSWORD,
                                            "next": "/"})
    assert answer.status_code == 303, answer.text
    return client


def post_form(client: TestClient, page: str, action: str, data: dict[str, str | list[str]]):  # noqa: ANN201
    """Send a form of ``page`` with the CSRF value the page carries."""
    return client.post(action, data={"csrf": csrf_of(client.get(page).text), **data})


def add_places(door: Application, thuringia: list[str], nrw: list[str]) -> Application:
    """More municipalities without a cycle for the paging tests: Orte in Thüringen, Städte in NRW."""
    for ags in thuringia:
        door.service.add_municipality(ags, f"Ort {ags}", state="TH", kind="gemeinde")
    for ags in nrw:
        door.service.add_municipality(ags, f"Stadt {ags}", state="NW", kind="stadt")
    return door
