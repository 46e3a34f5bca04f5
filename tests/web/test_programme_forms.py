"""The Handlungsprogramm's forms for what only the door and the CLI could do before: an own
indicator, its definition corrected or removed, SDG and sub-target on goals, a measure's plan
changed, measures linked to the indicators they move. Each works, shows on the page and in the
history; each refusal comes back at its input with what was typed and changes nothing."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS, STEERING_ONLY
from fastapi.testclient import TestClient
from test_programme_pages import PAGE, coordinator, door  # noqa: F401 (the page's fixtures)
from web_support import ADVISOR, post_form, signed_in

from zyklus.app import Application
from zyklus.app.dto import IndicatorDTO

RADVERKEHR = {"key": "radverkehr", "name": "Anteil des Radverkehrs", "unit": "%", "sdg": "11", "sdg_target": "11.2",
              "direction": "increase", "decimals": "1", "definition": "Wege mit dem Rad je 100 Wege",
              "source": "Haushaltsbefragung", "values_due": "06-30", "publication_lag": "2", "goal": "klima-1"}


def send(client: TestClient, change: str, data: dict[str, Any]) -> httpx.Response:
    return post_form(client, PAGE, f"{PAGE}/{change}", data)


def state(door: Application) -> tuple[Any, ...]:  # noqa: F811
    """Everything the forms could change, to compare before and after a refusal."""
    programme = door.programme
    return (programme.indicators(AGS), programme.goals(AGS), programme.measures(AGS), len(door.cycles.history(AGS)))


def indicator(door: Application, key: str) -> IndicatorDTO:  # noqa: F811
    return next(i for i in door.programme.indicators(AGS) if i.id == key)


def error_at(html: str, form: str, name: str) -> None:
    """The refusal stands right before the input ``name`` of ``form`` (after its label), and
    that input points at it."""
    message = f'<p class="error" id="error-{form}" role="alert">'
    assert html.count(message) == 1, html.count(message)
    after = html[html.index(message) + len(message):]
    between = after[after.index("</p>"):after.index(f'id="{form}-{name}"')].rsplit("<", 1)[0]  # up to its tag
    assert not any(tag in between for tag in ("<input", "<select", "<textarea", "<label")), between
    field = after[after.index(f'id="{form}-{name}"'):]
    field = field[:field.index(">")]
    assert 'aria-invalid="true"' in field and f"error-{form}" in field, field


def test_an_own_indicator_is_added_shown_and_on_record(coordinator: TestClient, door: Application) -> None:  # noqa: F811
    answer = send(coordinator, "indikator", RADVERKEHR)
    assert answer.status_code == 303 and answer.headers["location"].endswith("#indikator-radverkehr")
    added = indicator(door, "radverkehr")
    assert (added.name, added.unit, added.sdg, added.sdg_target, added.direction, added.definition, added.source,
            added.values_due, added.publication_lag, added.goal, added.catalogue_id) == (
        "Anteil des Radverkehrs", "%", 11, "11.2", "increase", "Wege mit dem Rad je 100 Wege", "Haushaltsbefragung",
        "06-30", 2, "klima-1", None)
    page = coordinator.get(PAGE).text
    article = page[page.index('id="indikator-radverkehr"'):]
    assert "Wege mit dem Rad je 100 Wege" in article and "11.2" in article and "06-30" in article
    assert "(etwa Parität bei 50 %)" in page  # a per cent sign in a hint, not a format code
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.trigger, entry.actor) == ("indicator_added", "radverkehr", COORDINATOR)
    assert "Indikator angelegt: radverkehr" in coordinator.get(f"/kommunen/{AGS}/verlauf").text


def test_a_parity_level_is_a_band_with_equal_bounds_in_german_numbers(coordinator: TestClient,  # noqa: F811
                                                                       door: Application) -> None:  # noqa: F811
    data = {"key": "frauen-rat", "name": "Frauenanteil im Stadtrat", "unit": "%", "sdg": "5", "direction": "band",
            "band_low": "50", "band_high": "50,0", "decimals": "0"}
    assert send(coordinator, "indikator", data).status_code == 303
    assert indicator(door, "frauen-rat").band == (50.0, 50.0)
    data = {**data, "key": "wasser", "name": "Wasserverbrauch", "band_low": "1.000", "band_high": "4.000,5"}
    assert send(coordinator, "indikator", data).status_code == 303
    assert indicator(door, "wasser").band == (1000.0, 4000.5)  # German „4.000“ is four thousand


@pytest.mark.parametrize(("change", "name"), [("sdg", "sdg"), ("sdg_target", "sdg_target"), ("band", "band_low"),
                                              ("number", "band_high"), ("key", "key"), ("duplicate", "key")])
def test_a_refused_own_indicator_comes_back_at_its_input_and_adds_nothing(coordinator: TestClient,  # noqa: F811
                                                                          door: Application,  # noqa: F811
                                                                          change: str, name: str) -> None:
    data = {**RADVERKEHR, "direction": "band", "band_low": "10", "band_high": "30"}
    data.update({"sdg": {"sdg": "18"}, "sdg_target": {"sdg_target": "12.3"},  # 12.3 is no target of SDG 11
                 "band": {"band_low": "40", "band_high": "30"}, "number": {"band_high": "12.5"},
                 "key": {"key": ""}, "duplicate": {"key": "thg-haushalte"}}[change])
    before = state(door)
    answer = send(coordinator, "indikator", data)
    assert answer.status_code == 422, answer.text
    assert state(door) == before
    error_at(answer.text, "indikator", name)
    assert 'value="Anteil des Radverkehrs"' in answer.text and "Wege mit dem Rad je 100 Wege</textarea>" in answer.text
    assert answer.text.count('aria-invalid="true"') == 1  # only the input the refusal is about


def test_an_indicators_definition_is_corrected_with_a_reason(coordinator: TestClient,  # noqa: F811
                                                            door: Application) -> None:  # noqa: F811
    page = coordinator.get(PAGE).text
    form = page[page.index('id="indikator-aendern-thg-haushalte-name"'):][:300]
    assert f'value="{indicator(door, "thg-haushalte").name}"' in form  # the form starts from what is stored
    data = {"indicator": "thg-haushalte", "name": "THG private Haushalte", "unit": "t CO₂e je EW",
            "definition": "BISKO, ohne Verkehr", "sdg": "13", "sdg_target": "13.3", "direction": "decrease",
            "band_low": "", "band_high": "", "values_due": "09-30", "publication_lag": "3", "reason": "Ratsbeschluss"}
    answer = send(coordinator, "indikator-aendern", data)
    assert answer.status_code == 303 and answer.headers["location"].endswith("#indikator-thg-haushalte")
    changed = indicator(door, "thg-haushalte")
    assert (changed.name, changed.unit, changed.definition, changed.sdg_target, changed.values_due,
            changed.publication_lag) == ("THG private Haushalte", "t CO₂e je EW", "BISKO, ohne Verkehr", "13.3",
                                         "09-30", 3)
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.trigger, entry.reason) == ("indicator_updated", "thg-haushalte", "Ratsbeschluss")
    assert {"name", "unit", "definition", "sdg_target", "values_due", "publication_lag"} <= set(entry.details["changes"])
    history = coordinator.get(f"/kommunen/{AGS}/verlauf").text
    assert "Indikator geändert: thg-haushalte" in history and "09-30" in history


def test_a_direction_becomes_a_band_only_without_targets_and_with_its_bounds_in_order(
        coordinator: TestClient, door: Application) -> None:  # noqa: F811
    base = {"indicator": "thg-haushalte", "name": "THG", "unit": "t", "definition": "", "sdg": "13", "sdg_target": "",
            "direction": "band", "band_low": "4", "band_high": "6", "values_due": "03-31", "publication_lag": "1"}
    before = state(door)
    refused = send(coordinator, "indikator-aendern", base)  # it has a target for 2030
    assert refused.status_code == 422 and state(door) == before
    error_at(refused.text, "indikator-aendern-thg-haushalte", "direction")
    assert send(coordinator, "zielwert-loeschen", {"indicator": "thg-haushalte", "year": "2030"}).status_code == 303
    before = state(door)
    upside_down = send(coordinator, "indikator-aendern", {**base, "band_low": "7", "band_high": "6"})
    assert upside_down.status_code == 422 and state(door) == before
    error_at(upside_down.text, "indikator-aendern-thg-haushalte", "band_low")
    assert 'value="7"' in upside_down.text
    assert send(coordinator, "indikator-aendern", {**base, "band_low": "4,5"}).status_code == 303
    assert indicator(door, "thg-haushalte").band == (4.5, 6.0)
    back = send(coordinator, "indikator-aendern", {**base, "direction": "decrease", "band_low": "", "band_high": ""})
    assert back.status_code == 303 and indicator(door, "thg-haushalte").band is None


def test_an_indicator_is_removed_with_a_reason_its_values_kept(coordinator: TestClient,  # noqa: F811
                                                               door: Application) -> None:  # noqa: F811
    page = coordinator.get(PAGE).text
    assert 'action="/kommunen/16051000/handlungsprogramm/indikator-loeschen"' in page
    answer = send(coordinator, "indikator-loeschen", {"indicator": "thg-haushalte", "reason": "doppelt erfasst"})
    assert answer.status_code == 303
    assert door.programme.indicators(AGS) == []
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.trigger, entry.reason) == ("indicator_deleted", "thg-haushalte", "doppelt erfasst")
    again = send(coordinator, "indikator-loeschen", {"indicator": "thg-haushalte"})
    assert again.status_code == 422  # its form went with it: the refusal stands on top of the page
    assert again.text.index('id="error-indikator-loeschen-thg-haushalte" role="alert"') < again.text.index('id="ziele"')


def test_goals_take_sdg_and_sub_target_on_adding_and_changing(coordinator: TestClient,  # noqa: F811
                                                             door: Application) -> None:  # noqa: F811
    assert send(coordinator, "ziel", {"key": "ll-mobil", "title": "Mobile Stadt", "level": "guideline",
                                      "theme": "Mobilität", "sdg": "11", "sdg_target": "11.2"}).status_code == 303
    goal = door.programme.goal(AGS, "ll-mobil")
    assert (goal.level, goal.sdg, goal.sdg_target) == ("guideline", 11, "11.2")
    assert "SDG 11.2" in coordinator.get(PAGE).text
    before = state(door)
    refused = send(coordinator, "ziel-aendern", {"goal": "ll-mobil", "title": "Mobile Stadt", "theme": "Mobilität",
                                                 "target_year": "", "sdg": "11", "sdg_target": "3.6"})
    assert refused.status_code == 422 and state(door) == before
    error_at(refused.text, "ziel-aendern-ll-mobil", "sdg_target")
    assert send(coordinator, "ziel-aendern", {"goal": "ll-mobil", "title": "Mobile Stadt", "theme": "Verkehr",
                                              "target_year": "2035", "sdg": "3", "sdg_target": "3.6",
                                              "reason": "Leitbild 2035"}).status_code == 303
    goal = door.programme.goal(AGS, "ll-mobil")
    assert (goal.theme_field, goal.target_year, goal.sdg, goal.sdg_target) == ("Verkehr", 2035, 3, "3.6")
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.reason, entry.details["changes"]["sdg_target"]) == (
        "goal_updated", "Leitbild 2035", {"old": "11.2", "new": "3.6"})
    before = state(door)
    two_lines = send(coordinator, "ziel-aendern", {"goal": "ll-mobil", "title": "Mobile Stadt", "reason": "x\ny"})
    assert two_lines.status_code == 422 and state(door) == before
    error_at(two_lines.text, "ziel-aendern-ll-mobil", "reason")  # once, at the reason
    unknown = send(coordinator, "ziel", {"key": "ll-x", "title": "X", "level": "guideline", "theme": "X", "sdg": "0"})
    assert unknown.status_code == 422
    error_at(unknown.text, "ziel", "sdg")


def test_a_measures_plan_is_changed_with_a_reason_in_german_numbers(coordinator: TestClient,  # noqa: F811
                                                                   door: Application) -> None:  # noqa: F811
    data = {"measure": "m-pv", "title": "PV auf allen Schuldächern", "goal": "klima-1", "responsible": "Bauamt",
            "start": "01.03.2027", "end": "2028-12-31", "costs": "1.250.000", "staff": "1,5", "progress": "20",
            "reason": "Haushalt 2027"}
    answer = send(coordinator, "massnahme-aendern", data)
    assert answer.status_code == 303 and answer.headers["location"].endswith("#massnahme-m-pv")
    measure = door.programme.measure(AGS, "m-pv")
    assert (measure.title, measure.responsible, str(measure.planned_start), str(measure.planned_end), measure.costs,
            measure.staff, measure.progress) == ("PV auf allen Schuldächern", "Bauamt", "2027-03-01", "2028-12-31",
                                                 1_250_000.0, 1.5, 20)
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.trigger, entry.reason) == ("measure_updated", "m-pv", "Haushalt 2027")
    assert entry.details["changes"]["costs"] == {"old": None, "new": 1_250_000.0}
    page = coordinator.get(PAGE).text
    form = page[page.index('id="massnahme-aendern-m-pv-costs"'):][:200]
    assert 'value="1.250.000"' in form  # shown as typed, and typed back it means the same
    assert "Maßnahme geändert: m-pv" in coordinator.get(f"/kommunen/{AGS}/verlauf").text


@pytest.mark.parametrize(("wrong", "name"), [({"costs": "12.5"}, "costs"), ({"progress": "120"}, "progress"),
                                             ({"end": "01.01.2020", "start": "01.01.2021"}, "end"),
                                             ({"title": ""}, "title")])
def test_a_refused_plan_comes_back_at_its_input_and_changes_nothing(coordinator: TestClient,  # noqa: F811
                                                                    door: Application,  # noqa: F811
                                                                    wrong: dict[str, str], name: str) -> None:
    data = {"measure": "m-pv", "title": "PV", "goal": "klima-1", "responsible": "Bauamt", "start": "", "end": "",
            "costs": "5.000", "staff": "", "progress": "", "reason": "Test", **wrong}
    before = state(door)
    answer = send(coordinator, "massnahme-aendern", data)
    assert answer.status_code == 422 and state(door) == before
    error_at(answer.text, "massnahme-aendern-m-pv", name)
    assert 'value="Bauamt"' in answer.text


def test_a_measure_is_linked_to_indicators_and_unlinked(coordinator: TestClient, door: Application) -> None:  # noqa: F811
    assert send(coordinator, "indikator", {**RADVERKEHR, "goal": ""}).status_code == 303
    for key in ("thg-haushalte", "radverkehr"):
        answer = send(coordinator, "verknuepfen", {"measure": "m-pv", "indicator": key, "reason": "Wirkung"})
        assert answer.status_code == 303 and answer.headers["location"].endswith("#massnahme-m-pv")
    assert door.programme.measure(AGS, "m-pv").indicators == ["radverkehr", "thg-haushalte"]
    row = coordinator.get(PAGE).text
    row = row[row.index('id="massnahme-m-pv"'):]
    row = row[:row.index("</tr>")]
    assert "Verknüpfung mit Anteil des Radverkehrs lösen" in row
    assert 'id="verknuepfen-m-pv-indicator"' not in row  # every indicator linked: nothing left to choose
    twice = send(coordinator, "verknuepfen", {"measure": "m-pv", "indicator": "radverkehr"})
    assert twice.status_code == 422 and 'id="error-verknuepfen-m-pv" role="alert"' in twice.text
    assert send(coordinator, "verknuepfung-loesen", {"measure": "m-pv", "indicator": "radverkehr"}).status_code == 303
    assert door.programme.measure(AGS, "m-pv").indicators == ["thg-haushalte"]
    kinds = [(e.kind, e.details.get("indicator")) for e in door.cycles.history(AGS)[-3:]]
    assert kinds == [("measure_linked", "thg-haushalte"), ("measure_linked", "radverkehr"),
                     ("measure_unlinked", "radverkehr")]
    history = coordinator.get(f"/kommunen/{AGS}/verlauf").text
    assert "Maßnahme m-pv mit Indikator radverkehr verknüpft" in history


NEW_FORMS = [("indikator", RADVERKEHR),
             ("indikator-aendern", {"indicator": "thg-haushalte", "name": "X", "unit": "t", "direction": "decrease"}),
             ("indikator-loeschen", {"indicator": "thg-haushalte"}),
             ("massnahme-aendern", {"measure": "m-pv", "title": "X"}),
             ("verknuepfen", {"measure": "m-pv", "indicator": "thg-haushalte"})]


@pytest.mark.parametrize(("change", "data"), NEW_FORMS)
def test_who_only_reads_sees_no_form_and_may_not_send_one(door: Application, change: str,  # noqa: F811
                                                          data: dict[str, str]) -> None:
    before = state(door)
    for reader in (signed_in(door, STEERING_ONLY), advisor(door)):
        page = reader.get(PAGE)
        assert page.status_code == 200 and f'handlungsprogramm/{change}"' not in page.text
        assert post_form(reader, PAGE, f"{PAGE}/{change}", data).status_code == 403
    assert state(door) == before


def advisor(door: Application) -> TestClient:  # noqa: F811
    door.accounts.add(ADVISOR, name="Beraterin", advisor_states=["TH"])
    return signed_in(door, ADVISOR)


@pytest.mark.parametrize(("change", "data"), NEW_FORMS)
def test_another_municipality_and_a_missing_csrf_value_change_nothing(coordinator: TestClient,  # noqa: F811
                                                                     door: Application, change: str,  # noqa: F811
                                                                     data: dict[str, str]) -> None:
    before = state(door)
    weimar = signed_in(door, "koordination0@weimar.de")
    assert post_form(weimar, f"/kommunen/{OTHER_AGS}/handlungsprogramm", f"{PAGE}/{change}", data).status_code == 404
    assert coordinator.post(f"{PAGE}/{change}", data=data).status_code == 403
    assert coordinator.post(f"{PAGE}/{change}", data={"csrf": "gefälscht", **data}).status_code == 403
    assert state(door) == before


def goal_form(html: str, key: str) -> str:
    """The form that changes the goal ``key``."""
    form = html[html.index(f'<input type="hidden" name="goal" value="{key}">'):]
    return form[:form.index("</form>")]


def options(form: str, name: str) -> list[str]:
    """The values a select of a form offers, the chosen one marked with a star."""
    select = form[form.index(f'name="{name}"'):]
    select = select[:select.index("</select>")]
    return [value + ("*" if chosen else "") for value, chosen in
            re.findall(r'<option value="([^"]*)"( selected)?>', select)]


def guidelines(door: Application) -> None:  # noqa: F811
    door.programme.add_goal(AGS, "ll-klima", title="Klimaneutrale Stadt", theme_field="Klima und Energie",
                            level="guideline", actor=COORDINATOR)
    door.programme.add_goal(AGS, "ll-mobil", title="Mobilität für alle", theme_field="Mobilität", level="guideline",
                            actor=COORDINATOR)


def test_a_goal_is_moved_under_a_guideline_through_its_form(coordinator: TestClient,  # noqa: F811
                                                           door: Application) -> None:  # noqa: F811
    """klima-1, a strategic goal without a parent, goes under the Leitlinie Mobilität: it and its
    measure take that theme field; the form offers only goals that could be its parent."""
    guidelines(door)
    form = goal_form(coordinator.get(PAGE).text, "klima-1")
    assert options(form, "level") == ["guideline", "strategic*", "operative"]
    assert options(form, "parent") == ["*", "ll-klima", "ll-mobil"]  # not itself, no operative goal
    assert 'name="theme"' in form  # a goal without a parent has a theme field of its own
    answer = send(coordinator, "ziel-aendern", {"goal": "klima-1", "title": "Emissionen der Haushalte senken",
                                                "level": "strategic", "parent": "ll-mobil",
                                                "theme": "Klima und Energie", "target_year": "", "sdg": "",
                                                "sdg_target": "", "reason": "andere Leitlinie"})
    assert answer.status_code == 303 and answer.headers["location"].endswith("#ziel-klima-1")
    goal = door.programme.goal(AGS, "klima-1")
    assert (goal.level, goal.parent, goal.theme_field) == ("strategic", "ll-mobil", "Mobilität")
    assert door.programme.measure(AGS, "m-pv").theme_field == "Mobilität"  # down the branch
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.trigger, entry.reason, entry.details["changes"]) == (
        "goal_updated", "klima-1", "andere Leitlinie", {
            "theme_field": {"old": "Klima und Energie", "new": "Mobilität"},
            "parent": {"old": None, "new": "ll-mobil"}})
    page = coordinator.get(PAGE).text
    form = goal_form(page, "klima-1")
    assert options(form, "parent") == ["", "ll-klima", "ll-mobil*"] and 'name="theme"' not in form
    section = page[page.index('id="ziel-ll-mobil"'):page.index('id="indikatoren"')]
    assert 'id="ziel-klima-1"' in section  # shown in the tree below its new Leitlinie
    # Its Leitlinie has a goal below it now: its level stays, and it stands below no goal.
    form = goal_form(page, "ll-mobil")
    assert options(form, "level") == ["guideline*"] and options(form, "parent") == ["*"]
    assert "Die Ebene bleibt, solange Ziele darunter stehen." in form
    assert "parent: – → ll-mobil" in coordinator.get(f"/kommunen/{AGS}/verlauf").text


@pytest.mark.parametrize(("wrong", "name", "words"), [
    ({"level": "operative", "parent": "ll-klima"}, "parent", "--parent ll-klima passt nicht"),
    ({"level": "strategic", "parent": "ll-mobil", "theme": "Verkehr"}, "theme", "passt nicht zu ll-mobil"),
    ({"level": "guideline", "parent": "ll-mobil"}, "parent", "--parent ll-mobil passt nicht"),
    ({"level": "strategic", "parent": "klima-1"}, "parent", "eigenes übergeordnetes Ziel"),
    ({"level": "strategic", "parent": "gibt-es-nicht"}, "parent", "gibt-es-nicht"),
    ({"level": "regional", "parent": ""}, "level", "Unbekannte Ebene"),
])
def test_a_refused_move_comes_back_at_its_input_and_changes_nothing(coordinator: TestClient,  # noqa: F811
                                                                    door: Application,  # noqa: F811
                                                                    wrong: dict[str, str], name: str,
                                                                    words: str) -> None:
    guidelines(door)
    data = {"goal": "klima-1", "title": "Emissionen senken", "theme": "Klima und Energie", "target_year": "2030",
            "sdg": "", "sdg_target": "", "reason": "", **wrong}
    before = state(door)
    answer = send(coordinator, "ziel-aendern", data)
    assert answer.status_code == 422 and state(door) == before
    error_at(answer.text, "ziel-aendern-klima-1", name)
    assert words in answer.text
    form = goal_form(answer.text, "klima-1")
    assert 'value="Emissionen senken"' in form and 'value="2030"' in form  # what was typed
    if wrong["parent"] in ("ll-klima", "ll-mobil"):
        assert f'{wrong["parent"]}*' in options(form, "parent") and f'{wrong["level"]}*' in options(form, "level")


def test_a_goal_with_goals_below_keeps_its_level_in_english_too(coordinator: TestClient,  # noqa: F811
                                                               door: Application) -> None:  # noqa: F811
    guidelines(door)
    door.programme.update_goal(AGS, "klima-1", parent="ll-klima", actor=COORDINATOR)
    assert post_form(coordinator, PAGE, "/sprache", {"lang": "en", "next": PAGE}).status_code == 303
    before = state(door)
    answer = send(coordinator, "ziel-aendern", {"goal": "ll-klima", "title": "Klimaneutrale Stadt",
                                                "level": "strategic", "parent": "ll-mobil",
                                                "theme": "Klima und Energie"})  # a page from before klima-1 moved
    assert answer.status_code == 422 and state(door) == before
    error_at(answer.text, "ziel-aendern-ll-klima", "level")
    assert ("The level of ll-klima (guideline) cannot change while goals stand below it: klima-1. Move or delete "
            "them first.") in answer.text
    assert "The level stays while goals stand below it." in goal_form(answer.text, "ll-klima")


def test_a_measures_goal_is_cleared_through_its_form(coordinator: TestClient, door: Application) -> None:  # noqa: F811
    form = coordinator.get(PAGE).text
    form = form[form.index('id="massnahme-aendern-m-pv-title"'):]
    form = form[:form.index("</form>")]
    assert options(form, "goal") == ["", "klima-1*"]  # „kein Ziel“ is offered though it has one
    assert "behält ihr Themenfeld" in form
    data = {"measure": "m-pv", "title": "PV auf Schuldächern", "goal": "", "responsible": "", "start": "",
            "end": "", "costs": "", "staff": "", "progress": "", "reason": "kein Ziel mehr"}
    assert send(coordinator, "massnahme-aendern", data).status_code == 303
    measure = door.programme.measure(AGS, "m-pv")
    assert (measure.goal, measure.theme_field) == (None, "Klima und Energie")  # it keeps its goal's theme field
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.reason, entry.details["changes"]) == (
        "measure_updated", "kein Ziel mehr", {"goal": {"old": "klima-1", "new": None}})
    page = coordinator.get(PAGE).text
    assert 'id="massnahme-aendern-m-pv-theme"' in page and 'value="Klima und Energie"' in page
    before = state(door)
    refused = send(coordinator, "massnahme-aendern", {**data, "theme": ""})  # neither a goal nor a theme
    assert refused.status_code == 422 and state(door) == before
    error_at(refused.text, "massnahme-aendern-m-pv", "theme")


def test_an_indicator_adopted_again_says_which_yearly_values_it_takes_over(coordinator: TestClient,  # noqa: F811
                                                                          door: Application) -> None:  # noqa: F811
    """The values of a deleted indicator stay with the municipality; one adopted again under its id
    counts them, and the page says so after the redirect, as the command line does."""
    years = sorted(v.year for v in indicator(door, "thg-haushalte").values)
    assert years, "the fixture records values"
    assert send(coordinator, "indikator-loeschen", {"indicator": "thg-haushalte", "reason": "falsch"}).status_code == 303
    answer = send(coordinator, "uebernehmen", {"ids": ["thg-haushalte"], "goal": ""})
    assert answer.status_code == 303 and "werte=thg-haushalte" in answer.headers["location"]
    shown = " ".join(coordinator.get(answer.headers["location"]).text.split())
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    count = f"{len(years)} vorhandene Jahreswerte" if len(years) > 1 else "1 vorhandenen Jahreswert"
    assert f'<p class="notice" role="status">thg-haushalte übernimmt {count} ({span}) dieser Kennung' in shown
    forged = coordinator.get(f"{PAGE}?werte=%3Cb%3Ex%3C/b%3E:2:2020:2021&werte=kaputt&werte=a:1:x:2").text
    assert "&lt;b&gt;x&lt;/b&gt; übernimmt 2 vorhandene Jahreswerte (2020–2021)" in forged and "<b>x</b>" not in forged
    assert forged.count('<p class="notice" role="status">') == 1  # the malformed notes are left out
