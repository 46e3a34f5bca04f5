"""The web pages *Handlungsprogramm* and *Bewertung und Bericht*, driven like a browser: values,
targets and measures through the forms, German numbers, who may change what, form errors, the
rating in symbol and words, the report in the browser and as a download."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from engine_support import (AGS, COORDINATOR, NOW, OTHER_AGS, STEERING_ONLY, Member, require_weasyprint,
                            setup_municipality, structure)
from fastapi.testclient import TestClient
from web_support import make_door, post_form, signed_in

from engine.clock import FixedClock
from zyklus.app import Application

PAGE = f"/kommunen/{AGS}/handlungsprogramm"
BISKO = "Kommunale Energie- und THG-Bilanz (BISKO)"
GHG = ((2019, 8.0), (2020, 7.8), (2021, 7.5), (2022, 7.3), (2023, 7.0), (2024, 6.8))


def _build(database_url: str) -> None:
    """Erfurt (with a steering-group member) and Weimar; Erfurt's goal, its adopted GHG indicator
    with target, baseline and six values, and a measure."""
    app = make_door(database_url, FixedClock(NOW))
    setup_municipality(app.service, people=[*structure(), Member("Sigrid", STEERING_ONLY, ("steering_group",))])
    setup_municipality(app.service, OTHER_AGS, "Weimar", structure(domain="weimar.de"))
    programme = app.programme
    programme.add_goal(AGS, "klima-1", title="Emissionen der Haushalte senken", theme_field="Klima und Energie",
                       actor=COORDINATOR)
    programme.adopt(AGS, ["thg-haushalte"], actor=COORDINATOR, goal="klima-1")
    programme.set_target(AGS, "thg-haushalte", 2030, 5.5, actor=COORDINATOR)
    programme.set_baseline(AGS, "thg-haushalte", 2019, 8.0, actor=COORDINATOR)
    for year, value in GHG:
        programme.record_value(AGS, "thg-haushalte", year, value, actor=COORDINATOR)
    programme.add_measure(AGS, "m-pv", title="PV auf Schuldächern", goal="klima-1", actor=COORDINATOR)
    app.close()


@pytest.fixture
def door(database_url: str, populated: Callable[[str, Callable[[str], None]], None]) -> Iterator[Application]:
    populated(database_url, _build)
    app = make_door(database_url, FixedClock(NOW))
    yield app
    app.close()


@pytest.fixture
def coordinator(door: Application) -> TestClient:
    return signed_in(door, COORDINATOR)


def _values(door: Application, key: str = "thg-haushalte") -> dict[int, float]:
    indicator = next(i for i in door.programme.indicators(AGS) if i.id == key)
    return {v.year: v.value for v in indicator.values}


def test_the_page_shows_each_indicator_with_its_values_table_and_an_accessible_chart(coordinator: TestClient) -> None:
    page = coordinator.get(PAGE)
    assert page.status_code == 200
    html = page.text
    assert 'id="indikator-thg-haushalte"' in html and 'aria-current="page">Handlungsprogramm' in html
    assert "<caption" in html and "<th scope=\"row\">2024</th>" in html and "6,80" in html  # German number
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img"' in svg and "aria-label=" in svg and "<title>" in svg and ">2019<" in svg and ">2030<" in svg
    assert "5,50 (2030)" in html and "8,00 (2019)" in html  # target and baseline
    assert "PV auf Schuldächern" in html and "geplant" in html
    assert 'name="ids"' in html and "kinderarmut" in html  # the catalogue to adopt from


@pytest.mark.parametrize(("typed", "stored"), [("1.250,5", 1250.5), ("4.000", 4000.0), ("12,5", 12.5),
                                               ("-3", -3.0)])
def test_german_numbers_are_read_as_a_german_reader_means_them(coordinator: TestClient, door: Application,
                                                               typed: str, stored: float) -> None:
    answer = post_form(coordinator, PAGE, f"{PAGE}/wert", {"indicator": "thg-haushalte", "year": "2025",
                                                            "value": typed})
    assert answer.status_code == 303 and answer.headers["location"].endswith("#indikator-thg-haushalte")
    assert _values(door)[2025] == stored


def test_recording_a_year_again_is_a_correction_on_record(coordinator: TestClient, door: Application) -> None:
    post_form(coordinator, PAGE, f"{PAGE}/wert", {"indicator": "thg-haushalte", "year": "2024", "value": "6,9"})
    assert _values(door)[2024] == 6.9
    entry = door.cycles.history(AGS)[-1]
    assert (entry.kind, entry.details["previous"], entry.details["value"]) == ("value_corrected", 6.8, 6.9)


def test_the_history_page_shows_a_correction_with_every_digit(coordinator: TestClient) -> None:
    """Rounded to the indicator's two decimals „6,875“ would read 6,88 and hide what was stored."""
    post_form(coordinator, PAGE, f"{PAGE}/wert", {"indicator": "thg-haushalte", "year": "2024", "value": "6,875"})
    html = coordinator.get(f"/kommunen/{AGS}/verlauf").text
    assert "Wert korrigiert: thg-haushalte 2024: 6,8 → 6,875" in html


