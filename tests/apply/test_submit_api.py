"""Applying through the open API: consent → check → one submission, idempotent by its key."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.apply.making import birth_answers, typed_fields
from tests.identity.journeys import bearer, token_for

MOTHER = "SYN64"  # the API tests' own resident: nobody else applies in her name


def _headers(client: TestClient, key: str | None = None) -> dict[str, str]:
    headers = bearer(token_for(client, MOTHER))
    return headers | {"Idempotency-Key": key} if key else headers


def _check(client: TestClient, answers: dict[str, str]) -> dict[str, Any]:
    consent = client.post("/api/v1/bundles/birth/consent", headers=_headers(client))
    assert consent.status_code == 201, consent.text
    checked = client.post("/api/v1/bundles/birth/check", headers=_headers(client), json={"answers": answers})
    assert checked.status_code == 200, checked.text
    body: dict[str, Any] = checked.json()
    return body


def _fields(check: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each offered service's own fields, typed as a citizen would."""
    offered = [s["service_id"] for s in check["services"] if s["offered"]]
    fields: dict[str, dict[str, str]] = {s: {} for s in offered}
    for name, value in typed_fields(offered).items():
        _, service, field = name.split(".", 2)
        fields[service][field] = value
    return fields


def test_a_citizen_applies_through_the_api_once(client: TestClient) -> None:
    answers = birth_answers(**{"newborn.name": f"에이피{uuid.uuid4().hex[:4]}"})
    check = _check(client, answers)
    assert check["facts"]
    assert all(f["agency"] for f in check["facts"])  # each fact with its source
    offered = [s["service_id"] for s in check["services"] if s["offered"]]
    assert "135200005015" in offered  # 첫만남이용권
    assert all(s["explanation"] for s in check["services"] if not s["offered"])  # why not, in words
    body = {
        "answers": answers,
        "services": offered,
        "fields": _fields(check),
        "carried": check["carried"],
    }
    key = uuid.uuid4().hex
    done = client.post("/api/v1/bundles/birth/applications", headers=_headers(client, key), json=body)
    assert done.status_code == 201, done.text
    receipts = {a["receipt_no"] for a in done.json()["applications"]}
    assert len(receipts) >= len(offered)
    again = client.post("/api/v1/bundles/birth/applications", headers=_headers(client, key), json=body)
    assert again.status_code == 200  # a retry: the same submission, nothing new
    assert {a["receipt_no"] for a in again.json()["applications"]} == receipts
    mine = client.get("/api/v1/me/applications", headers=_headers(client)).json()
    assert receipts <= {a["receipt_no"] for a in mine}


def test_without_carried_the_registries_are_read_afresh(client: TestClient) -> None:
    answers = birth_answers(**{"newborn.name": f"새로{uuid.uuid4().hex[:4]}"})
    check = _check(client, answers)
    body = {"answers": answers, "services": ["135200005015"], "fields": _fields(check)}
    done = client.post(
        "/api/v1/bundles/birth/applications", headers=_headers(client, uuid.uuid4().hex), json=body
    )
    assert done.status_code == 201, done.text
    assert [a["service_id"] for a in done.json()["applications"]] == ["135200005015"]


def test_bad_requests_are_problems_in_korean(client: TestClient) -> None:
    answers = birth_answers()
    check = _check(client, answers)
    url = "/api/v1/bundles/birth/applications"
    no_key = client.post(
        url, headers=_headers(client), json={"answers": answers, "services": ["135200005015"]}
    )
    assert no_key.status_code == 422
    assert no_key.headers["content-type"].startswith("application/problem+json")
    refused = [s["service_id"] for s in check["services"] if not s["offered"]]
    for service, words in [("NOT-A-SERVICE", "이 신청에 없는 서비스"), *((s, "") for s in refused[:1])]:
        body = {"answers": answers, "services": [service], "fields": _fields(check)}
        problem = client.post(url, headers=_headers(client, uuid.uuid4().hex), json=body)
        assert problem.status_code == 422, problem.text
        assert problem.json()["code"] == "apply.invalid"
        assert words in problem.json()["detail"]
    unanswered = client.post(
        url, headers=_headers(client, uuid.uuid4().hex), json={"services": ["135200005015"]}
    )
    assert unanswered.status_code == 422
    assert "아기 이름" in unanswered.json()["detail"]
    forged = {
        "answers": answers,
        "services": ["135200005015"],
        "fields": _fields(check),
        "carried": "{}",
    }
    tampered = client.post(url, headers=_headers(client, uuid.uuid4().hex), json=forged)
    assert tampered.status_code == 422
    assert tampered.json()["code"] == "apply.invalid"


def test_applying_needs_consent_and_a_citizen_token(client: TestClient) -> None:
    stranger = "SYN63"
    headers = bearer(token_for(client, stranger))
    check = client.post("/api/v1/bundles/pregnancy/check", headers=headers, json={"answers": {}})
    assert check.status_code == 409
    assert check.json()["code"] == "apply.consent_required"
    assert "동의" in check.json()["detail"]
    anonymous = client.post("/api/v1/bundles/birth/check", json={"answers": {}})
    assert anonymous.status_code == 401
    narrow = bearer(token_for(client, MOTHER, scope="openid"))
    assert client.post("/api/v1/bundles/birth/check", headers=narrow, json={"answers": {}}).status_code == 403
