"""Changing a cycle through the API: If-Match (428, 412, the new ETag), two clients with the same
ETag, Idempotency-Key (replay, mismatch, bad keys), the deadline, and one whole cycle."""

from __future__ import annotations

import datetime as dt

import pytest
from engine_support import AGS, COORDINATOR, FACT_VALUES, PHASE_FACTS, PHASES, START, on_the_day, plan_programme

from zyklus.app import Application

API = "/api/v1"
CYCLE = f"{API}/municipalities/{AGS}/cycle"
LETTER = {"fact": "letter_of_intent", "values": FACT_VALUES["letter_of_intent"]}


@pytest.fixture
def coordinator(as_user) -> dict[str, str]:
    return as_user(COORDINATOR)


def _tag(client, headers: dict[str, str]) -> str:
    return client.get(CYCLE, headers=headers).headers["etag"]


def _facts(door: Application) -> int:
    return sum(1 for entry in door.cycles.history(AGS) if entry.kind == "fact")


def test_the_cycle_has_an_etag_and_answers_304_to_if_none_match(client, coordinator) -> None:
    reply = client.get(CYCLE, headers=coordinator)
    assert reply.headers["etag"] == f'"{AGS}-1-{reply.json()["lock_version"]}"'
    assert client.get(CYCLE, headers={**coordinator, "If-None-Match": reply.headers["etag"]}).status_code == 304


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/facts", LETTER), ("post", "/transitions", {}), ("put", "/deadline", {"due": "2027-09-30", "reason": "x"})])
def test_a_write_without_if_match_is_428(client, door: Application, coordinator, method, path, body) -> None:
    reply = client.request(method, CYCLE + path, headers=coordinator, json=body)
    assert reply.status_code == 428 and reply.json()["code"] == "request.if_match_required"
    assert _facts(door) == 0


@pytest.mark.parametrize("stale", ['"16051000-1-0"', '"16051000-2-1"', 'W/"16051000-1-1"', '"16055000-1-1"', "*", "kaputt"])
def test_a_stale_or_foreign_if_match_is_412_with_the_current_etag(client, door: Application, coordinator, stale) -> None:
    current = _tag(client, coordinator)
    reply = client.post(CYCLE + "/facts", headers={**coordinator, "If-Match": stale}, json=LETTER)
    assert reply.status_code == 412 and reply.json()["code"] == "cycle.stale"
    assert reply.headers["etag"] == current
    assert _facts(door) == 0


def test_of_two_clients_with_the_same_etag_only_the_first_writes(client, door: Application, coordinator, as_user) -> None:
    deputy = as_user("bernd.koordination@erfurt.de")
    tag = _tag(client, coordinator)
    first = client.post(CYCLE + "/facts", headers={**coordinator, "If-Match": tag}, json=LETTER)
    assert first.status_code == 201 and first.headers["etag"] != tag
    second = client.post(CYCLE + "/transitions", headers={**deputy, "If-Match": tag}, json={"reason": "weiter"})
    assert second.status_code == 412 and second.headers["etag"] == first.headers["etag"]
    assert _facts(door) == 1 and door.cycles.status(AGS).phase == "application"
    assert [e.kind for e in door.cycles.history(AGS)] == ["start", "fact"]


def test_the_door_checks_the_version_in_the_writing_transaction(door: Application) -> None:
    """The check is the door's, not only the web layer's: a command with an old version writes nothing."""
    from engine.errors import VersionMismatch
    from zyklus.app.commands import RecordFact

    status = door.cycles.status(AGS)
    with pytest.raises(VersionMismatch):
        door.cycles.record(RecordFact(ags=AGS, fact="letter_of_intent", actor=COORDINATOR,
                                      values=FACT_VALUES["letter_of_intent"],
                                      expected_version=(status.cycle, status.lock_version - 1)))
    assert _facts(door) == 0


def test_a_retry_with_the_same_idempotency_key_gets_the_first_reply_and_writes_once(client, door, coordinator) -> None:
    headers = {**coordinator, "If-Match": _tag(client, coordinator), "Idempotency-Key": "brief-2027-01"}
    first = client.post(CYCLE + "/facts", headers=headers, json=LETTER)
    again = client.post(CYCLE + "/facts", headers=headers, json=LETTER)  # the If-Match is stale by now
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
    assert again.headers["idempotent-replayed"] == "true"
    assert _facts(door) == 1


