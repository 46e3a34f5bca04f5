"""The municipality page's answers to a refused form, through FastAPI's TestClient: a fact form
with a missing field shows its error beside the form (it used to be a 500), and a refused advance
names the missing conditions (the message alone ends in "es fehlt:"). Found by the browser tests."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from engine_support import cheap_password_hasher, AGS, COORDINATOR, NOW, drive_to, setup_municipality
from fastapi.testclient import TestClient

from engine.clock import FixedClock
from zyklus.bootstrap import bootstrap
from zyklus.config import load_settings
from zyklus.web.app import create_app

PASSWORD = "Nachhaltig-2027"
SECRET = "web-tests-secret-key-0123456789abcdef"


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return html.unescape(found[1])


@pytest.fixture
def client(database_url: str) -> Iterator[tuple[TestClient, object]]:
    """Erfurt's coordinator, signed in through the login form."""
    door = bootstrap(load_settings(lang="de"), FixedClock(NOW), db_url=database_url, require_schema=False,
                     password_hasher=cheap_password_hasher())
    door.service.init_db()
    setup_municipality(door.service)
    issued = door.accounts.issue_link(COORDINATOR)
    assert issued is not None
    door.accounts.set_password(issued.token, PASSWORD)
    with TestClient(create_app(door, door.settings, SECRET)) as http:
        token = csrf_of(http.get("/anmelden").text)
        signed_in = http.post("/anmelden", data={"csrf": token, "email": COORDINATOR, "password": PASSWORD,
                                                 "next": "/"}, follow_redirects=False)
        assert signed_in.status_code == 303
        yield http, door
    door.close()


def test_a_fact_form_with_a_missing_field_shows_its_error_and_keeps_what_was_typed(client) -> None:  # noqa: ANN001
    http, _door = client
    token = csrf_of(http.get(f"/kommunen/{AGS}").text)
    answer = http.post(f"/kommunen/{AGS}/fakten/participation_resolution",
                       data={"csrf": token, "f_date": "2027-01-07", "f_reference": "DS 0123/27"})
    assert answer.status_code == 422
    assert 'id="error-participation_resolution" role="alert"' in answer.text
    assert 'value="DS 0123/27"' in answer.text  # what was typed is still in the form


def test_a_refused_advance_names_what_is_missing(client) -> None:  # noqa: ANN001
    http, door = client
    entered = drive_to(door.service, "council_resolution")
    page = http.get(f"/kommunen/{AGS}").text
    answer = http.post(f"/kommunen/{AGS}/weiter", data={"csrf": csrf_of(page), "from": "council_resolution",
                                                        "on": entered.isoformat()})
    assert answer.status_code == 409, answer.text
    refusal = answer.text[answer.text.index('id="advance-error"'):]
    refusal = refusal[:refusal.index("</div>")]
    assert "es fehlt:" in refusal
    assert re.search(r"<li>Nachweis „Ratsbeschluss“ mit Ergebnis „beschlossen“ oder „geändert beschlossen“ muss in "
                     r"diesem Zyklus erfasst sein\.</li>", refusal), refusal


def test_the_result_is_a_select_of_labels_and_a_deferred_paper_shows_vertagt_am(client) -> None:  # noqa: ANN001
    http, door = client
    drive_to(door.service, "council_resolution")
    page = http.get(f"/kommunen/{AGS}").text
    select = page[page.index('name="f_result"'):]
    select = select[:select.index("</select>")]
    assert re.findall(r'<option value="([a-z_]*)"[^>]*>([^<]*)</option>', select) == [
        ("", "– bitte wählen –"), ("adopted", "beschlossen"), ("adopted_amended", "geändert beschlossen"),
        ("rejected", "abgelehnt"), ("deferred", "vertagt"), ("withdrawn", "zurückgezogen")]
    answer = http.post(f"/kommunen/{AGS}/fakten/council_resolution", data={  # dated today, the default
        "csrf": csrf_of(page), "f_date": "2027-03-15", "f_body": "Stadtrat", "f_reference": "DS 0371/27",
        "f_result": "deferred"})
    assert answer.status_code in (200, 303), answer.text
    page = http.get(f"/kommunen/{AGS}").text
    assert "Ratsbeschluss: vertagt am 15.03.2027." in page
    assert door.cycles.status(AGS).phase == "council_resolution"


def test_text_typed_over_several_lines_is_stored_with_line_feeds(client) -> None:  # noqa: ANN001
    """Browsers send a textarea's line breaks as CRLF; the engine refuses a carriage return, so
    the pages store LF: in a comment, an advance's reason and a fact's text field."""
    http, door = client
    page = http.get(f"/kommunen/{AGS}").text
    assert http.post(f"/kommunen/{AGS}/kommentar", follow_redirects=False,
                     data={"csrf": csrf_of(page), "text": "Erstens\r\nZweitens"}).status_code == 303
    drive_to(door.service, "evaluation")
    page = http.get(f"/kommunen/{AGS}").text
    assert http.post(f"/kommunen/{AGS}/fakten/evaluation", follow_redirects=False,
                     data={"csrf": csrf_of(page), "f_summary": "Ziele erreicht\r\nBericht folgt"}).status_code == 303
    entries = door.cycles.history(AGS)
    assert [e.reason for e in entries if e.kind == "comment"] == ["Erstens\nZweitens"]
    [evaluation] = [e for e in entries if e.kind == "fact" and e.trigger == "evaluation"]
    assert evaluation.details["fields"]["summary"] == "Ziele erreicht\nBericht folgt"
