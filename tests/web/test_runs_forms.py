"""The forms of *Programmdurchläufe* through the HTTP client: an administrator adds a run, takes
municipalities in and out, assigns advisors and awards the label after its checklist; the run's
advisor keeps the network conferences and their attendance. Every refusal — a wrong role, a bad
date, a second join, an award before the conditions, a form without its CSRF value — answers
with the message at its field, or not found, and leaves the data as it was."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS, START, record
from fastapi.testclient import TestClient
from web_support import ADMIN, ADVISOR, csrf_of, post_form, signed_in

from zyklus.app import Application
from zyklus.app import commands as c

RUN = "gnk-th-2027"
PAGE = f"/programmdurchlaeufe/{RUN}"
RUN_ADVISOR = "begleitung@zukunftsfaehiges-thueringen.example"
OTHER_RUN_ADVISOR = "andere-begleitung@zukunftsfaehiges-thueringen.example"


@pytest.fixture
def run(door: Application) -> str:
    """Erfurt in the run since the cycle's start, one conference, the run's advisor assigned;
    another run with an advisor of its own."""
    door.runs.add(c.AddRun(run=RUN, name="GNK Thüringen, 3. Durchgang", organiser="Zukunftsfähiges Thüringen e.V.",
                           starts_on=START, ends_on=dt.date(2029, 6, 30)))
    door.runs.join(c.JoinRun(run=RUN, ags=AGS, on=START))
    door.runs.add_event(c.AddRunEvent(run=RUN, event="tagung-1", on=dt.date(2027, 3, 17), place="Erfurt",
                                      topic="Auftakt"))
    door.accounts.add(RUN_ADVISOR, name="Begleitung", language="de")
    door.runs.add_advisor(c.AddRunAdvisor(run=RUN, email=RUN_ADVISOR))
    door.runs.add(c.AddRun(run="gnk-nrw-2027", name="GNK NRW", workflow="gnk-nrw"))
    door.accounts.add(OTHER_RUN_ADVISOR, name="Andere Begleitung", language="de")
    door.runs.add_advisor(c.AddRunAdvisor(run="gnk-nrw-2027", email=OTHER_RUN_ADVISOR))
    return RUN


def error_at(page: str, input_id: str) -> str:
    """The message tied to the input ``input_id``: it is aria-invalid and describes itself by it."""
    tag = re.search(rf'<(?:input|select|textarea) id="{re.escape(input_id)}"[^>]*>', page)
    assert tag, f"no input {input_id}"
    assert 'aria-invalid="true"' in tag[0] and f'{input_id}-error' in tag[0], tag[0]
    found = re.search(rf'<p class="error" id="{re.escape(input_id)}-error" role="alert">([^<]*)</p>', page)
    assert found, f"no message at {input_id}"
    return found[1]


def snapshot(door: Application) -> tuple[object, ...]:
    """Everything a run's forms change: the runs, their attendance and the awards."""
    runs = door.runs.list()
    return (tuple(r.model_dump_json() for r in runs), tuple(a.model_dump_json() for a in door.runs.attendance(RUN)),
            tuple(door.runs.awards(AGS)), tuple(door.runs.awards(OTHER_AGS)))


# -- administrators --------------------------------------------------------------------------------------
def test_an_administrator_adds_a_run_with_its_conference_plan(door: Application) -> None:
    browser = signed_in(door, ADMIN)
    listing = browser.get("/programmdurchlaeufe")
    assert 'id="neuer-durchgang-plan"' in listing.text and "1. Netzwerktagung: 2 Monate nach Beginn" in listing.text
    answer = browser.post("/programmdurchlaeufe", data={
        "csrf": csrf_of(listing.text), "run": "gnk-th-2029", "name": "GNK Thüringen, 4. Durchgang",
        "organiser": "Zukunftsfähiges Thüringen e.V.", "state": "TH", "workflow": "gnk-thueringen",
        "starts_on": "07.01.2029", "ends_on": "2031-06-30", "plan": "1"})
    assert answer.status_code == 303 and answer.headers["location"] == "/programmdurchlaeufe/gnk-th-2029?angelegt=1"
    created = door.runs.show("gnk-th-2029")
    assert (created.state, created.starts_on, created.ends_on) == ("TH", dt.date(2029, 1, 7), dt.date(2031, 6, 30))
    assert [e.on for e in created.events] == [dt.date(2029, 3, 7), dt.date(2029, 9, 7), dt.date(2030, 3, 7),
                                              dt.date(2030, 9, 7)]
    page = browser.get(answer.headers["location"]).text
    assert "Der Programmdurchlauf ist angelegt." in page and "07.01.2029 – 30.06.2031" in page


