"""MyData pages and API: a citizen sees, consents, downloads and reviews only their own data."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi.testclient import TestClient
from tests.identity.journeys import bearer, csrf_of, signed_in, state_of, token_for

from nara import audit, registry

PROBLEM = "application/problem+json"


def csrf(client: TestClient) -> str:
    return csrf_of(client.get("/me/consents").text)


def api(client: TestClient, person_id: str) -> dict[str, str]:
    return bearer(token_for(client, person_id))


def test_without_sign_in_pages_redirect_and_the_api_says_401(client: TestClient) -> None:
    client.cookies.clear()
    assert client.get("/me", follow_redirects=False).headers["location"] == "/sign-in?next=%2Fme"
    response = client.get("/api/v1/me/facts")
    assert (response.status_code, response.headers["content-type"]) == (401, PROBLEM)
    assert response.json()["code"] == "identity.sign_in_required"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_my_information_shows_each_fact_with_its_agency(client: TestClient) -> None:
    with signed_in(client):
        page = client.get("/me")
        assert page.status_code == 200
        assert "주민등록 (행정안전부)" in page.text
        assert "건강보험·소득·재산" in page.text
        assert "모든 기기에서 로그아웃" in page.text
    facts = client.get("/api/v1/me/facts", headers=api(client, "SYN0")).json()
    assert facts["subject"] == "SYN0"
    assert {f["agency"] for f in facts["facts"]} >= {"resident", "income", "family"}
    log = client.get("/api/v1/me/access-log", headers=api(client, "SYN0")).json()["accesses"]
    with signed_in(client):
        assert log[0]["position"] == facts["access_log_position"]
        assert (log[0]["actor_name"], log[0]["purpose"]) == ("본인", "self_view")
        assert "본인 정보 열람" in client.get("/me/access-log").text


def test_a_forged_session_cookie_is_no_sign_in_and_cookies_never_open_the_api(client: TestClient) -> None:
    with signed_in(client, "SYN0"):
        assert client.get("/api/v1/me/facts").status_code == 401  # the API takes tokens, not cookies
        value = client.cookies.get("nara_portal") or ""
        client.cookies.set("nara_portal", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
        assert client.get("/me", follow_redirects=False).status_code == 303


def test_no_parameter_reaches_another_citizens_data(client: TestClient) -> None:
    given = client.post(
        "/api/v1/me/consents",
        headers=api(client, "SYN2"),
        json={
            "recipient": "agency:mohw",
            "purpose": "eligibility_check",
            "facts": ["household.size"],
            "valid_days": 30,
        },
    ).json()
    mine = api(client, "SYN0")
    for url in (
        "/api/v1/me/facts?subject=SYN2",
        "/api/v1/me/facts?person_id=SYN2",
        "/api/v1/me/access-log?subject=SYN2",
    ):
        body = client.get(url, headers=mine).json()
        assert "SYN2" not in str(body), url
    assert given["id"] not in client.get("/api/v1/me/consents", headers=mine).text
    assert client.delete(f"/api/v1/me/consents/{given['id']}", headers=mine).status_code == 404
    with state_of(client).sessions() as session:
        refused = audit.security_events(session, event="access.refused", limit=1)[0]
    assert (refused.reason, refused.target) == (
        "consent.not_found",
        f"DELETE /api/v1/me/consents/{given['id']}",
    )
    with signed_in(client, "SYN0"):
        token = csrf(client)
        assert (
            client.post(f"/me/consents/{given['id']}/revoke", data={"csrf_token": token}).status_code == 404
        )
    theirs = client.get("/api/v1/me/consents", headers=api(client, "SYN2")).json()["consents"]
    assert next(c for c in theirs if c["id"] == given["id"])["status"] == "active"


def test_consents_are_given_and_revoked_through_the_api(client: TestClient) -> None:
    mine = api(client, "SYN4")
    bad = client.post(
        "/api/v1/me/consents",
        headers=mine,
        json={
            "recipient": "agency:mohw",
            "purpose": "eligibility_check",
            "facts": ["member.shoe"],
            "valid_days": 30,
        },
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "consent.invalid")
    given = client.post(
        "/api/v1/me/consents",
        headers=mine,
        json={
            "recipient": "agency:local",
            "purpose": "eligibility_check",
            "facts": ["household.size"],
            "valid_days": 30,
        },
    )
    assert given.status_code == 201
    assert given.json()["status"] == "active"
    revoked = client.delete(f"/api/v1/me/consents/{given.json()['id']}", headers=mine).json()
    assert revoked["status"] == "revoked"
    assert client.put("/api/v1/me/membership", headers=mine).json()["kind"] == "membership"
    assert client.delete("/api/v1/me/membership", headers=mine).status_code == 204


def test_consent_forms_work_without_javascript_and_need_the_form_token(client: TestClient) -> None:
    with signed_in(client, "SYN6"):
        fields = {
            "recipient": "agency:mohw",
            "purpose": "eligibility_check",
            "valid_days": "30",
            "facts": ["household.size", "member.birth_date"],
        }
        assert client.post("/me/consents", data=fields | {"csrf_token": "0" * 64}).status_code == 403
        done = client.post("/me/consents", data=fields | {"csrf_token": csrf(client)})
        assert "동의했습니다" in done.text
        assert "가구원 수" not in done.text
        assert "세대원 수" in done.text
        joined = client.post("/me/membership", data={"csrf_token": csrf(client), "action": "join"})
        assert "가입되어 있습니다" in joined.text


def test_the_download_verifies_against_the_published_key(client: TestClient, tmp_path: Path) -> None:
    archive = client.get("/api/v1/me/download", headers=api(client, "SYN0"))
    assert archive.headers["content-type"] == "application/zip"
    with signed_in(client, "SYN0"):
        assert client.get("/me/download.zip").content[:2] == b"PK"
    keys = client.get("/api/v1/keys").json()["keys"]
    download_key = next(k for k in keys if k.get("purpose") == "download-manifest")
    path = tmp_path / "mine.zip"
    path.write_bytes(io.BytesIO(archive.content).getvalue())
    report = registry.verify_download(path, download_key)
    assert report.ok
    assert report.subject == "SYN0"
