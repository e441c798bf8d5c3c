"""MyData pages and API: a citizen sees, consents, downloads and reviews only their own data."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi.testclient import TestClient

from nara import registry

PROBLEM = "application/problem+json"


@contextmanager
def signed_in(client: TestClient, person_id: str = "SYN0") -> Iterator[TestClient]:
    """The shared client acting as ``person_id`` (development sign-in) for the block."""
    client.cookies.clear()
    response = client.post("/dev/sign-in", data={"person_id": person_id}, follow_redirects=False)
    assert response.status_code == 303
    try:
        yield client
    finally:
        client.cookies.clear()


def form_token(client: TestClient) -> str:
    match = re.search(r'name="token" value="([0-9a-f]+)"', client.get("/me/consents").text)
    assert match
    return match.group(1)


def test_without_sign_in_pages_redirect_and_the_api_says_401(client: TestClient) -> None:
    client.cookies.clear()
    assert client.get("/me", follow_redirects=False).headers["location"] == "/dev/sign-in"
    response = client.get("/api/v1/me/facts")
    assert (response.status_code, response.headers["content-type"]) == (401, PROBLEM)
    assert response.json()["code"] == "web.sign_in_required"


def test_the_dev_sign_in_is_marked_and_refuses_unknown_people(client: TestClient) -> None:
    page = client.get("/dev/sign-in")
    assert "개발용" in page.text
    assert "SYN0" in page.text
    refused = client.post("/dev/sign-in", data={"person_id": "SYN-NOBODY"})
    assert refused.status_code == 422
    assert "주민등록에 없는 사람" in refused.text


def test_my_information_shows_each_fact_with_its_agency(client: TestClient) -> None:
    with signed_in(client):
        page = client.get("/me")
        assert page.status_code == 200
        assert "주민등록 (행정안전부)" in page.text
        assert "건강보험·소득·재산" in page.text
        assert "개발용 로그인" in page.text
        facts = client.get("/api/v1/me/facts").json()
        assert facts["subject"] == "SYN0"
        assert {f["agency"] for f in facts["facts"]} >= {"resident", "income", "family"}
        log = client.get("/api/v1/me/access-log").json()["accesses"]
        assert log[0]["position"] == facts["access_log_position"]
        assert (log[0]["actor_name"], log[0]["purpose"]) == ("본인", "self_view")
        assert "본인 정보 열람" in client.get("/me/access-log").text


def test_a_forged_cookie_is_no_sign_in(client: TestClient) -> None:
    with signed_in(client, "SYN0"):
        value = client.cookies.get("nara_dev_citizen") or ""
        client.cookies.set("nara_dev_citizen", "SYN2" + value[value.index(".") :])
        assert client.get("/api/v1/me/facts").status_code == 401


def test_no_parameter_reaches_another_citizens_data(client: TestClient) -> None:
    with signed_in(client, "SYN2"):
        given = client.post(
            "/api/v1/me/consents",
            json={
                "recipient": "agency:mohw",
                "purpose": "eligibility_check",
                "facts": ["household.size"],
                "valid_days": 30,
            },
        ).json()
    with signed_in(client, "SYN0"):
        for url in (
            "/api/v1/me/facts?subject=SYN2",
            "/api/v1/me/facts?person_id=SYN2",
            "/api/v1/me/access-log?subject=SYN2",
        ):
            body = client.get(url).json()
            assert "SYN2" not in str(body), url
        assert given["id"] not in client.get("/api/v1/me/consents").text
        assert client.delete(f"/api/v1/me/consents/{given['id']}").status_code == 404
        token = form_token(client)
        assert client.post(f"/me/consents/{given['id']}/revoke", data={"token": token}).status_code == 404
    with signed_in(client, "SYN2"):
        mine = client.get("/api/v1/me/consents").json()["consents"]
        assert next(c for c in mine if c["id"] == given["id"])["status"] == "active"


def test_consents_are_given_and_revoked_through_the_api(client: TestClient) -> None:
    with signed_in(client, "SYN4"):
        bad = client.post(
            "/api/v1/me/consents",
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
            json={
                "recipient": "third_party:maum-app",
                "purpose": "eligibility_check",
                "facts": ["household.size"],
                "valid_days": 30,
            },
        )
        assert given.status_code == 201
        assert given.json()["status"] == "active"
        revoked = client.delete(f"/api/v1/me/consents/{given.json()['id']}").json()
        assert revoked["status"] == "revoked"
        assert client.put("/api/v1/me/membership").json()["kind"] == "membership"
        assert client.delete("/api/v1/me/membership").status_code == 204


def test_consent_forms_work_without_javascript_and_need_the_form_token(client: TestClient) -> None:
    with signed_in(client, "SYN6"):
        fields = {
            "recipient": "agency:mohw",
            "purpose": "eligibility_check",
            "valid_days": "30",
            "facts": ["household.size", "member.birth_date"],
        }
        assert client.post("/me/consents", data=fields | {"token": "0" * 64}).status_code == 403
        done = client.post("/me/consents", data=fields | {"token": form_token(client)})
        assert "동의했습니다" in done.text
        assert "가구원 수" not in done.text
        assert "세대원 수" in done.text
        joined = client.post("/me/membership", data={"token": form_token(client), "action": "join"})
        assert "가입되어 있습니다" in joined.text


def test_the_download_verifies_against_the_published_key(client: TestClient, tmp_path: Path) -> None:
    with signed_in(client, "SYN0"):
        archive = client.get("/api/v1/me/download")
        assert archive.headers["content-type"] == "application/zip"
        assert client.get("/me/download.zip").content[:2] == b"PK"
    keys = client.get("/api/v1/keys").json()["keys"]
    download_key = next(k for k in keys if k.get("purpose") == "download-manifest")
    path = tmp_path / "mine.zip"
    path.write_bytes(io.BytesIO(archive.content).getvalue())
    report = registry.verify_download(path, download_key)
    assert report.ok
    assert report.subject == "SYN0"