@pytest.mark.parametrize(("fields", "input_id", "text"), [
    ({"starts_on": "2029-01-07", "ends_on": "2028-12-31"}, "neuer-durchgang-ends_on",
     "Das Ende des Durchgangs (31.12.2028) liegt vor seinem Beginn (07.01.2029)."),
    ({"starts_on": "31.02.2029"}, "neuer-durchgang-starts_on", "31.02.2029&#39;: erwartet wird TT.MM.JJJJ oder JJJJ-MM-TT"),
    ({"run": RUN}, "neuer-durchgang-run", RUN),
    ({"run": "GNK 2029"}, "neuer-durchgang-run", "Kleinbuchstaben"),
    ({"name": " "}, "neuer-durchgang-name", ""),
    ({"plan": "1", "starts_on": ""}, "neuer-durchgang-starts_on", "Beginn"),
])
def test_a_wrong_new_run_is_refused_at_its_field(door: Application, run: str, fields: dict[str, str],
                                                 input_id: str, text: str) -> None:
    before = snapshot(door)
    browser = signed_in(door, ADMIN)
    answer = post_form(browser, "/programmdurchlaeufe", "/programmdurchlaeufe", {
        "run": "gnk-th-2029", "name": "GNK Thüringen, 4. Durchgang <neu>", "state": "TH", **fields})
    assert answer.status_code == 422
    assert text in error_at(answer.text, input_id)
    assert 'value="GNK Thüringen, 4. Durchgang &lt;neu&gt;"' in answer.text or fields.get("name")  # kept, escaped
    assert snapshot(door) == before


def test_an_administrator_takes_a_municipality_in_and_out(door: Application, run: str) -> None:
    browser = signed_in(door, ADMIN)
    joined = post_form(browser, PAGE, f"{PAGE}/teilnahme", {"ags": OTHER_AGS, "on": "2027-01-04"})
    assert joined.status_code == 303 and joined.headers["location"].endswith("#teilnehmende")
    assert [(p.ags, p.left_on) for p in door.runs.show(run).participants] == [(AGS, None), (OTHER_AGS, None)]
    page = browser.get(PAGE).text
    assert f'id="austritt-{OTHER_AGS}"' in page and "Gespeichert." not in page
    left = post_form(browser, PAGE, f"{PAGE}/austritt", {"ags": OTHER_AGS, "on": "2027-06-30"})
    assert left.status_code == 303
    assert [(p.ags, p.left_on) for p in door.runs.show(run).participants] == [(AGS, None),
                                                                             (OTHER_AGS, dt.date(2027, 6, 30))]


@pytest.mark.parametrize(("action", "fields", "input_id", "text"), [
    ("teilnahme", {"ags": AGS, "on": "2027-01-04"}, "teilnahme-ags", "schon"),  # a second join
    ("teilnahme", {"ags": "99999999", "on": "2027-01-04"}, "teilnahme-ags", "99999999"),
    ("teilnahme", {"ags": OTHER_AGS, "on": ""}, "teilnahme-on", "Bitte ein Datum angeben."),
    ("teilnahme", {"ags": OTHER_AGS, "on": "2027-13-01"}, "teilnahme-on", "2027-13-01"),
    ("teilnahme", {"ags": OTHER_AGS, "on": "2026-12-31"}, "teilnahme-on", "vor dem Beginn"),  # before its start
    ("austritt", {"ags": AGS, "on": "2026-12-31"}, f"austritt-{AGS}-on",
     "Das Austrittsdatum 31.12.2026 liegt vor dem Beitritt am 04.01.2027."),
    ("beratung", {"email": "niemand@example.org"}, "beratung-email", "niemand@example.org"),
    ("beratung", {"email": RUN_ADVISOR}, "beratung-email", RUN_ADVISOR),  # already assigned
])
def test_a_refused_membership_or_advisor_form_changes_nothing(door: Application, run: str, action: str,
                                                              fields: dict[str, str], input_id: str, text: str) -> None:
    before = snapshot(door)
    answer = post_form(signed_in(door, ADMIN), PAGE, f"{PAGE}/{action}", fields)
    assert answer.status_code == 422
    assert text in error_at(answer.text, input_id)
    assert snapshot(door) == before


