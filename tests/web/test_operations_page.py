"""*Betrieb*: administrators see the mails a real SMTP server refused and the reminders that
raised, and try them again with a button; the workflow variants show their phases, transitions
and a dry run without any script. Everyone else is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_support import cheap_password_hasher
from notification_support import Rig, local, make_settings, pin_a_stored_version_with_a_broken_label
from smtp_server import ScriptedHandler
from web_support import csrf_of, signed_in

from engine.clock import FixedClock
from zyklus.app import Application
from zyklus.bootstrap import bootstrap

T0 = local(2027, 1, 4, 9)
GOOD, BROKEN = "16050000", "16050001"
REJECTED = "550 5.7.1 Message rejected"
ADMIN = "admin@zyklus.example"


@pytest.fixture
def door(database_url: str, start_smtp_server, tmp_path: Path) -> Iterator[Application]:
    """Two towns whose first mails go to a server that refuses the first one for good, and one
    of which runs on a stored definition whose broken label makes its reminder raise."""
    settings = make_settings(tmp_path, smtp_port=start_smtp_server(ScriptedHandler(data_replies=[REJECTED])),
                             mail={"max_attempts": 2})
    clock = FixedClock(T0)
    app = bootstrap(settings, clock, db_url=database_url, require_schema=False,
                    password_hasher=cheap_password_hasher())
    app.service.init_db()
    for ags in (GOOD, BROKEN):
        app.service.add_municipality(ags, f"Stadt {ags}", state="TH", kind="stadt")
        app.service.add_person(ags, name="Koordination", email=f"k@{ags}.example", roles=["coordination"])
        app.service.start_cycle(ags, workflow="kommune", on=T0.date())
    pin_a_stored_version_with_a_broken_label(Rig(app.service, clock, settings, app.reminders.sweeper), BROKEN,
                                             stored_at=T0)
    app.reminders.sweep()
    app.accounts.add(ADMIN, admin=True)
    yield app
    app.close()


def test_a_failed_mail_is_shown_with_its_error_and_retried_with_the_button(door: Application) -> None:
    [failed] = door.reminders.outbox(failed_only=True)
    client = signed_in(door, ADMIN)
    page = client.get("/betrieb")
    assert page.status_code == 200 and REJECTED in page.text and f"/betrieb/mails/{failed.id}/erneut" in page.text
    answer = client.post(f"/betrieb/mails/{failed.id}/erneut", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    assert door.reminders.outbox(failed_only=True) == []
    assert next(r for r in door.reminders.outbox() if r.id == failed.id).status == "pending"
    assert REJECTED not in client.get("/betrieb").text


def test_a_failing_reminder_is_retried_with_the_button(door: Application) -> None:
    [timer] = door.reminders.failing_timers()
    client = signed_in(door, ADMIN)
    page = client.get("/betrieb")
    assert f"/betrieb/erinnerungen/{timer.id}/erneut" in page.text
    answer = client.post(f"/betrieb/erinnerungen/{timer.id}/erneut", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303 and door.reminders.failing_timers() == []


def test_retrying_what_is_not_there_is_not_found(door: Application) -> None:
    client = signed_in(door, ADMIN)
    token = csrf_of(client.get("/betrieb").text)
    assert client.post("/betrieb/mails/999999/erneut", data={"csrf": token}).status_code == 404
    assert client.post("/betrieb/erinnerungen/999999/erneut", data={"csrf": token}).status_code == 404
    # an id no row can have is not found (it was FastAPI's raw 422 JSON on a page)
    assert client.post("/betrieb/mails/99999999999999999999999/erneut", data={"csrf": token}).status_code == 404


def test_someone_not_an_administrator_is_refused(door: Application) -> None:
    client = signed_in(door, f"k@{GOOD}.example")
    assert client.get("/betrieb").status_code == 403
    assert client.get("/betrieb/workflows/kommune").status_code == 403
    token = csrf_of(client.get("/kalender").text)
    [failed] = door.reminders.outbox(failed_only=True)
    assert client.post(f"/betrieb/mails/{failed.id}/erneut", data={"csrf": token}).status_code == 403
    assert door.reminders.outbox(failed_only=True) == [failed]


def test_the_variants_link_to_their_phases_transitions_and_dry_run(door: Application) -> None:
    client = signed_in(door, ADMIN)
    assert "/betrieb/workflows/gnk-thueringen" in client.get("/betrieb").text
    page = client.get("/betrieb/workflows/gnk-thueringen?start=2027-01-04&land=TH")
    assert page.status_code == 200
    html = page.text
    assert "<script" not in html and "Aufbau der Arbeitsstrukturen" in html and "nur Warnung" in html
    assert "<th scope=\"row\">Beginn</th>" in html  # the start of the diagram
    assert "04.01.2027" in html  # the dry run from the asked start


@pytest.mark.parametrize("query", ["start=2027-02-30", "start=morgen", "land=XX"])
def test_a_wrong_start_or_state_is_shown_at_its_field(door: Application, query: str) -> None:
    page = signed_in(door, ADMIN).get(f"/betrieb/workflows/kommune?{query}")
    assert page.status_code == 422 and 'role="alert"' in page.text and "Übergänge" in page.text


def test_an_unknown_variant_is_not_found(door: Application) -> None:
    client = signed_in(door, ADMIN)
    assert client.get("/betrieb/workflows/gibt-es-nicht").status_code == 404
    assert client.get("/betrieb/workflows/config.toml").status_code == 404  # a name, never a file


def test_the_page_speaks_english_to_an_english_administrator(door: Application) -> None:
    client = signed_in(door, ADMIN)
    client.post("/sprache", data={"csrf": csrf_of(client.get("/betrieb").text), "lang": "en", "next": "/betrieb"})
    assert "Failed mails" in client.get("/betrieb").text