def test_an_ambiguous_number_is_refused_beside_its_form_keeping_what_was_typed(coordinator: TestClient,
                                                                               door: Application) -> None:
    answer = post_form(coordinator, PAGE, f"{PAGE}/wert", {"indicator": "thg-haushalte", "year": "2025",
                                                            "value": "12.5", "source": "Bilanz 2026"})
    assert answer.status_code == 422 and 2025 not in _values(door)
    html = answer.text
    assert 'id="error-wert-thg-haushalte" role="alert"' in html and "keine Zahl in deutscher Schreibweise" in html
    assert 'value="12.5"' in html and 'value="Bilanz 2026"' in html
    assert 'aria-describedby="error-wert-thg-haushalte wert-thg-haushalte-value-hint"' in html


def test_the_doors_refusal_is_shown_beside_the_form(coordinator: TestClient) -> None:
    answer = post_form(coordinator, PAGE, f"{PAGE}/ziel", {"key": "klima-1", "title": "Doppelt", "theme": "Klima"})
    assert answer.status_code == 422
    assert 'id="error-ziel" role="alert"' in answer.text and 'value="Doppelt"' in answer.text


def test_a_status_dated_after_today_is_refused_beside_its_form(coordinator: TestClient, door: Application) -> None:
    """The clock's today is 04.01.2027; a measure cannot have reached a status on 01.01.2029."""
    answer = post_form(coordinator, PAGE, f"{PAGE}/stand", {"measure": "m-pv", "status": "done", "on": "01.01.2029"})
    assert answer.status_code == 422 and "liegt nach heute (04.01.2027)" in answer.text
    assert {m.id: m for m in door.programme.measures(AGS)}["m-pv"].status == "planned"


def test_the_edit_form_holds_a_measures_costs_and_staff_with_every_digit(coordinator: TestClient,
                                                                        door: Application) -> None:
    """Rounded to two decimals the form would hold 0,13 and saving it unchanged would alter the plan."""
    door.programme.update_measure(AGS, "m-pv", costs="1.234,567", staff="0,125", actor=COORDINATOR)
    html = coordinator.get(PAGE).text
    assert 'value="1.234,567"' in html and 'value="0,125"' in html


def test_goals_measures_targets_status_and_adoption_through_the_forms(coordinator: TestClient,
                                                                      door: Application) -> None:
    for action, data in (
        ("ziel", {"key": "mobil-1", "title": "Mehr Radverkehr", "theme": "Mobilität"}),
        ("massnahme", {"key": "m-rad", "title": "Radwegenetz", "goal": "mobil-1", "end": "31.12.2028"}),
        ("stand", {"measure": "m-pv", "status": "in_progress", "note": "Auftrag vergeben"}),
        ("zielwert", {"indicator": "thg-haushalte", "year": "2040", "value": "3,5"}),
        ("ausgangswert", {"indicator": "thg-haushalte", "year": "2020", "value": "7,8"}),
        ("uebernehmen", {"ids": ["kinderarmut", "altersarmut"], "goal": ""}),
    ):
        assert post_form(coordinator, PAGE, f"{PAGE}/{action}", data).status_code == 303, action
    programme = door.programme
    assert [g.id for g in programme.goals(AGS)] == ["klima-1", "mobil-1"]
    measures = {m.id: m for m in programme.measures(AGS)}
    assert measures["m-pv"].status == "in_progress" and str(measures["m-rad"].planned_end) == "2028-12-31"
    indicators = {i.id: i for i in programme.indicators(AGS)}
    assert {"kinderarmut", "altersarmut"} <= set(indicators)
    assert [(t.year, t.value) for t in indicators["thg-haushalte"].targets] == [(2030, 5.5), (2040, 3.5)]
    assert indicators["thg-haushalte"].baseline.year == 2020


