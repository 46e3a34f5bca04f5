"""What a tester found in the web forms: an empty year or value refused at its input (not a
500, not „Ungültiges Jahr 'None'“), an over-long input refused instead of cut, the reason of a
value correction, the history's guard results and the "Zuletzt" box in the CLI's words, and
long unbroken titles wrapping on a phone."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from engine_support import AGS, COORDINATOR, PHASES, START, record_phase
from fastapi.testclient import TestClient
from test_programme_forms import error_at, send, state
from test_programme_pages import PAGE, coordinator, door  # noqa: F401 (the page's fixtures)

from zyklus.app import Application
from zyklus.app.history_text import describe

YEAR_VALUE_FORMS = ("wert", "zielwert", "ausgangswert")


@pytest.mark.parametrize("change", YEAR_VALUE_FORMS)
def test_an_empty_value_is_refused_at_its_input(change: str, coordinator: TestClient,  # noqa: F811
                                                door: Application) -> None:  # noqa: F811
    before = state(door)
    answer = send(coordinator, change, {"indicator": "thg-haushalte", "year": "2026", "value": "", "source": ""})
    assert answer.status_code == 422
    error_at(answer.text, f"{change}-thg-haushalte", "value")
    assert "Wert darf nicht leer sein." in answer.text
    assert state(door) == before


@pytest.mark.parametrize("change", [*YEAR_VALUE_FORMS, "wert-loeschen", "zielwert-loeschen"])
def test_an_empty_year_is_refused_at_its_input(change: str, coordinator: TestClient,  # noqa: F811
                                               door: Application) -> None:  # noqa: F811
    before = state(door)
    answer = send(coordinator, change, {"indicator": "thg-haushalte", "year": " ", "value": "4,2"})
    assert answer.status_code == 422
    assert "Jahr darf nicht leer sein." in answer.text and "None" not in answer.text
    if change in YEAR_VALUE_FORMS:
        error_at(answer.text, f"{change}-thg-haushalte", "year")
    assert state(door) == before


def test_a_long_title_is_refused_with_the_engines_message_not_cut(coordinator: TestClient,  # noqa: F811
                                                                  door: Application) -> None:  # noqa: F811
    before = state(door)
    answer = send(coordinator, "ziel", {"key": "lang", "title": "T" * 400, "theme": "Klima und Energie",
                                        "level": "strategic"})
    assert answer.status_code == 422
    assert "ist zu lang (400 Zeichen, höchstens 300)." in answer.text
    error_at(answer.text, "ziel", "title")
    assert state(door) == before
    assert 'id="ziel-title" name="title" type="text" value="" maxlength="300"' in coordinator.get(PAGE).text


def test_a_long_number_is_refused_not_read_as_another(coordinator: TestClient,  # noqa: F811
                                                      door: Application) -> None:  # noqa: F811
    before = state(door)
    answer = send(coordinator, "wert", {"indicator": "thg-haushalte", "year": "2026", "value": "1" * 40 + "5"})
    assert answer.status_code == 422
    assert "Die Eingabe ist zu lang (41 Zeichen, höchstens 40)." in answer.text
    error_at(answer.text, "wert-thg-haushalte", "value")
    assert state(door) == before


def test_an_absurdly_long_text_is_refused_where_no_form_catches_it(coordinator: TestClient,  # noqa: F811
                                                                   door: Application) -> None:  # noqa: F811
    before = state(door)
    answer = send(coordinator, "wert", {"indicator": "k" * 65, "year": "2026", "value": "4"})
    assert answer.status_code == 422 and "Die Eingabe ist zu lang (65 Zeichen, höchstens 64)." in answer.text
    assert state(door) == before


def test_a_value_corrected_from_the_web_keeps_its_reason(coordinator: TestClient,  # noqa: F811
                                                         door: Application) -> None:  # noqa: F811
    page = coordinator.get(PAGE).text
    assert 'id="wert-thg-haushalte-reason" name="reason"' in page
    assert "Begründung einer Korrektur (im Verlauf festgehalten)" in page
    answer = send(coordinator, "wert", {"indicator": "thg-haushalte", "year": "2024", "value": "6,9",
                                        "reason": "Nachmeldung des Statistikamts"})
    assert answer.status_code == 303
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.reason) == ("value_corrected", "Nachmeldung des Statistikamts")
    # the "Zuletzt" box says it as `zyklus history` does, not by its kind's code
    box = coordinator.get(f"/kommunen/{AGS}").text
    box = box[box.index('id="zuletzt"'):]
    assert "value_corrected" not in box
    assert describe(entry, "de") in box.replace("&#34;", '"')
    assert "Wert korrigiert: thg-haushalte 2024" in box


def test_the_history_shows_each_guard_by_its_message_and_verdict(coordinator: TestClient,  # noqa: F811
                                                                 door: Application) -> None:  # noqa: F811
    on = START + dt.timedelta(days=30)
    record_phase(door.service, PHASES[0], on=on)
    door.service.advance(AGS, actor=COORDINATOR, on=on)
    guards = door.cycles.history(AGS)[-1].details["guards"]
    assert guards and all(g["ok"] for g in guards if g["severity"] == "block")
    html = coordinator.get(f"/kommunen/{AGS}/verlauf").text
    listed = re.findall(r"<li>(.*?)</li>", html[html.index("<details>"):html.index("</details>")], re.S)
    assert len(listed) == len(guards)
    for guard, item in zip(guards, listed, strict=True):
        verdict = "erfüllt" if guard["ok"] else "nicht erfüllt"
        assert item.endswith(f": {verdict}"), item
        assert not item.startswith(f"{guard['id']}:"), item  # its message, not the raw id


CSS = Path(__file__).resolve().parents[2] / "zyklus" / "web" / "static" / "zyklus.css"


def test_titles_and_text_wrap_anywhere_rather_than_widen_a_phones_page() -> None:
    rules = {selector.strip(): body for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}",
                                                                       re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S))
             for selector in selectors.split(",")}
    for element in ("h2", "h3", "p", "li", "dd", "summary", "label", "legend"):
        assert "overflow-wrap: anywhere" in rules.get(element, ""), element
    assert "overflow-wrap" in rules.get("td", "")