def test_an_administrator_assigns_and_unassigns_an_advisor(door: Application, run: str) -> None:
    browser = signed_in(door, ADMIN)
    assert post_form(browser, PAGE, f"{PAGE}/beratung", {"email": ADVISOR}).status_code == 303
    assert door.runs.show(run).advisors == sorted([ADVISOR, RUN_ADVISOR])
    assert post_form(browser, PAGE, f"{PAGE}/beratung-entfernen", {"email": RUN_ADVISOR}).status_code == 303
    assert door.runs.show(run).advisors == [ADVISOR]
    assert signed_in(door, RUN_ADVISOR).get(PAGE).status_code == 404  # the run is no longer theirs


def test_the_checklist_shows_what_each_participant_lacks_and_a_refused_award_says_it(door: Application,
                                                                                       run: str) -> None:
    door.runs.join(c.JoinRun(run=run, ags=OTHER_AGS, on=START))
    browser = signed_in(door, ADMIN)
    page = browser.get(f"{PAGE}?am=2027-01-04").text
    checklist = page[page.index('id="checkliste-caption"'):]
    checklist = checklist[:checklist.index("</table>")]
    assert "Kriterien der Auszeichnung am 04.01.2027" in checklist and '<th scope="col">Ratsbeschluss</th>' in checklist
    assert checklist.count("✗ fehlt") == 2 and "✓" not in checklist  # by sign and word, not by colour
    refused = post_form(browser, PAGE, f"{PAGE}/auszeichnung", {"on": "2027-01-04", "by": ""})
    assert refused.status_code == 409
    result = refused.text[refused.text.index('id="auszeichnung-ergebnis"'):]
    assert 'role="alert"' in result[:60] and "Niemand wurde ausgezeichnet" in result
    assert "Erfurt: nicht ausgezeichnet, es fehlt: Ratsbeschluss" in result
    assert door.runs.awards(AGS) == [] and door.runs.awards(OTHER_AGS) == []

    record(door.service, "council_resolution", ags=AGS, on=START)
    page = browser.get(f"{PAGE}?am=2027-01-04").text
    assert "✓ erfüllt" in page and "kann ausgezeichnet werden" in page
    awarded = post_form(browser, PAGE, f"{PAGE}/auszeichnung", {"on": "2027-01-04", "by": ""})
    assert awarded.status_code == 200
    assert "1 Kommune ausgezeichnet." in awarded.text and "Erfurt: ausgezeichnet am 04.01.2027" in awarded.text
    assert "Weimar: nicht ausgezeichnet, es fehlt: Ratsbeschluss" in awarded.text
    [award] = door.runs.awards(AGS)
    assert (award.on, award.by) == (dt.date(2027, 1, 4), "Zukunftsfähiges Thüringen e.V.")
    assert door.runs.awards(OTHER_AGS) == []

    door.runs.leave(c.LeaveRun(run=run, ags=OTHER_AGS, on=START))  # only Erfurt, awarded, takes part now
    again = post_form(browser, PAGE, f"{PAGE}/auszeichnung", {"on": "2027-01-04", "by": ""})
    assert again.status_code == 200 and "Alle Teilnehmenden sind bereits ausgezeichnet." in again.text
    assert len(door.runs.awards(AGS)) == 1


def test_a_checklist_day_that_is_no_date_is_said_at_its_field(door: Application, run: str) -> None:
    page = signed_in(door, ADMIN).get(f"{PAGE}?am=gestern")
    assert page.status_code == 200 and "gestern" in error_at(page.text, "pruefen-am")
    assert "Kriterien der Auszeichnung am 30.06.2029" in page.text  # the run's end instead