def test_deleting_a_value_and_a_target_is_on_record_in_the_history(coordinator: TestClient,
                                                                   door: Application) -> None:
    assert post_form(coordinator, PAGE, f"{PAGE}/wert-loeschen",
                     {"indicator": "thg-haushalte", "year": "2023"}).status_code == 303
    assert post_form(coordinator, PAGE, f"{PAGE}/zielwert-loeschen",
                     {"indicator": "thg-haushalte", "year": "2030"}).status_code == 303
    assert 2023 not in _values(door)
    entries = [(e.kind, e.trigger, e.details, e.actor) for e in door.cycles.history(AGS)[-2:]]
    assert entries == [("value_deleted", "thg-haushalte", {"year": 2023, "value": 7.0, "source": BISKO,
                                                           "recorded_by": COORDINATOR, "decimals": 2}, COORDINATOR),
                       ("target_deleted", "thg-haushalte", {"year": 2030, "value": 5.5, "decimals": 2}, COORDINATOR)]
    history = coordinator.get(f"/kommunen/{AGS}/verlauf").text
    assert "Wert gelöscht: thg-haushalte 2023 (7)" in history and "Zielwert gelöscht: thg-haushalte 2030 (5,5)" in history
    again = post_form(coordinator, PAGE, f"{PAGE}/wert-loeschen", {"indicator": "thg-haushalte", "year": "2023"})
    assert again.status_code == 422 and 'id="error-wert-loeschen-thg-haushalte" role="alert"' in again.text


def test_the_page_shows_the_tree_and_changes_it_through_the_forms(coordinator: TestClient,
                                                                  door: Application) -> None:
    for data in ({"key": "ll-klima", "title": "Klimaneutrale Stadt", "theme": "Klima und Energie",
                  "level": "guideline"},
                 {"key": "sz-klima", "title": "Emissionen halbieren", "level": "strategic", "parent": "ll-klima"},
                 {"key": "oz-pv", "title": "20 MW Photovoltaik", "level": "operative", "parent": "sz-klima",
                  "target_year": "2030"}):
        assert post_form(coordinator, PAGE, f"{PAGE}/ziel", data).status_code == 303, data["key"]
    assert post_form(coordinator, PAGE, f"{PAGE}/massnahme", {"key": "m-dach", "title": "Dachflächenkataster",
                                                              "goal": "oz-pv", "costs": "12.500",
                                                              "staff": "0,5"}).status_code == 303
    html = coordinator.get(PAGE).text
    section = html[html.index('id="ziele"'):html.index('id="indikatoren"')]
    # guideline → strategic → operative → measure, nested in that order
    order = [section.index(text) for text in ('id="ziel-ll-klima"', 'id="ziel-sz-klima"', 'id="ziel-oz-pv"',
                                               "Dachflächenkataster")]
    assert order == sorted(order)
    assert section.count('<ul class="tree">') == 3  # the top (klima-1, an old goal, and ll-klima) and two below
    assert "Operatives Ziel</span> <strong>20 MW Photovoltaik" in section and "bis 2030" in section
    assert "12.500 €" in section and "0,5 Vollzeitstellen" in section
    # Only a goal with nothing below it offers deleting; a refusal is shown beside it.
    assert "ziel-loeschen" not in section[section.index('id="ziel-ll-klima"'):section.index('id="ziel-sz-klima"')]
    refused = post_form(coordinator, PAGE, f"{PAGE}/ziel-loeschen", {"goal": "ll-klima"})
    assert refused.status_code == 422 and 'id="error-ziel-loeschen-ll-klima" role="alert"' in refused.text

    assert post_form(coordinator, PAGE, f"{PAGE}/ziel-aendern", {"goal": "oz-pv", "title": "25 MW Photovoltaik",
                                                                 "reason": "Ratsbeschluss"}).status_code == 303
    assert post_form(coordinator, PAGE, f"{PAGE}/massnahme-loeschen", {"measure": "m-dach",
                                                                       "reason": "doppelt"}).status_code == 303
    assert post_form(coordinator, PAGE, f"{PAGE}/ziel-loeschen", {"goal": "oz-pv"}).status_code == 303
    assert [g.id for g in door.programme.goals(AGS)] == ["klima-1", "ll-klima", "sz-klima"]
    assert [(e.kind, e.trigger, e.reason) for e in door.cycles.history(AGS)[-3:]] == [
        ("goal_updated", "oz-pv", "Ratsbeschluss"), ("measure_deleted", "m-dach", "doppelt"),
        ("goal_deleted", "oz-pv", None)]
    history = coordinator.get(f"/kommunen/{AGS}/verlauf").text
    assert "Ziel geändert: oz-pv (title: 20 MW Photovoltaik → 25 MW Photovoltaik)" in history
    assert "Maßnahme gelöscht: m-dach" in history and "doppelt" in history