def test_the_same_key_for_another_request_is_422_and_writes_nothing(client, door, coordinator) -> None:
    headers = {**coordinator, "If-Match": _tag(client, coordinator), "Idempotency-Key": "k1"}
    assert client.post(CYCLE + "/facts", headers=headers, json=LETTER).status_code == 201
    other = {"fact": "public_information", "values": {"channel": "Website"}}
    headers["If-Match"] = _tag(client, coordinator)
    reply = client.post(CYCLE + "/facts", headers=headers, json=other)
    assert reply.status_code == 422 and reply.json()["code"] == "idempotency.mismatch"
    assert client.post(CYCLE + "/transitions", headers=headers, json={}).json()["code"] == "idempotency.mismatch"
    assert _facts(door) == 1


def test_keys_are_per_account(client, door, coordinator, as_user) -> None:
    deputy = as_user("bernd.koordination@erfurt.de")
    for headers, fact in ((coordinator, LETTER), (deputy, {"fact": "public_information", "values": {"channel": "Web"}})):
        reply = client.post(CYCLE + "/facts", json=fact,
                            headers={**headers, "If-Match": _tag(client, headers), "Idempotency-Key": "same"})
        assert reply.status_code == 201
    assert _facts(door) == 2


@pytest.mark.parametrize("key", ["x" * 201, " "])
def test_a_key_too_long_or_empty_is_400(client, door, coordinator, key: str) -> None:
    reply = client.post(CYCLE + "/facts", json=LETTER,
                        headers={**coordinator, "If-Match": _tag(client, coordinator), "Idempotency-Key": key})
    assert reply.status_code == 400 and reply.json()["code"] == "idempotency.key_invalid"
    assert _facts(door) == 0


def test_a_refused_write_is_not_kept_so_the_retry_runs(client, door, coordinator) -> None:
    headers = {**coordinator, "If-Match": '"16051000-1-0"', "Idempotency-Key": "nochmal"}
    assert client.post(CYCLE + "/facts", headers=headers, json=LETTER).status_code == 412
    headers["If-Match"] = _tag(client, coordinator)
    assert client.post(CYCLE + "/facts", headers=headers, json=LETTER).status_code == 201


def test_the_deadline_moves_with_if_match(client, door, coordinator) -> None:
    reply = client.put(CYCLE + "/deadline", headers={**coordinator, "If-Match": _tag(client, coordinator)},
                       json={"due": "2027-09-30", "reason": "Sommerpause des Rates"})
    assert reply.status_code == 200 and reply.json()["due_on"] == "2027-09-30"
    assert reply.headers["etag"] == _tag(client, coordinator)
    assert door.cycles.status(AGS).due_on == dt.date(2027, 9, 30)


def test_a_refused_transition_is_409_with_the_unmet_guards(client, coordinator) -> None:
    reply = client.post(CYCLE + "/transitions", headers={**coordinator, "If-Match": _tag(client, coordinator)}, json={})
    problem = reply.json()
    assert reply.status_code == 409 and problem["code"] == "transition.refused"
    assert {"application", "letter_of_intent"} <= {guard["fact"] for guard in problem["unmet"]}
    assert all(guard["severity"] == "block" and not guard["ok"] for guard in problem["unmet"])


def test_a_whole_cycle_through_the_api(client, door: Application, coordinator) -> None:
    on = START
    for phase in PHASES:
        on += dt.timedelta(days=30)
        if phase == "strategy":  # the API does not write the programme yet: the door does
            plan_programme(door.service)
        for fact in PHASE_FACTS[phase]:
            with on_the_day(door.service, on):  # what is recorded has happened: the clock on that day
                reply = client.post(CYCLE + "/facts", headers={**coordinator, "If-Match": _tag(client, coordinator)},
                                    json={"fact": fact, "values": FACT_VALUES[fact], "on": on.isoformat()})
            assert reply.status_code == 201, reply.json()
        reply = client.post(CYCLE + "/transitions", headers={**coordinator, "If-Match": _tag(client, coordinator)},
                            json={"reason": f"{phase} erledigt", "on": on.isoformat()})
        assert reply.status_code == 200, reply.json()
        assert reply.json()["source"] == phase
    assert reply.json()["dest"] == "completed"
    cycles = client.get(f"{API}/municipalities/{AGS}/cycles", headers=coordinator).json()
    assert cycles[0]["number"] == 1
    history = client.get(f"{API}/municipalities/{AGS}/history?cycle=1&limit=500", headers=coordinator).json()
    assert sum(1 for entry in history if entry["kind"] == "fact") == sum(len(PHASE_FACTS[p]) for p in PHASES)
    assert history[-1]["kind"] == "complete"
    report = client.get(f"{API}/municipalities/{AGS}/report?cycle=1", headers=coordinator)
    assert report.headers["content-type"].startswith("text/html") and "Erfurt" in report.text
