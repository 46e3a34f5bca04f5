"""The web app's sign-in, overview, municipality and history pages through a real HTTP client
(FastAPI's TestClient) on a real SQLite file: what a coordinator and an advisor do, what the
access rule refuses, and what forms refuse."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from engine.clock import FixedClock
from engine.db.tables import Fact
from engine_support import (AGS, COORDINATOR, FACT_VALUES, NOW, OTHER_AGS, STEERING_ONLY, cheap_password_hasher,
                            setup_municipality, structure)
from zyklus.app import Application
from zyklus.app.commands import SetDeadline
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings
from zyklus.web.app import create_app

PASSWORD = "Nachhaltig-2027"
ADVISOR = "beraterin@zukunftsfaehiges-thueringen.example"
WEIMAR_COORDINATOR = "koordination0@weimar.de"


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Erfurt and Weimar with accounts, built once: four argon2 hashes cost more than a test."""
    path = tmp_path_factory.mktemp("web") / "prepared.db"
    app = bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=f"sqlite:///{path}", require_schema=False,
                    password_hasher=cheap_password_hasher())
    app.service.init_db()
    setup_municipality(app.service)
    setup_municipality(app.service, OTHER_AGS, "Weimar", structure(domain="weimar.de"))
    app.service.add_person(AGS, name="Sigrid Steuerung", email=STEERING_ONLY, roles=["steering_group"])
    app.accounts.add(ADVISOR, name="Beraterin", advisor_states=["TH"])
    for email in (COORDINATOR, STEERING_ONLY, ADVISOR, WEIMAR_COORDINATOR):
        issued = app.accounts.issue_link(email)
        assert issued is not None
        app.accounts.set_password(issued.token, PASSWORD)
    app.close()
    return path


@pytest.fixture
def door(prepared: Path, tmp_path: Path) -> Iterator[Application]:
    """A copy of the prepared database for each test (SQLite: a file copy after a clean close)."""
    shutil.copy(prepared, tmp_path / "web.db")
    app = bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=f"sqlite:///{tmp_path / 'web.db'}",
                    password_hasher=cheap_password_hasher())
    yield app
    app.close()


@pytest.fixture
def client(door: Application) -> TestClient:
    return TestClient(create_app(door, load_settings(lang="de"), "k" * 48))


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]  # type: ignore[index]


def sign_in(client: TestClient, email: str, password: str = PASSWORD, next_url: str = "/"):
    page = client.get("/anmelden")
    return client.post("/anmelden", data={"csrf": csrf_of(page.text), "email": email, "password": password,
                                          "next": next_url})


