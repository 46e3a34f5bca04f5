"""Who gets what from the API: tokens (401), the access rule per municipality (404 for one the
caller may not read, 403 for an action their role does not allow), administrators' resources."""

from __future__ import annotations

import pytest
from engine_support import AGS, COORDINATOR, OTHER_AGS
from web_support import ADMIN, ADVISOR, CORE_TEAM, STEERING

from zyklus.app import Application

API = "/api/v1"


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer zyk_falsch", "Basic YWRtaW46YWRtaW4=",
                                           "zyk_ohne_schema"])
def test_no_or_a_bad_token_is_401_problem(client, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    reply = client.get(f"{API}/municipalities", headers=headers)
    assert reply.status_code == 401
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.headers["www-authenticate"].startswith("Bearer")
    assert reply.json()["type"] == "urn:zyklus:error:api.unauthorized"


def test_a_revoked_token_is_401(client, door: Application, token_for) -> None:
    token = token_for(COORDINATOR)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/municipalities/{AGS}", headers=headers).status_code == 200
    principal = door.accounts.principal(COORDINATOR)
    door.accounts.revoke_api_token(principal, door.accounts.api_tokens(principal)[0].id)
    assert client.get(f"{API}/municipalities/{AGS}", headers=headers).status_code == 401


READS = ["", "/people", "/cycle", "/cycles", "/history", "/indicators", "/goals", "/measures", "/evaluation", "/report"]


@pytest.mark.parametrize("resource", READS)
def test_a_coordinator_of_erfurt_reads_erfurt_and_weimar_does_not_exist(client, as_user, resource: str) -> None:
    headers = as_user(COORDINATOR)
    assert client.get(f"{API}/municipalities/{AGS}{resource}", headers=headers).status_code == 200
    hidden = client.get(f"{API}/municipalities/{OTHER_AGS}{resource}", headers=headers)
    unknown = client.get(f"{API}/municipalities/09162000{resource}", headers=headers)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["code"] == unknown.json()["code"] == "municipality.unknown"


def test_the_listing_shows_only_what_the_caller_may_read(client, as_user) -> None:
    assert [m["ags"] for m in client.get(f"{API}/municipalities", headers=as_user(COORDINATOR)).json()] == [AGS]
    assert [m["ags"] for m in client.get(f"{API}/municipalities", headers=as_user(ADVISOR)).json()] == [AGS, OTHER_AGS]


def _tag(client, headers: dict[str, str]) -> str:
    return client.get(f"{API}/municipalities/{AGS}/cycle", headers=headers).headers["etag"]


def test_the_steering_group_reads_but_may_not_record(client, as_user) -> None:
    headers = as_user(STEERING)
    reply = client.post(f"{API}/municipalities/{AGS}/cycle/facts", headers={**headers, "If-Match": _tag(client, headers)},
                        json={"fact": "public_information", "values": {"channel": "Website"}})
    assert reply.status_code == 403 and reply.json()["code"] == "access.denied"


def test_the_core_team_records_but_may_not_advance_or_move_the_deadline(client, as_user) -> None:
    headers = as_user(CORE_TEAM)
    recorded = client.post(f"{API}/municipalities/{AGS}/cycle/facts",
                           headers={**headers, "If-Match": _tag(client, headers)},
                           json={"fact": "letter_of_intent", "values": {"signed_by": "OB", "date": "2027-01-08"}})
    assert recorded.status_code == 201 and recorded.json()["actor"] == CORE_TEAM
    tag = recorded.headers["etag"]
    assert client.post(f"{API}/municipalities/{AGS}/cycle/transitions", headers={**headers, "If-Match": tag},
                       json={}).status_code == 403
    assert client.put(f"{API}/municipalities/{AGS}/cycle/deadline", headers={**headers, "If-Match": tag},
                      json={"due": "2027-06-30", "reason": "Sommerpause"}).status_code == 403


def test_an_advisor_reads_every_municipality_of_the_land_but_may_not_advance(client, as_user) -> None:
    headers = as_user(ADVISOR)
    assert client.get(f"{API}/municipalities/{OTHER_AGS}/cycle", headers=headers).status_code == 200
    reply = client.post(f"{API}/municipalities/{AGS}/cycle/transitions",
                        headers={**headers, "If-Match": _tag(client, headers)}, json={"reason": "Test"})
    assert reply.status_code == 403
    assert reply.json()["detail"].startswith("You are not allowed")  # the advisor's account speaks English


@pytest.mark.parametrize(("method", "path"), [("get", "/outbox"), ("get", "/outbox?failed=true"),
                                              ("get", "/accounts"), ("post", "/outbox/1/retry")])
def test_the_operators_resources_are_for_administrators(client, as_user, method: str, path: str) -> None:
    reply = client.request(method, f"{API}{path}", headers=as_user(COORDINATOR))
    assert reply.status_code == 403 and reply.json()["code"] == "access.admin_only"


def test_an_administrator_sees_the_outbox_and_the_accounts(client, as_user) -> None:
    headers = as_user(ADMIN)
    assert client.get(f"{API}/outbox?failed=true", headers=headers).json() == []
    assert ADVISOR in [a["email"] for a in client.get(f"{API}/accounts", headers=headers).json()]
    missing = client.post(f"{API}/outbox/999/retry", headers=headers)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"


def test_the_workflows_are_listed_and_shown_by_name_only(client, as_user) -> None:
    headers = as_user(STEERING)
    names = [w["name"] for w in client.get(f"{API}/workflows", headers=headers).json()]
    assert "gnk-thueringen" in names
    assert client.get(f"{API}/workflows/gnk-thueringen", headers=headers).json()["name"] == "gnk-thueringen"
    assert client.get(f"{API}/workflows/gibt-es-nicht", headers=headers).json()["code"] == "workflow.unknown"
    assert client.get(f"{API}/workflows/config.toml", headers=headers).status_code == 422  # no file from disk
