"""The wallet's and the verifier portal's pages: sign-in, plain Korean, accessible structure, no leaks."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.identity.journeys import csrf_of, signed_in
from tests.wallet.walletflow import issue, new_request, verifier_browser

CITIZEN = "SYN12"


def _page_ok(html: str, title: str) -> None:
    assert f"<title>{title} | 나라</title>" in html
    assert re.search(r"<h1>[^<]+</h1>", html)


def test_the_wallet_needs_sign_in(client: TestClient) -> None:
    client.cookies.clear()
    for path in ("/wallet", "/wallet/history", "/wallet/history.json", "/wallet/present"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/sign-in?next=")


def test_the_wallet_pages_are_plain_private_and_accessible(client: TestClient) -> None:
    with signed_in(client, CITIZEN):
        home = client.get("/wallet")
        _page_ok(home.text, "내 전자지갑")
        assert home.headers["cache-control"] == "no-store"
        assert "nonce-" in home.headers["content-security-policy"]
        for label in ("주민등록표 등본", "가족관계증명서", "납세증명서", "장애인증명서", "모바일 신분증"):
            assert f"{label} 발급받기" in home.text
        _page_ok(client.get("/wallet/history").text, "유통이력")
        _page_ok(client.get("/wallet/present").text, "기관에 제출하기")
        offer = client.post("/wallet/offer", data={"csrf_token": csrf_of(home.text), "doc": "mobile-id"})
        assert "<svg" in offer.text
        assert "openid-credential-offer://?credential_offer=" in offer.text
        assert 'role="img"' in offer.text


def test_the_citizen_is_told_what_to_get_when_nothing_fits(client: TestClient) -> None:
    bank = verifier_browser(client)
    _request_page, same_device = new_request(bank, "adult-name")
    with signed_in(client, "SYN13"):
        page = client.get(same_device).text
        assert "낼 수 있는 증명서가 지갑에 없습니다" in page
        assert "모바일 신분증 발급받기" in page
        assert "계좌 개설 때 주소 확인" in page  # the verifier's purpose, as registered


def test_only_the_asked_claims_are_pre_ticked_and_never_the_resident_number(client: TestClient) -> None:
    bank = verifier_browser(client)
    _request_page, same_device = new_request(bank, "household")
    with signed_in(client, CITIZEN):
        issue(client)
        page = client.get(same_device).text
        ticked = set(re.findall(r'name="claims" value="([a-z_0-9]+)" checked', page))
        assert ticked == {"name", "household_members"}
        assert 'value="resident_number"' in page
        assert "주민등록번호는 꼭 필요할 때만" in page


def test_declining_tells_the_verifier(client: TestClient) -> None:
    bank = verifier_browser(client)
    request_page, same_device = new_request(bank)
    with signed_in(client, CITIZEN):
        issue(client)
        page = client.get(same_device).text
        link = re.search(r'name="request" value="([^"]+)"', page)
        assert link
        from html import unescape

        answer = client.post(
            "/wallet/present",
            data={"csrf_token": csrf_of(page), "request": unescape(link.group(1)), "action": "decline"},
        )
        assert "보내지 않았습니다" in answer.text
    assert "시민이 제출하지 않기로 했습니다" in bank.get(request_page).text


def test_links_elsewhere_or_unreadable_are_refused_in_plain_korean(client: TestClient) -> None:
    with signed_in(client, CITIZEN):
        elsewhere = client.get(
            "/wallet/present",
            params={"request": "openid4vp://?client_id=x&request_uri=https://evil.example/request"},
        )
        assert elsewhere.status_code == 400
        assert "나라에 등록된 기관의 요청만" in elsewhere.text
        assert "Traceback" not in elsewhere.text
        unreadable = client.get("/wallet/present", params={"request": "hello"})
        assert unreadable.status_code == 422
        assert "요청 링크를 읽을 수 없습니다" in unreadable.text


def test_the_verifier_portal_registers_signs_in_and_guards_requests(client: TestClient) -> None:
    bank = verifier_browser(client, "나라신협")
    home = bank.get("/verifier").text
    _page_ok(home, "확인 기관 창구")
    assert "나라신협" in home
    request_page, _same_device = new_request(bank, "adult-name")
    shown = bank.get(request_page)
    assert "<svg" in shown.text
    assert "openid4vp://?client_id=nara-verifier-" in shown.text
    nonce = re.search(r"nonce-([A-Za-z0-9_-]+)", shown.headers["content-security-policy"])
    assert nonce
    assert f'<script nonce="{nonce.group(1)}">' in shown.text

    stranger = TestClient(client.app, base_url="http://localhost:8000", raise_server_exceptions=False)
    assert stranger.get(request_page).status_code == 403
    page = stranger.get("/verifier").text
    refused = stranger.post(
        "/verifier/requests", data={"csrf_token": csrf_of(page), "preset": "address-only"}
    )
    assert refused.status_code == 403
    wrong = stranger.post(
        "/verifier/sign-in", data={"csrf_token": csrf_of(page), "verifier_id": "verifier-x", "key": "k"}
    )
    assert wrong.status_code == 403
    assert "기관 키가 맞지 않습니다" in wrong.text


def test_protocol_errors_are_problem_details(client: TestClient) -> None:
    answer = client.post("/api/v1/wallet/verifier/response", data={"vp_token": "{}", "state": "nope"})
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "wallet.unknown_state"
    assert answer.json()["error"] == "invalid_request"
    missing = client.get("/api/v1/wallet/verifier/requests/vpreq-none/object")
    assert (missing.status_code, missing.json()["code"]) == (404, "wallet.request_closed")