def test_the_steering_group_reads_without_forms_and_may_not_post(door: Application) -> None:
    reader = signed_in(door, STEERING_ONLY)
    page = reader.get(PAGE)
    assert page.status_code == 200 and 'id="indikator-thg-haushalte"' in page.text
    assert "/handlungsprogramm/wert" not in page.text and "kann es das Kernteam" in page.text
    answer = post_form(reader, PAGE, f"{PAGE}/wert", {"indicator": "thg-haushalte", "year": "2025", "value": "1"})
    assert answer.status_code == 403 and 2025 not in _values(door)


def test_a_coordinator_of_another_municipality_finds_nothing(door: Application) -> None:
    weimar = signed_in(door, "koordination0@weimar.de")
    for path in (PAGE, f"/kommunen/{AGS}/bewertung", f"/kommunen/{AGS}/bericht", f"/kommunen/{AGS}/bericht.html"):
        assert weimar.get(path).status_code == 404, path
    own = f"/kommunen/{OTHER_AGS}/handlungsprogramm"
    assert post_form(weimar, own, f"{PAGE}/wert", {"indicator": "thg-haushalte", "year": "2025",
                                                    "value": "1"}).status_code == 404


def test_the_rating_shows_symbol_text_and_rule(coordinator: TestClient) -> None:
    page = coordinator.get(f"/kommunen/{AGS}/bewertung")
    assert page.status_code == 200
    row = page.text[page.text.index('id="bewertung-thg-haushalte"'):]
    row = row[:row.index("</tr>")]
    assert '<span aria-hidden="true">☀️</span> Sonne: Ziel wird erreicht' in row  # example A of docs/evaluation.md
    assert "Zielwert-Regel" in row and "48" in row
    assert "Werte 2019–2024: 2019, 2020, 2021, 2022, 2023, 2024" in row  # the years the rating used
    assert "Stand der Maßnahmen" in page.text and f"/kommunen/{AGS}/bericht.html" in page.text


def test_the_report_is_served_as_a_document_and_as_a_download(coordinator: TestClient) -> None:
    shown = coordinator.get(f"/kommunen/{AGS}/bericht")
    assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/html")
    assert shown.text.lstrip().lower().startswith("<!doctype html") and "<style>" in shown.text
    assert "style-src 'unsafe-inline'" in shown.headers["content-security-policy"]
    assert "script-src" not in shown.headers["content-security-policy"]  # default-src 'none' covers scripts
    assert "content-disposition" not in shown.headers
    download = coordinator.get(f"/kommunen/{AGS}/bericht.html?zyklus=1")
    assert download.status_code == 200 and download.text == shown.text
    assert download.headers["content-disposition"] == f'attachment; filename="bericht-{AGS}-zyklus-1.html"'


