"""Officials: roles per agency, granted by a supervisor and logged; an official sees only their agency;
an auditor reads logs with citizens pseudonymised."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.identity.journeys import csrf_of, make_official, office_sign_in, state_of

from nara import audit, identity


def test_an_official_sees_only_their_agency_and_crossing_is_logged(client: TestClient) -> None:
    official = make_official(client, "010-7000-0001", "income", "checker")
    office_sign_in(client, "010-7000-0001")
    assert "건강보험·소득·재산" in client.get("/office").text
    assert client.get("/office/agencies/income").status_code == 200
    other = client.get("/office/agencies/resident")
    assert other.status_code == 403
    assert "다른 기관의 업무는 볼 수 없습니다" in other.text
    with state_of(client).sessions() as session:
        events = audit.security_events(session, event="access.refused", actor=f"account:{official}")
    assert events[0].reason == "access.other_agency"
    assert client.get("/office/audit").status_code == 403  # a checker is no auditor
    assert client.get("/me").status_code == 403  # an official is not a citizen: no MyData pages
    client.cookies.clear()


def test_only_a_supervisor_grants_roles_and_every_grant_is_logged(client: TestClient) -> None:
    supervisor = make_official(client, "010-7000-0002", "family", "supervisor")
    newcomer = make_official(client, "010-7000-0003", "veterans", "checker")
    office_sign_in(client, "010-7000-0003")
    token = csrf_of(client.get("/office").text)
    refused = client.post(
        "/office/agencies/veterans/roles",
        data={"csrf_token": token, "account_id": newcomer, "role": "decider"},
    )
    assert refused.status_code == 403
    office_sign_in(client, "010-7000-0002")
    token = csrf_of(client.get("/office/agencies/family").text)
    granted = client.post(
        "/office/agencies/family/roles", data={"csrf_token": token, "account_id": newcomer, "role": "decider"}
    )
    assert "역할을 부여했습니다" in granted.text
    elsewhere = client.post(
        "/office/agencies/veterans/roles",
        data={"csrf_token": token, "account_id": newcomer, "role": "decider"},
    )
    assert elsewhere.status_code == 403
    with state_of(client).sessions() as session:
        assert identity.Role("family", "decider") in identity.roles_of(session, newcomer)
        grants = audit.security_events(session, event="identity.role_granted", actor=f"account:{supervisor}")
    assert grants[0].target == f"account:{newcomer} family:decider"
    client.cookies.clear()


def test_an_auditor_reads_logs_without_personal_data_in_clear(client: TestClient) -> None:
    from tests.identity.journeys import bearer, token_for

    client.get("/api/v1/me/consents", headers=bearer(token_for(client, "SYN12")))
    client.get("/api/v1/me/facts", headers=bearer(token_for(client, "SYN12")))
    make_official(client, "010-7000-0004", "resident", "auditor")
    office_sign_in(client, "010-7000-0004")
    page = client.get("/office/audit")
    assert page.status_code == 200
    assert "가명-" in page.text
    assert "SYN12" not in page.text
    client.cookies.clear()
