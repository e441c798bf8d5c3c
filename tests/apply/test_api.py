"""The open API: bundles and forms as data for anyone; a citizen's own applications with a token."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from nara import apply, registry
from nara.kernel.db import session_factory, transaction
from tests.apply.making import birth_request, household
from tests.identity.journeys import bearer, token_for

OWNER = "SYN35"


def test_bundles_are_open_data(client: TestClient) -> None:
    listed = client.get("/api/v1/bundles")
    assert listed.status_code == 200
    assert {b["id"] for b in listed.json()} == set(apply.bundles())
    birth = client.get("/api/v1/bundles/birth").json()
    assert [q["name"] for q in birth["questions"]][:2] == ["newborn.name", "newborn.birth_date"]
    assert all(s["pulls"] for s in birth["services"])
    missing = client.get("/api/v1/bundles/nothing")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["code"] == "apply.not_found"


def test_a_citizen_reads_only_their_own_applications(
    client: TestClient, engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        done = apply.submit(session, birth_request(household(exchange, sessions, OWNER)))
    mine = client.get("/api/v1/me/applications", headers=bearer(token_for(client, OWNER)))
    assert mine.status_code == 200
    assert {a.receipt_no for a in done.applications} <= {a["receipt_no"] for a in mine.json()}
    one = client.get(
        f"/api/v1/me/applications/{done.applications[0].id}", headers=bearer(token_for(client, OWNER))
    )
    assert one.json()["events"][0]["status_label"] == "접수"
    other = client.get(
        f"/api/v1/me/applications/{done.applications[0].id}", headers=bearer(token_for(client, "SYN72"))
    )
    assert other.status_code == 404
    assert other.json()["code"] == "apply.not_found"
    assert client.get("/api/v1/me/applications").status_code == 401