@pytest.mark.parametrize("query", ["?zyklus=7", "?zyklus=99999999999999999999999"])
def test_a_cycle_that_does_not_exist_is_a_page_not_a_traceback(coordinator: TestClient, query: str) -> None:
    assert coordinator.get(f"/kommunen/{AGS}/bewertung{query}").status_code in (404, 422)


def test_english_readers_get_english_words_and_numbers(coordinator: TestClient, door: Application) -> None:
    assert post_form(coordinator, PAGE, "/sprache", {"lang": "en", "next": PAGE}).status_code == 303
    page = coordinator.get(PAGE)
    assert "Yearly values" in page.text and "6.80" in page.text
    answer = post_form(coordinator, PAGE, f"{PAGE}/wert", {"indicator": "thg-haushalte", "year": "2025",
                                                            "value": "4,000"})
    assert answer.status_code == 303 and _values(door)[2025] == 4000.0  # English notation on an English page


def test_the_report_is_offered_as_pdf_too(coordinator: TestClient) -> None:
    require_weasyprint()
    assert f"/kommunen/{AGS}/bericht.pdf" in coordinator.get(f"/kommunen/{AGS}/bewertung").text
    pdf = coordinator.get(f"/kommunen/{AGS}/bericht.pdf?zyklus=1")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.headers["content-disposition"] == f'attachment; filename="bericht-{AGS}-zyklus-1.pdf"'


def test_the_report_texts_are_written_in_the_browser_and_shown_as_text(coordinator: TestClient,
                                                                        door: Application) -> None:
    page = f"/kommunen/{AGS}/bewertung"
    sent = post_form(coordinator, page, f"/kommunen/{AGS}/bericht/texte",
                     {"kind": "foreword", "text": "Liebe Erfurterinnen,\n\n<b>gemeinsam</b> weiter."})
    assert sent.status_code == 303 and sent.headers["location"].endswith("#text-foreword")
    shown = coordinator.get(page).text
    assert "&lt;b&gt;gemeinsam&lt;/b&gt; weiter.</textarea>" in shown  # prefilled, as text
    report = coordinator.get(f"/kommunen/{AGS}/bericht").text
    assert "&lt;b&gt;gemeinsam&lt;/b&gt;" in report and "<b>gemeinsam</b>" not in report
    interpretation = post_form(coordinator, page, f"/kommunen/{AGS}/bericht/texte",
                               {"kind": "indicator:thg-haushalte", "text": "Der Rückgang hält an."})
    assert interpretation.status_code == 303
    assert {t.kind: t.text for t in door.programme.report_texts(AGS)} == {
        "foreword": "Liebe Erfurterinnen,\n\n<b>gemeinsam</b> weiter.", "indicator:thg-haushalte": "Der Rückgang hält an."}


def test_a_refused_report_text_keeps_what_was_typed_beside_its_form(coordinator: TestClient, door: Application) -> None:
    page = f"/kommunen/{AGS}/bewertung"
    refused = post_form(coordinator, page, f"/kommunen/{AGS}/bericht/texte",
                        {"kind": "leitbild", "text": "Zu lang. " * 2000})
    assert refused.status_code == 422
    assert 'id="error-leitbild" role="alert"' in refused.text and 'aria-invalid="true"' in refused.text
    assert refused.text.count("Zu lang.") >= 2000  # what was typed, still there to shorten
    assert door.programme.report_texts(AGS) == []


def test_only_who_may_record_sees_and_sends_the_text_forms(door: Application) -> None:
    reader = signed_in(door, STEERING_ONLY)
    assert 'action="/kommunen/16051000/bericht/texte"' not in reader.get(f"/kommunen/{AGS}/bewertung").text
    refused = post_form(reader, f"/kommunen/{AGS}/bewertung", f"/kommunen/{AGS}/bericht/texte",
                        {"kind": "foreword", "text": "Nicht von mir."})
    assert refused.status_code == 403 and door.programme.report_texts(AGS) == []
