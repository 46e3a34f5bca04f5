"""Every refusal of the API is application/problem+json with the error's code, in the caller's
language; pagination of listings."""

from __future__ import annotations

import pytest
from engine_support import AGS, COORDINATOR

from engine.errors import (
    ConfigError,
    Conflict,
    DatabaseBusy,
    InvalidInput,
    NotFound,
    NotInstalled,
    PermissionDenied,
    TransitionRefused,
    VersionMismatch,
    ZyklusError,
)
from engine.i18n import m
from zyklus.app.accounts import LoginRefused
from zyklus.app.idempotency import KeyInvalid
from zyklus.web.problems import PreconditionRequired, WithStatus, problem, status_of

API = "/api/v1"
CYCLE = f"{API}/municipalities/{AGS}/cycle"


@pytest.mark.parametrize(("error", "status"), [
    (NotFound(m("municipality.unknown", "de", ags="1")), 404),
    (PermissionDenied(m("access.admin_only", "de")), 403),
    (TransitionRefused(m("transition.refused", "de", source="x"), []), 409),
    (Conflict(m("cycle.conflict", "de", ags="1")), 409),
    (VersionMismatch(m("cycle.stale", "de", ags="1", cycle=1, version=2)), 412),
    (PreconditionRequired(m("request.if_match_required", "de")), 428),
    (DatabaseBusy(m("db.busy", "de")), 503),
    (ConfigError(m("web.secret_missing", "de", env="X")), 500),
    (NotInstalled(m("report.pdf_unavailable", "de", error="no module named weasyprint")), 501),
    (InvalidInput(m("idempotency.mismatch", "de", key="k")), 422),
    (LoginRefused(m("api.unauthorized", "de")), 401),
    (KeyInvalid(m("idempotency.key_invalid", "de", n=200)), 400),
    (WithStatus(m("api.method_not_allowed", "de", path="/"), 405), 405),
    (ZyklusError("ohne Code"), 400),
])
def test_every_error_kind_has_its_status_and_a_problem_body(error: ZyklusError, status: int) -> None:
    assert status_of(error) == status
    reply = problem(error, "en")
    assert reply.status_code == status and reply.media_type == "application/problem+json"
    import json

    body = json.loads(bytes(reply.body))
    assert body["status"] == status and body["type"] == f"urn:zyklus:error:{body['code']}"
    assert body["detail"] == error.render("en") and isinstance(body["params"], dict)


def test_unknown_routes_and_methods_are_problems(client, as_user) -> None:
    headers = as_user(COORDINATOR)
    unknown = client.get(f"{API}/gibt/es/nicht", headers=headers)
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
    assert unknown.json()["code"] == "api.not_found"
    wrong = client.delete(f"{API}/municipalities", headers=headers)
    assert wrong.status_code == 405 and wrong.json()["code"] == "api.method_not_allowed"
    assert "GET" in wrong.headers["allow"]


def test_a_page_that_does_not_exist_is_still_an_html_page(client) -> None:
    assert client.get("/gibt-es-nicht").headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(("content", "field"), [
    (b'{"fact": "application", "values": {', "body"),
    (b'{"fact": 17}', "fact"),
    (b'{"fact": "workshop", "values": {"participants": 18}}', "participants"),
    (b'{"fact": "workshop", "on": "15.03.2027"}', "on"),
    (b'{"fact": "workshop", "unknown": 1}', "unknown"),
    (b'[]', "body"),
])
def test_malformed_json_and_wrong_types_are_422_problems(client, as_user, content: bytes, field: str) -> None:
    reply = client.post(CYCLE + "/facts", content=content,
                        headers={**as_user(COORDINATOR), "Content-Type": "application/json", "If-Match": '"x"'})
    assert reply.status_code == 422 and reply.headers["content-type"] == "application/problem+json"
    problem_body = reply.json()
    assert problem_body["code"] == "request.invalid" and problem_body["detail"].startswith("Die Anfrage ist ungültig")
    assert any(field in error["loc"] for error in problem_body["params"]["errors"])


def test_a_bad_fact_value_is_the_doors_refusal(client, as_user) -> None:
    headers = as_user(COORDINATOR)
    tag = client.get(CYCLE, headers=headers).headers["etag"]
    reply = client.post(CYCLE + "/facts", headers={**headers, "If-Match": tag},
                        json={"fact": "erfunden", "values": {}})
    assert reply.status_code == 404 and reply.json()["code"] == "fact.unknown"
    assert reply.json()["params"]["fact"] == "erfunden"


def test_the_detail_is_in_accept_language_before_the_token_is_known(client) -> None:
    english = client.get(f"{API}/municipalities", headers={"Accept-Language": "en-GB,en;q=0.8"})
    german = client.get(f"{API}/municipalities", headers={"Accept-Language": "de"})
    assert english.json()["detail"].startswith("The API needs") and german.json()["detail"].startswith("Für die API")


def test_a_bug_is_a_500_problem_without_a_traceback(client, door, as_user, monkeypatch) -> None:
    headers = as_user(COORDINATOR)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(door.cycles, "people", broken)  # a bug stand-in: nothing of the machine is replaced
    reply = client.get(f"{API}/municipalities/{AGS}/people", headers=headers)
    assert reply.status_code == 500 and reply.json()["code"] == "api.internal"
    assert "secret internals" not in reply.text and "Traceback" not in reply.text


def test_listings_are_paginated_with_link_and_total(client, door, as_user) -> None:
    headers = as_user(COORDINATOR)
    total = len(door.cycles.history(AGS))
    for fact in ("letter_of_intent", "public_information"):
        from engine_support import FACT_VALUES

        tag = client.get(CYCLE, headers=headers).headers["etag"]
        client.post(CYCLE + "/facts", headers={**headers, "If-Match": tag},
                    json={"fact": fact, "values": FACT_VALUES.get(fact, {"channel": "Website"})})
    total += 2
    first = client.get(f"{API}/municipalities/{AGS}/history?limit=2", headers=headers)
    assert first.headers["x-total-count"] == str(total) and len(first.json()) == 2
    assert 'rel="next"' in first.headers["link"] and "offset=2" in first.headers["link"]
    next_url = first.headers["link"].split(">")[0].lstrip("<")
    last = client.get(next_url, headers=headers)
    assert len(last.json()) == total - 2 and 'rel="prev"' in last.headers["link"]
    assert 'rel="next"' not in last.headers["link"]
    assert client.get(f"{API}/municipalities/{AGS}/history?limit=0", headers=headers).status_code == 422
    assert client.get(f"{API}/municipalities?offset=-1", headers=headers).json()["code"] == "request.invalid"
