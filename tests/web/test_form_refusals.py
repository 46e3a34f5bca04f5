"""What a tester found in the web pages' refusals: an impossible date in a fact form or in
*Phase abschließen* was a 500 (a pydantic ValidationError of the door's command), a malformed
number in a page's address answered with FastAPI's raw JSON, ``?zyklus=0`` named 2^63, the
lockout said 16 minutes for 15, a long comment must be refused, not cut, and the messages name
the date forms the page takes and no CLI option."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_support import AGS, COORDINATOR
from fastapi.testclient import TestClient
from pydantic import BaseModel
from test_municipality_forms import client, csrf_of  # noqa: F401 (the coordinator's signed-in client)
from test_web_pages import door, prepared, sign_in  # noqa: F401 (a database with passwords)
from test_web_pages import client as pages_client  # noqa: F401

from zyklus.app import commands as c
from zyklus.config import load_settings
from zyklus.web.app import create_app

TYPED_DATE = "erwartet wird TT.MM.JJJJ oder JJJJ-MM-TT, z. B. 15.03.2027."


def _history_size(app) -> int:  # noqa: ANN001
    return len(app.cycles.history(AGS))


@pytest.mark.parametrize("typed", ["30.02.2030", "2030-02-30", "morgen"])
def test_an_impossible_day_of_a_fact_is_refused_at_its_date_input(client, typed: str) -> None:  # noqa: ANN001, F811
    http, app = client
    before = _history_size(app)
    token = csrf_of(http.get(f"/kommunen/{AGS}").text)
    answer = http.post(f"/kommunen/{AGS}/fakten/participation_resolution",
                       data={"csrf": token, "f_date": "2027-01-07", "f_reference": "DS 0123/27", "f_result": "adopted",
                             "on": typed})
    assert answer.status_code == 422, answer.text[:300]
    assert f"Ungültiges Datum &#39;{typed}&#39;: {TYPED_DATE}" in answer.text
    assert ('id="on-participation_resolution" name="on" type="date" aria-describedby="on-hint-participation_resolution'
            ' error-participation_resolution" aria-invalid="true"') in answer.text
    assert _history_size(app) == before


def test_an_impossible_date_field_of_a_fact_names_what_was_typed(client) -> None:  # noqa: ANN001, F811
    http, app = client
    before = _history_size(app)
    token = csrf_of(http.get(f"/kommunen/{AGS}").text)
    answer = http.post(f"/kommunen/{AGS}/fakten/participation_resolution",
                       data={"csrf": token, "f_date": "30.02.2027", "f_reference": "DS 0123/27", "f_result": "adopted"})
    assert answer.status_code == 422
    assert f"Ungültiges Datum &#39;30.02.2027&#39;: {TYPED_DATE}" in answer.text
    assert "2027-02-30" not in answer.text
    assert 'id="f-participation_resolution-date" name="f_date"' in answer.text
    assert _history_size(app) == before


def test_a_missing_fact_field_names_no_cli_option(client) -> None:  # noqa: ANN001, F811
    http, _door = client
    token = csrf_of(http.get(f"/kommunen/{AGS}").text)
    answer = http.post(f"/kommunen/{AGS}/fakten/participation_resolution",
                       data={"csrf": token, "f_date": "2027-01-07", "f_result": "adopted"})
    assert answer.status_code == 422
    assert "fehlt das Pflichtfeld &#39;body&#39;." in answer.text
    assert "--set" not in answer.text
    assert 'name="f_body" required aria-describedby="error-participation_resolution" aria-invalid="true"' in answer.text


@pytest.mark.parametrize("typed", ["2030-02-30", "31.04.2027"])
def test_an_impossible_day_of_an_advance_is_refused_not_a_500(client, typed: str) -> None:  # noqa: ANN001, F811
    http, app = client
    before = app.cycles.status(AGS).phase
    page = http.get(f"/kommunen/{AGS}").text
    answer = http.post(f"/kommunen/{AGS}/weiter", data={"csrf": csrf_of(page), "from": before, "reason": "x",
                                                        "on": typed})
    assert answer.status_code == 422, answer.text[:300]
    assert f"Ungültiges Datum &#39;{typed}&#39;: {TYPED_DATE}" in answer.text
    assert f'value="{typed}" aria-describedby="advance-error" aria-invalid="true"' in answer.text
    assert app.cycles.status(AGS).phase == before


def test_a_deadline_typed_the_german_way_that_does_not_exist_says_both_forms(client) -> None:  # noqa: ANN001, F811
    http, app = client
    due = app.cycles.status(AGS).due_on
    page = http.get(f"/kommunen/{AGS}").text
    answer = http.post(f"/kommunen/{AGS}/frist", data={"csrf": csrf_of(page), "due": "30.02.2030", "reason": "x"})
    assert answer.status_code == 422
    assert f"Ungültiges Datum &#39;30.02.2030&#39;: {TYPED_DATE}" in answer.text
    empty = http.post(f"/kommunen/{AGS}/frist", data={"csrf": csrf_of(page), "due": " ", "reason": "x"})
    assert empty.status_code == 422 and "Neue Frist darf nicht leer sein." in empty.text
    assert app.cycles.status(AGS).due_on == due


def test_a_refusal_names_the_field_by_the_pages_label_not_the_command_lines_option(client) -> None:  # noqa: ANN001, F811
    """The engine names a field by its CLI option (--reason); a coordinator in the browser reads the
    label of the input instead, in her language."""
    http, app = client
    due = app.cycles.status(AGS).due_on
    page = http.get(f"/kommunen/{AGS}").text
    answer = http.post(f"/kommunen/{AGS}/frist", data={"csrf": csrf_of(page), "due": "30.09.2031", "reason": " "})
    assert answer.status_code == 422
    assert "Begründung darf nicht leer sein." in answer.text and "--reason" not in answer.text
    assert app.cycles.status(AGS).due_on == due
    from engine.errors import InvalidInput
    from engine.i18n import m
    from zyklus.web.context import said

    refusal = InvalidInput(m("text.empty", "de", field="--reason"))
    assert said(refusal, "en") == "Reason must not be empty."
    assert refusal.render("en") == "--reason must not be empty."  # the CLI's words stay the CLI's


def test_a_long_comment_is_refused_with_the_engines_message_not_cut(client) -> None:  # noqa: ANN001, F811
    http, app = client
    before = _history_size(app)
    page = http.get(f"/kommunen/{AGS}").text
    answer = http.post(f"/kommunen/{AGS}/kommentar", data={"csrf": csrf_of(page), "text": "k" * 20_000})
    assert answer.status_code == 422
    assert "Kommentar ist zu lang (20000 Zeichen, höchstens 4000)." in answer.text
    assert _history_size(app) == before


@pytest.mark.parametrize("path", ["/kommunen/{ags}/bericht?zyklus=abc", "/kommunen/{ags}/bewertung?zyklus=1,5",
                                  "/kommunen/{ags}/verlauf?zyklus=abc"])
def test_a_malformed_number_in_a_pages_query_is_the_apps_error_page(client, path: str) -> None:  # noqa: ANN001, F811
    http, _door = client
    answer = http.get(path.format(ags=AGS))
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    value = path.rsplit("=", 1)[1]
    assert f"Die Adresse enthält einen ungültigen Wert: zyklus=„{value}“." in answer.text
    assert "int_parsing" not in answer.text


def test_a_malformed_number_in_a_pages_path_is_not_found(client) -> None:  # noqa: ANN001, F811
    http, _door = client
    for path in (f"/kommunen/{AGS}/sitzungen/abc", f"/kommunen/{AGS}/sitzungen/0"):
        answer = http.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("text/html")
        assert "Diese Seite gibt es nicht." in answer.text


@pytest.mark.parametrize("number", ["0", "-3", "99999999999999999999"])
def test_a_cycle_number_no_cycle_can_have_is_said_as_for_99(client, number: str) -> None:  # noqa: ANN001, F811
    http, _door = client
    for page in ("bewertung", "bericht", "verlauf"):
        answer = http.get(f"/kommunen/{AGS}/{page}?zyklus={number}")
        assert answer.status_code == 404, page
        shown = number if len(number) <= 30 else number[:30] + "…"
        assert f"Für {AGS} gibt es keinen Zyklus {shown}." in answer.text, page
        assert "9223372036854775807" not in answer.text


def test_the_api_answers_a_malformed_number_with_a_problem(client) -> None:  # noqa: ANN001, F811
    http, app = client
    token = app.accounts.create_api_token(app.accounts.principal(COORDINATOR), "Test")[0]
    answer = http.get(f"/api/v1/municipalities/{AGS}/history?cycle=abc", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "request.invalid"


def test_the_lockout_says_the_minutes_it_was_set_for(pages_client: TestClient) -> None:  # noqa: F811
    for _ in range(5):
        assert sign_in(pages_client, COORDINATOR, "falsch-falsch").status_code == 401
    locked = sign_in(pages_client, COORDINATOR)
    assert locked.status_code == 401
    assert "Die Anmeldung ist für 15 Minuten gesperrt." in locked.text


def test_a_command_value_no_page_read_is_a_422_page_never_a_500(door) -> None:  # noqa: ANN001, F811
    """The last resort: a door command refusing a value (pydantic) is a refusal, not a bug; a
    ValidationError of anything else stays a bug (500)."""
    app = create_app(door, load_settings(lang="de"), "k" * 48)

    def unread() -> None:
        c.SetDeadline(ags=AGS, due="2030-02-30", actor=COORDINATOR, reason="x")  # type: ignore[arg-type]

    class Other(BaseModel):
        day: dt.date

    def bug() -> None:
        Other(day="2030-02-30")  # type: ignore[arg-type]

    app.add_api_route("/probe/unread", unread)
    app.add_api_route("/api/v1/probe/unread", unread)
    app.add_api_route("/probe/bug", bug)
    with TestClient(app, raise_server_exceptions=False) as http:
        page = http.get("/probe/unread")
        assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
        assert "Eine Eingabe hat nicht die erwartete Form; es wurde nichts geändert." in page.text
        api = http.get("/api/v1/probe/unread")
        assert api.status_code == 422 and api.headers["content-type"] == "application/problem+json"
        assert http.get("/probe/bug").status_code == 500