@pytest.mark.parametrize(("fields", "text"), [
    ({"on": "2026-12-01"}, "Die Auszeichnung am 01.12.2026 läge vor dem Beginn des Durchgangs am 04.01.2027."),
    ({"on": ""}, "Bitte ein Datum angeben."),
])
def test_an_award_on_a_wrong_day_is_refused_at_its_field(door: Application, run: str, fields: dict[str, str],
                                                          text: str) -> None:
    record(door.service, "council_resolution", ags=AGS, on=START)
    before = snapshot(door)
    answer = post_form(signed_in(door, ADMIN), PAGE, f"{PAGE}/auszeichnung", fields)
    assert answer.status_code == 422 and error_at(answer.text, "auszeichnung-on") == text
    assert snapshot(door) == before


# -- the run's advisor ---------------------------------------------------------------------------------
def test_the_runs_advisor_keeps_the_conferences_and_their_attendance(door: Application, run: str) -> None:
    browser = signed_in(door, RUN_ADVISOR)
    page = browser.get(PAGE).text
    assert 'action="/programmdurchlaeufe/gnk-th-2027/tagung"' in page
    assert "/teilnahme" not in page and "/auszeichnung" not in page and "/beratung" not in page  # theirs only
    added = post_form(browser, PAGE, f"{PAGE}/tagung", {"new": "1", "event": "tagung-2", "on": "15.09.2027",
                                                        "place": "Weimar", "topic": "Leitlinien <b>"})
    assert added.status_code == 303 and added.headers["location"].endswith("#tagung-tagung-2")
    moved = post_form(browser, PAGE, f"{PAGE}/tagung", {"event": "tagung-1", "on": "2027-03-24", "place": "Gotha",
                                                        "topic": "Auftakt"})
    assert moved.status_code == 303
    assert [(e.event, e.on, e.place) for e in door.runs.events(run)] == [
        ("tagung-1", dt.date(2027, 3, 24), "Gotha"), ("tagung-2", dt.date(2027, 9, 15), "Weimar")]
    attended = post_form(browser, PAGE, f"{PAGE}/anwesenheit", {"event": "tagung-1", "ags": AGS, "count": "3",
                                                                "names": "Anna Koch\n\n"})
    assert attended.status_code == 303
    [row] = door.runs.attendance(run)
    assert (row.event, row.ags, row.count, row.names) == ("tagung-1", AGS, 3, ["Anna Koch"])
    page = browser.get(PAGE).text
    assert f"{AGS}: 3 Personen: Anna Koch" in page and "Leitlinien &lt;b&gt;" in page
    removed = post_form(browser, PAGE, f"{PAGE}/tagung-entfernen", {"event": "tagung-2"})
    assert removed.status_code == 303 and [e.event for e in door.runs.events(run)] == ["tagung-1"]


@pytest.mark.parametrize(("action", "fields", "input_id", "text"), [
    ("tagung", {"new": "1", "event": "Tagung 2", "on": "2027-09-15"}, "tagung-event", "Tagung 2"),
    ("tagung", {"new": "1", "event": "tagung-2", "on": "15.9.27"}, "tagung-on", "15.9.27"),
    ("tagung", {"event": "tagung-1", "on": ""}, "tagung-tagung-1-on", "Bitte ein Datum angeben."),
    ("tagung", {"event": "tagung-1", "on": "2027-03-17", "place": "Erfurt\nWeimar"}, "tagung-tagung-1-place", ""),
    ("anwesenheit", {"event": "tagung-1", "ags": AGS, "count": "1", "names": "Anna Koch\nBernd Berg"},
     "anwesenheit-tagung-1-count", "1"),
    ("anwesenheit", {"event": "tagung-1", "ags": AGS, "count": "drei"}, "anwesenheit-tagung-1-count", "drei"),
    ("anwesenheit", {"event": "tagung-1", "ags": AGS, "count": ""}, "anwesenheit-tagung-1-count",
     "Bitte die Zahl der Teilnehmenden angeben."),
    ("anwesenheit", {"event": "tagung-1", "ags": OTHER_AGS, "count": "2"}, "anwesenheit-tagung-1-ags", OTHER_AGS),
])
def test_a_refused_conference_or_attendance_form_changes_nothing(door: Application, run: str, action: str,
                                                                 fields: dict[str, str], input_id: str,
                                                                 text: str) -> None:
    before = snapshot(door)
    answer = post_form(signed_in(door, RUN_ADVISOR), PAGE, f"{PAGE}/{action}", fields)
    assert answer.status_code == 422
    assert text in error_at(answer.text, input_id)
    assert '<details open>' in answer.text or action == "tagung"  # the refused form is shown open
    assert snapshot(door) == before