def test_a_page_needs_a_login_and_comes_back_after_it(client: TestClient) -> None:
    first = client.get(f"/kommunen/{AGS}/verlauf", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == f"/anmelden?next=%2Fkommunen%2F{AGS}%2Fverlauf"
    done = sign_in(client, COORDINATOR, next_url=f"/kommunen/{AGS}/verlauf")
    assert done.status_code == 200 and done.url.path == f"/kommunen/{AGS}/verlauf"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_to_another_site(client: TestClient, target: str) -> None:
    done = sign_in(client, COORDINATOR, next_url=target)
    assert done.url.host == "testserver"


def test_session_cookie_is_httponly_and_samesite_and_only_a_signed_token(client: TestClient) -> None:
    page = client.get("/anmelden")
    response = client.post("/anmelden", data={"csrf": csrf_of(page.text), "email": COORDINATOR,
                                              "password": PASSWORD, "next": "/"}, follow_redirects=False)
    cookie = next(value for name, value in response.headers.multi_items()
                  if name == "set-cookie" and value.startswith("zyklus_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    client.cookies.set("zyklus_session", "forged.value")
    assert client.get("/uebersicht", follow_redirects=False).status_code == 303


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(client: TestClient, door: Application) -> None:
    sign_in(client, COORDINATOR)
    refused = client.post(f"/kommunen/{AGS}/fakten/application", data={"f_date": "2027-01-10"})
    assert refused.status_code == 403 and "Formular abgelaufen" in refused.text
    forged = client.post(f"/kommunen/{AGS}/fakten/application", data={"f_date": "2027-01-10", "csrf": "x.y"})
    assert forged.status_code == 403
    with Session(door.service.engine) as db:
        assert db.exec(select(Fact)).all() == []


def test_a_form_over_a_megabyte_is_413_with_or_without_a_length_and_changes_nothing(
        client: TestClient, door: Application) -> None:
    """The whole body counts, not the Content-Length a client sends: a chunked body has none."""
    sign_in(client, COORDINATOR)
    page = client.get(f"/kommunen/{AGS}")
    huge = {"csrf": csrf_of(page.text), "f_date": "2027-01-10", "f_url": "https://erfurt.de/" + "x" * 1_100_000}
    stated = client.post(f"/kommunen/{AGS}/fakten/application", data=huge)
    assert stated.status_code == 413 and "Formular zu groß" in stated.text

    body = urlencode(huge).encode()
    chunked = client.post(f"/kommunen/{AGS}/fakten/application",
                          content=(body[i:i + 65536] for i in range(0, len(body), 65536)),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert "content-length" not in {name.lower() for name in chunked.request.headers}
    assert chunked.status_code == 413
    with Session(door.service.engine) as db:
        assert db.exec(select(Fact)).all() == []


def test_wrong_passwords_get_one_sentence_then_a_lockout(client: TestClient) -> None:
    for _ in range(5):
        refused = sign_in(client, COORDINATOR, "falsch-falsch")
        assert refused.status_code == 401 and "nicht richtig" in refused.text
    locked = sign_in(client, COORDINATOR)
    assert locked.status_code == 401 and "gesperrt" in locked.text


def test_the_login_form_pauses_a_client_that_tries_many_accounts(client: TestClient, door: Application) -> None:
    """The form passes the client's address to the door: many addresses tried from one browser
    pause it (TestClient's address is "testclient"), with its own sentence."""
    for n in range(int(door.settings.get("web", "client_attempts"))):
        assert sign_in(client, f"niemand{n}@example.org", "falsch-falsch").status_code == 401
    paused = sign_in(client, COORDINATOR)
    assert paused.status_code == 401 and "von diesem Gerät" in paused.text


def test_the_password_link_page_sets_a_password_once(client: TestClient, door: Application) -> None:
    issued = door.accounts.issue_link("kernteam0@erfurt.de")
    page = client.get(f"/passwort/{issued.token}")
    assert page.status_code == 200
    mismatch = client.post(f"/passwort/{issued.token}", data={"csrf": csrf_of(page.text), "password": PASSWORD,
                                                             "password2": PASSWORD + "x"})
    assert mismatch.status_code == 422 and 'aria-invalid="true"' in mismatch.text
    done = client.post(f"/passwort/{issued.token}", data={"csrf": csrf_of(page.text), "password": PASSWORD,
                                                         "password2": PASSWORD})
    assert done.status_code == 200 and "gespeichert" in done.text
    assert client.get(f"/passwort/{issued.token}").status_code == 410
    assert sign_in(client, "kernteam0@erfurt.de").url.path == f"/kommunen/{AGS}"


def test_asking_for_a_link_puts_a_mail_in_the_outbox_and_answers_the_same_for_unknown(
        client: TestClient, door: Application) -> None:
    page = client.get("/passwort-vergessen")
    known = client.post("/passwort-vergessen", data={"csrf": csrf_of(page.text), "email": "kernteam1@erfurt.de"})
    unknown = client.post("/passwort-vergessen", data={"csrf": csrf_of(page.text), "email": "wer@example.org"})
    assert known.text == unknown.text
    mails = door.reminders.outbox()
    assert [m.recipient for m in mails] == ["kernteam1@erfurt.de"] and mails[0].kind == "account_link"


def test_a_coordinator_never_sees_another_municipality(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    for path in (f"/kommunen/{OTHER_AGS}", f"/kommunen/{OTHER_AGS}/verlauf", f"/kommunen/{OTHER_AGS}/verlauf.csv",
                 "/kommunen/99999999", "/kommunen/kein-ags"):
        assert client.get(path).status_code == 404, path
    overview = client.get("/uebersicht")
    assert "Erfurt" in overview.text and "Weimar" not in overview.text
    assert client.post(f"/kommunen/{OTHER_AGS}/weiter", data={"csrf": csrf_of(overview.text)}).status_code == 404


def test_the_steering_group_reads_but_gets_no_forms_and_may_not_record(client: TestClient) -> None:
    sign_in(client, STEERING_ONLY)
    page = client.get(f"/kommunen/{AGS}")
    assert page.status_code == 200 and "/fakten/" not in page.text and "/weiter" not in page.text
    refused = client.post(f"/kommunen/{AGS}/fakten/application", data={"csrf": csrf_of(page.text), "f_date": "2027-01-10"})
    assert refused.status_code == 403


def test_the_coordinator_records_a_fact_through_its_generated_form(client: TestClient, door: Application) -> None:
    sign_in(client, COORDINATOR)
    page = client.get(f"/kommunen/{AGS}")
    assert 'id="fakt-participation_resolution"' in page.text and 'name="f_reference"' in page.text
    assert 'type="date"' in page.text
    done = client.post(f"/kommunen/{AGS}/fakten/participation_resolution",
                       data={"csrf": csrf_of(page.text), "f_date": "15.02.2027", "f_body": "Stadtrat",
                             "f_reference": "DS 0123/27", "f_result": "adopted"})
    assert done.status_code == 200 and "Erfasst." in done.text
    assert 'id="fakt-participation_resolution"' not in done.text
    with Session(door.service.engine) as db:
        fact = db.exec(select(Fact)).one()
    assert fact.fields["date"] == "2027-02-15" and fact.actor == COORDINATOR


def test_a_bad_value_is_shown_next_to_its_form_and_what_was_typed_stays(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    page = client.get(f"/kommunen/{AGS}")
    failed = client.post(f"/kommunen/{AGS}/fakten/participation_resolution",
                         data={"csrf": csrf_of(page.text), "f_date": "31.02.2027", "f_body": "Stadtrat",
                               "f_reference": "DS <b>1</b>"})
    assert failed.status_code == 422
    assert 'id="error-participation_resolution" role="alert"' in failed.text
    assert 'value="DS &lt;b&gt;1&lt;/b&gt;"' in failed.text  # kept, and escaped


def test_advance_refused_shows_what_is_missing_then_succeeds(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    page = client.get(f"/kommunen/{AGS}")
    refused = client.post(f"/kommunen/{AGS}/weiter", data={"csrf": csrf_of(page.text), "from": "application"})
    assert refused.status_code == 409 and 'id="advance-error"' in refused.text
    for fact in ("application", "letter_of_intent", "participation_resolution"):
        values = {f"f_{k}": v for k, v in FACT_VALUES[fact].items()}
        client.post(f"/kommunen/{AGS}/fakten/{fact}", data={"csrf": csrf_of(page.text), **values})
    done = client.post(f"/kommunen/{AGS}/weiter", data={"csrf": csrf_of(page.text), "from": "application",
                                                        "reason": "Teilnahme beschlossen", "on": "2027-02-20"})
    assert done.status_code == 200 and "Die neue Phase hat begonnen" in done.text
    again = client.post(f"/kommunen/{AGS}/weiter", data={"csrf": csrf_of(page.text), "from": "application"})
    assert again.status_code == 409 and "Jemand anderes" in again.text  # a repeated click moves nothing
    history = client.get(f"/kommunen/{AGS}/verlauf")
    assert "Teilnahme beschlossen" in history.text


def test_history_downloads_as_csv_and_json_and_defuses_formulas(client: TestClient, door: Application) -> None:
    sign_in(client, COORDINATOR)
    door.cycles.set_deadline(SetDeadline(ags=AGS, due=dt.date(2027, 6, 30), actor=COORDINATOR,
                                         reason='=HYPERLINK("x")'))
    as_csv = client.get(f"/kommunen/{AGS}/verlauf.csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["cycle", "seq", "at"] and any(row[-1] == "'=HYPERLINK(\"x\")" for row in rows)
    as_json = json.loads(client.get(f"/kommunen/{AGS}/verlauf.json").text)
    assert {entry["kind"] for entry in as_json} >= {"start", "deadline"}


def test_the_advisor_filters_the_overview_and_the_url_keeps_the_filter(client: TestClient, door: Application) -> None:
    sign_in(client, ADVISOR)
    everything = client.get("/uebersicht")
    assert "Erfurt" in everything.text and "Weimar" in everything.text
    filtered = client.get("/uebersicht?phase=setup")
    assert "Keine Kommune passt" in filtered.text and '<option value="application" selected>' not in filtered.text
    by_phase = client.get("/uebersicht?phase=application&sort=due")
    assert "Erfurt" in by_phase.text and 'href="/uebersicht.csv?phase=application&amp;sort=due"' in by_phase.text
    exported = client.get("/uebersicht.csv?phase=application")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == sorted([AGS, OTHER_AGS])
    page = client.get(f"/kommunen/{AGS}")
    assert "/weiter" not in page.text  # an advisor reads, never advances
    assert client.post(f"/kommunen/{AGS}/weiter", data={"csrf": csrf_of(page.text)}).status_code == 403


def test_english_per_person_and_per_request(client: TestClient, door: Application) -> None:
    assert "Sign in" in client.get("/anmelden", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert "Anmelden" in client.get("/anmelden", headers={"Accept-Language": "fr, de;q=0.5"}).text
    sign_in(client, COORDINATOR)
    page = client.get(f"/kommunen/{AGS}")
    client.post("/sprache", data={"csrf": csrf_of(page.text), "lang": "en", "next": f"/kommunen/{AGS}"})
    assert "What is still missing" in client.get(f"/kommunen/{AGS}").text
    assert door.accounts.principal(COORDINATOR).language == "en"


def test_every_page_sends_security_headers_and_no_store(client: TestClient) -> None:
    page = client.get("/anmelden")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["cache-control"] == "no-store"


def test_logout_ends_the_session_on_the_server(client: TestClient) -> None:
    sign_in(client, COORDINATOR)
    cookie = client.cookies.get("zyklus_session")
    page = client.get("/uebersicht")
    client.post("/abmelden", data={"csrf": csrf_of(page.text)})
    client.cookies.set("zyklus_session", cookie)  # a copy of the old cookie opens nothing
    assert client.get("/uebersicht", follow_redirects=False).status_code == 303


def test_the_advisor_comments_and_the_comment_is_in_the_history(client: TestClient) -> None:
    sign_in(client, ADVISOR)
    page = client.get(f"/kommunen/{AGS}")
    empty = client.post(f"/kommunen/{AGS}/kommentar", data={"csrf": csrf_of(page.text), "text": "  "})
    assert empty.status_code == 422 and 'id="comment-error"' in empty.text
    done = client.post(f"/kommunen/{AGS}/kommentar", data={"csrf": csrf_of(page.text),
                                                          "text": "Bitte <Leitbild> vor Workshop 2 klären"})
    assert done.status_code == 200 and "Der Kommentar steht im Verlauf" in done.text
    history = client.get(f"/kommunen/{AGS}/verlauf.json").json()
    assert history[-1]["kind"] == "comment" and history[-1]["actor"] == ADVISOR
    assert "&lt;Leitbild&gt;" in client.get(f"/kommunen/{AGS}/verlauf").text


def test_the_steering_group_may_not_comment(client: TestClient) -> None:
    sign_in(client, STEERING_ONLY)
    page = client.get(f"/kommunen/{AGS}")
    assert "/kommentar" not in page.text
    assert client.post(f"/kommunen/{AGS}/kommentar", data={"csrf": csrf_of(page.text), "text": "x"}).status_code == 403


def test_a_coordinator_begins_the_first_cycle_on_the_page(client: TestClient, door: Application) -> None:
    door.service.add_municipality("16053000", "Jena", state="TH", kind="stadt")
    door.service.add_person("16053000", name="Jana Koordination", email=COORDINATOR, roles=["coordination"])
    sign_in(client, COORDINATOR)
    page = client.get("/kommunen/16053000")
    assert "Für diese Kommune läuft noch kein Zyklus" in page.text and 'name="workflow"' in page.text
    bad = client.post("/kommunen/16053000/zyklus", data={"csrf": csrf_of(page.text), "workflow": "gibt-es-nicht"})
    assert bad.status_code == 422 and 'id="start-error"' in bad.text
    done = client.post("/kommunen/16053000/zyklus", data={"csrf": csrf_of(page.text), "workflow": "gnk-thueringen",
                                                         "on": "04.01.2027"})
    assert done.status_code == 200 and "Der Zyklus hat begonnen" in done.text
    assert door.cycles.status("16053000").entered_on == dt.date(2027, 1, 4)
