"""The action programme's writes through the API: values, targets and the baseline as resources
of their own (PUT sets or corrects, DELETE removes, a retry changes nothing twice), goals and
measures created with an Idempotency-Key, measure status; who may write, JSON numbers only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS, on_the_day, require_weasyprint
from fastapi.testclient import TestClient
from web_support import ADVISOR, CORE_TEAM, STEERING

from zyklus.app import Application

API = f"/api/v1/municipalities/{AGS}"
PROBLEM = "application/problem+json"


@pytest.fixture
def indicator(door: Application) -> str:
    door.programme.add_goal(AGS, "klima-1", title="Emissionen senken", theme_field="Klima und Energie",
                            actor=COORDINATOR)
    door.programme.adopt(AGS, ["thg-haushalte"], actor=COORDINATOR, goal="klima-1")
    return f"{API}/indicators/thg-haushalte"


def _values(client: TestClient, headers: dict[str, str]) -> dict[int, float]:
    [row] = [i for i in client.get(f"{API}/indicators", headers=headers).json() if i["id"] == "thg-haushalte"]
    return {entry["year"]: entry["value"] for entry in row["values"]}


def test_the_core_team_records_corrects_and_removes_a_value(client: TestClient, indicator: str,
                                                            as_user: Callable[[str], dict[str, str]]) -> None:
    team = as_user(CORE_TEAM)
    first = client.put(f"{indicator}/values/2024", json={"value": 6800.5, "source": "BISKO 2025"}, headers=team)
    assert first.status_code == 200, first.text
    assert first.json()["value"] == 6800.5 and first.json()["corrected"] is None
    again = client.put(f"{indicator}/values/2024", json={"value": 6800.5, "source": "BISKO 2025"}, headers=team)
    assert again.status_code == 200 and _values(client, team) == {2024: 6800.5}  # a retry: one value
    corrected = client.put(f"{indicator}/values/2024", json={"value": 6900, "reason": "Neuberechnung"}, headers=team)
    assert corrected.json()["corrected"] == 6800.5 and _values(client, team) == {2024: 6900.0}
    removed = client.delete(f"{indicator}/values/2024", params={"reason": "falsches Jahr"}, headers=team)
    assert removed.status_code == 200 and removed.json() == {"year": 2024, "value": 6900.0}
    assert _values(client, team) == {}
    gone = client.delete(f"{indicator}/values/2024", headers=team)
    assert gone.status_code == 404 and gone.headers["content-type"].startswith(PROBLEM)
    history = client.get(f"{API}/history", headers=team).json()
    assert [e["kind"] for e in history if e["kind"].startswith("value")] == ["value_corrected", "value_deleted"]


def test_targets_and_the_baseline(client: TestClient, indicator: str, as_user: Callable[[str], dict[str, str]]) -> None:
    team = as_user(CORE_TEAM)
    assert client.put(f"{indicator}/baseline", json={"year": 2019, "value": 8.0}, headers=team).json()["year"] == 2019
    target = client.put(f"{indicator}/targets/2030", json={"value": 5.5}, headers=team)
    assert target.status_code == 200 and target.json()["value"] == 5.5
    before = client.put(f"{indicator}/targets/2018", json={"value": 5.5}, headers=team)  # before the baseline
    assert before.status_code == 422 and before.json()["code"] == "indicator.target_before_baseline"
    assert client.delete(f"{indicator}/targets/2030", headers=team).json() == {"year": 2030, "value": 5.5}


@pytest.mark.parametrize("body", [{"value": "4.000"}, {"value": None}, {"value": 1, "extra": True}, {}])
def test_a_value_is_a_json_number_and_nothing_else(client: TestClient, indicator: str, body: dict,
                                                   as_user: Callable[[str], dict[str, str]]) -> None:
    refused = client.put(f"{indicator}/values/2024", json=body, headers=as_user(CORE_TEAM))
    assert refused.status_code == 422 and refused.headers["content-type"].startswith(PROBLEM)
    assert _values(client, as_user(CORE_TEAM)) == {}


@pytest.mark.parametrize(("year", "status"), [("20x4", 422), ("2999", 422), ("1899", 422)])
def test_a_year_out_of_range_is_refused(client: TestClient, indicator: str, year: str, status: int,
                                        as_user: Callable[[str], dict[str, str]]) -> None:
    refused = client.put(f"{indicator}/values/{year}", json={"value": 1}, headers=as_user(CORE_TEAM))
    assert refused.status_code == status and refused.headers["content-type"].startswith(PROBLEM)
    assert _values(client, as_user(CORE_TEAM)) == {}


@pytest.mark.parametrize(("who", "status"), [(STEERING, 403), (ADVISOR, 403), ("koordination0@weimar.de", 404)])
def test_who_may_not_write_gets_no_change(client: TestClient, indicator: str, who: str, status: int,
                                          as_user: Callable[[str], dict[str, str]]) -> None:
    refused = client.put(f"{indicator}/values/2024", json={"value": 1}, headers=as_user(who))
    assert refused.status_code == status
    assert _values(client, as_user(CORE_TEAM)) == {}


def test_goals_and_measures_are_created_once_per_idempotency_key(
        client: TestClient, door: Application, as_user: Callable[[str], dict[str, str]]) -> None:
    team = as_user(CORE_TEAM) | {"Idempotency-Key": "goal-1"}
    goal = {"id": "ll-klima", "title": "Klimaneutrale Stadt", "level": "guideline", "theme_field": "Klima"}
    created = client.post(f"{API}/goals", json=goal, headers=team)
    assert created.status_code == 201 and created.json()["id"] == "ll-klima"
    replayed = client.post(f"{API}/goals", json=goal, headers=team)
    assert replayed.status_code == 201 and replayed.headers.get("Idempotent-Replayed") == "true"
    twice = client.post(f"{API}/goals", json=goal, headers=as_user(CORE_TEAM))  # no key: a second goal is a conflict
    assert twice.status_code == 409
    measure = {"id": "m-pv", "title": "PV auf Schuldächern", "goal": "ll-klima", "costs": 120000,
               "planned_start": "2028-01-01", "planned_end": "2029-12-31"}
    added = client.post(f"{API}/measures", json=measure, headers=as_user(CORE_TEAM) | {"Idempotency-Key": "m-1"})
    assert added.status_code == 201 and added.json()["costs"] == 120000 and added.json()["goal"] == "ll-klima"
    with on_the_day(door.service, dt.date(2028, 2, 1)):  # a status is reached, not announced
        status = client.put(f"{API}/measures/m-pv/status", json={"status": "in_progress", "on": "2028-02-01"},
                            headers=as_user(CORE_TEAM))
    assert status.status_code == 200 and status.json()["started_on"] == "2028-02-01"
    assert [m.id for m in door.programme.measures(AGS)] == ["m-pv"]


def test_a_bad_measure_period_is_refused_and_stores_nothing(client: TestClient, door: Application,
                                                        as_user: Callable[[str], dict[str, str]]) -> None:
    refused = client.post(f"{API}/measures", json={"id": "m-x", "title": "X", "theme_field": "Mobilität",
                                                   "planned_start": "2029-01-01", "planned_end": "2028-01-01"},
                          headers=as_user(CORE_TEAM))
    assert refused.status_code == 422 and refused.json()["code"] == "measure.dates"
    assert door.programme.measures(AGS) == [] and door.programme.measures(OTHER_AGS) == []


def _tree(door: Application) -> None:
    """Two Leitlinien, a strategic goal under the first and a measure under it."""
    programme = door.programme
    programme.add_goal(AGS, "ll-klima", title="Klimaneutrale Stadt", level="guideline", theme_field="Klima",
                       actor=COORDINATOR)
    programme.add_goal(AGS, "ll-mobil", title="Mobilität für alle", level="guideline", theme_field="Mobilität",
                       actor=COORDINATOR)
    programme.add_goal(AGS, "sz-rad", title="Mehr Radverkehr", parent="ll-klima", target_year=2030, actor=COORDINATOR)
    programme.add_measure(AGS, "m-rad", title="Radwege", goal="sz-rad", costs=50000, responsible="Tiefbauamt",
                          actor=COORDINATOR)


def test_a_patch_corrects_a_goal_and_a_measure_member_by_member(
        client: TestClient, door: Application, as_user: Callable[[str], dict[str, str]]) -> None:
    """A member left out stays, a null clears it; a goal moved under another Leitlinie takes its
    theme field down to its measure; each change is in the history with its reason."""
    _tree(door)
    team = as_user(CORE_TEAM)
    moved = client.patch(f"{API}/goals/sz-rad", json={"parent": "ll-mobil", "target_year": None,
                                                       "reason": "falsch einsortiert"}, headers=team)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["parent"], moved.json()["theme_field"], moved.json()["target_year"],
            moved.json()["title"]) == ("ll-mobil", "Mobilität", None, "Mehr Radverkehr")
    measure = client.patch(f"{API}/measures/m-rad", json={"goal": None, "costs": 65000.5, "responsible": None},
                           headers=team)
    assert measure.status_code == 200, measure.text
    assert (measure.json()["goal"], measure.json()["theme_field"], measure.json()["costs"],
            measure.json()["responsible"], measure.json()["title"]) == (None, "Mobilität", 65000.5, None, "Radwege")
    kinds = [(e["kind"], e.get("reason")) for e in client.get(f"{API}/history", headers=team).json()
             if e["kind"] in ("goal_updated", "measure_updated")]
    assert kinds == [("goal_updated", "falsch einsortiert"), ("measure_updated", None)]


def test_a_refused_patch_changes_nothing(client: TestClient, door: Application,
                                         as_user: Callable[[str], dict[str, str]]) -> None:
    _tree(door)
    team = as_user(CORE_TEAM)
    before = (door.programme.goals(AGS), door.programme.measures(AGS), len(client.get(f"{API}/history",
                                                                                       headers=team).json()))
    refusals = [
        (f"{API}/goals/ll-klima", {"level": "strategic"}, 409, "goal.level_has_children", team),
        (f"{API}/goals/sz-rad", {"parent": "sz-rad"}, 422, "goal.own_parent", team),
        (f"{API}/goals/sz-rad", {"target_year": "2.030"}, 422, None, team),  # a year is a JSON integer
        (f"{API}/goals/sz-rad", {"colour": "grün"}, 422, None, team),  # unknown members are refused
        (f"{API}/goals/nirgends", {"title": "X"}, 404, "goal.unknown", team),
        (f"{API}/measures/m-rad", {"costs": "50.000"}, 422, None, team),
        (f"{API}/measures/m-rad", {"planned_start": "2029-01-01", "planned_end": "2028-01-01"}, 422,
         "measure.dates", team),
        (f"{API}/goals/sz-rad", {"title": "Weniger Autos"}, 403, None, as_user(STEERING)),
    ]
    for url, body, status, code, headers in refusals:
        answer = client.patch(url, json=body, headers=headers)
        assert answer.status_code == status, (body, answer.text)
        assert answer.headers["content-type"].startswith(PROBLEM)
        if code:
            assert answer.json()["code"] == code
    elsewhere = client.patch(f"/api/v1/municipalities/{OTHER_AGS}/goals/sz-rad", json={"title": "X"}, headers=team)
    assert elsewhere.status_code in (403, 404)
    after = (door.programme.goals(AGS), door.programme.measures(AGS), len(client.get(f"{API}/history",
                                                                                      headers=team).json()))
    assert after == before


def test_goals_and_measures_are_deleted_with_their_reason_and_a_goal_with_a_branch_is_not(
        client: TestClient, door: Application, as_user: Callable[[str], dict[str, str]]) -> None:
    _tree(door)
    team = as_user(CORE_TEAM)
    branch = client.delete(f"{API}/goals/sz-rad", headers=team)
    assert branch.status_code == 409 and branch.json()["code"] == "goal.has_children"
    measure = client.delete(f"{API}/measures/m-rad", params={"reason": "doppelt"}, headers=team)
    assert measure.status_code == 200 and measure.json() == {"kind": "measure", "id": "m-rad"}
    goal = client.delete(f"{API}/goals/sz-rad", headers=team)
    assert goal.status_code == 200 and goal.json() == {"kind": "goal", "id": "sz-rad"}
    assert [g.id for g in door.programme.goals(AGS)] == ["ll-klima", "ll-mobil"] and door.programme.measures(AGS) == []
    assert client.delete(f"{API}/measures/m-rad", headers=team).status_code == 404
    history = client.get(f"{API}/history", headers=team).json()
    assert [(e["kind"], e.get("reason")) for e in history if e["kind"].endswith("_deleted")] == [
        ("measure_deleted", "doppelt"), ("goal_deleted", None)]


def test_the_report_as_html_or_as_pdf(client: TestClient, indicator: str,
                                      as_user: Callable[[str], dict[str, str]]) -> None:
    require_weasyprint()
    headers = as_user(COORDINATOR)
    html = client.get(f"{API}/report", headers=headers)
    assert html.headers["content-type"].startswith("text/html")
    for asked in ({"params": {"format": "pdf"}}, {"headers": {"Accept": "application/pdf"}}):
        pdf = client.get(f"{API}/report", headers={**headers, **asked.get("headers", {})}, params=asked.get("params"))
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", asked
        assert pdf.content.startswith(b"%PDF-")
    assert client.get(f"{API}/report", headers=headers, params={"format": "docx"}).status_code == 422