@pytest.mark.parametrize("action", ["teilnahme", "austritt", "beratung", "beratung-entfernen", "auszeichnung"])
def test_the_runs_advisor_may_not_do_an_administrators_part(door: Application, run: str, action: str) -> None:
    record(door.service, "council_resolution", ags=AGS, on=START)
    before = snapshot(door)
    answer = post_form(signed_in(door, RUN_ADVISOR), PAGE, f"{PAGE}/{action}",
                       {"ags": AGS if action == "austritt" else OTHER_AGS, "on": "2027-01-04", "email": RUN_ADVISOR})
    assert answer.status_code == 403 and "Berechtigung in diesem Programmdurchgang" in answer.text
    assert snapshot(door) == before


@pytest.mark.parametrize("who", [OTHER_RUN_ADVISOR, ADVISOR, COORDINATOR])
@pytest.mark.parametrize("action", ["tagung", "anwesenheit", "teilnahme", "auszeichnung"])
def test_who_does_not_accompany_the_run_gets_not_found_and_changes_nothing(door: Application, run: str, who: str,
                                                                          action: str) -> None:
    before = snapshot(door)
    browser = signed_in(door, who)
    token = csrf_of(browser.get("/konto").text)
    answer = browser.post(f"{PAGE}/{action}", data={"csrf": token, "new": "1", "event": "tagung-1", "ags": AGS,
                                                    "on": "2027-03-20", "count": "2"})
    assert answer.status_code == 404
    assert snapshot(door) == before


def test_a_run_cannot_be_added_but_by_an_administrator(door: Application, run: str) -> None:
    browser = signed_in(door, RUN_ADVISOR)
    assert 'id="neuer-durchgang"' not in browser.get("/programmdurchlaeufe").text
    answer = post_form(browser, "/programmdurchlaeufe", "/programmdurchlaeufe", {"run": "gnk-x", "name": "X"})
    assert answer.status_code == 403 and [r.run for r in door.runs.list()] == ["gnk-nrw-2027", RUN]


@pytest.mark.parametrize(("who", "action", "fields"), [
    (ADMIN, "/programmdurchlaeufe", {"run": "gnk-x", "name": "X"}),
    (ADMIN, f"{PAGE}/teilnahme", {"ags": OTHER_AGS, "on": "2027-01-04"}),
    (ADMIN, f"{PAGE}/auszeichnung", {"on": "2027-01-04"}),
    (RUN_ADVISOR, f"{PAGE}/tagung", {"new": "1", "event": "tagung-2", "on": "2027-09-15"}),
    (RUN_ADVISOR, f"{PAGE}/anwesenheit", {"event": "tagung-1", "ags": AGS, "count": "2"}),
])
def test_a_form_without_its_csrf_value_changes_nothing(door: Application, run: str, who: str, action: str,
                                                       fields: dict[str, str]) -> None:
    record(door.service, "council_resolution", ags=AGS, on=START)
    before = snapshot(door)
    browser: TestClient = signed_in(door, who)
    assert browser.post(action, data=fields).status_code == 403
    assert browser.post(action, data={**fields, "csrf": "forged"}).status_code == 403
    assert snapshot(door) == before


def test_the_forms_speak_english_to_an_english_advisor(door: Application, run: str) -> None:
    door.accounts.add("advisor@example.org", name="Advisor", language="en")
    door.runs.add_advisor(c.AddRunAdvisor(run=run, email="advisor@example.org"))
    browser = signed_in(door, "advisor@example.org")
    answer = post_form(browser, PAGE, f"{PAGE}/anwesenheit", {"event": "tagung-1", "ags": AGS, "count": ""})
    assert answer.status_code == 422 and '<html lang="en">' in answer.text
    assert error_at(answer.text, "anwesenheit-tagung-1-count") == "Please give the number of attendees."
    assert "Add a network conference" in answer.text and "Netzwerktagung hinzufügen" not in answer.text
