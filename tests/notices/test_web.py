"""전자 사서함 pages and API: Korean pages with unread counts, read receipts, channel settings, paying a
bill once from a form or the API, and nothing of another citizen's (404, problem+json on the API).

Signed-in residents SYN62–SYN65 are used by no other test module. Each enrolment sends a one-time code,
and a phone gets at most five codes an hour: PAGES signs in five times, no more."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from tests.factories import make_bill_draft, make_notice_draft
from tests.identity.journeys import bearer, csrf_of, hidden, signed_in, state_of, token_for

from nara import notices, registry
from nara.kernel.db import transaction
from nara.notices.models import PaymentRow

PAGES, API, OTHER, CHOOSER = "SYN62", "SYN63", "SYN64", "SYN65"
PROBLEM = "application/problem+json"


def give(client: TestClient, person_id: str) -> notices.Notice:
    """A notice committed for ``person_id`` (as another domain would send it)."""
    draft = make_notice_draft(
        person_id=person_id,
        kind="application_status",
        title=f"부모급여 신청을 접수했습니다 {uuid.uuid4().hex[:6]}",
        body="담당자가 확인하고 있습니다.\n결과는 전자 사서함으로 알려 드립니다.",
        link="/me",
    )
    with transaction(state_of(client).sessions) as session:
        return notices.send(session, draft)


def bill_for(client: TestClient, person_id: str, amount_won: int = 28_000) -> notices.Bill:
    """A bill committed for ``person_id`` (as an agency would issue it)."""
    draft = make_bill_draft(
        person_id=person_id, agency="국민건강보험공단", title="2025년 6월 건강보험료", amount_won=amount_won
    )
    with transaction(state_of(client).sessions) as session:
        return notices.issue_bill(session, draft)


def assert_page(response: Response, status: int = 200) -> str:
    """A Korean page with a title, one h1, a CSP nonce, and no stack trace."""
    assert response.status_code == status, response.text
    html = response.text
    assert '<html lang="ko">' in html
    assert re.search(r"<title>[^<]+ \| 나라</title>", html)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert "nonce-" in response.headers["content-security-policy"]
    assert "Traceback" not in html
    return html


def receipt(client: TestClient, person_id: str, notice_id: str) -> datetime | None:
    with state_of(client).sessions() as session:
        return next(n.read_at for n in notices.inbox(session, person_id, limit=500) if n.id == notice_id)


def unread(client: TestClient, person_id: str) -> int:
    with state_of(client).sessions() as session:
        return notices.unread_count(session, person_id)


def payments_of(client: TestClient, bill_id: str) -> int:
    with state_of(client).sessions() as session:
        return int(session.scalar(select(func.count()).where(PaymentRow.bill_id == bill_id)) or 0)


def api(client: TestClient, person_id: str, scope: str = "mydata") -> dict[str, str]:
    return bearer(token_for(client, person_id, scope=scope))


def test_without_sign_in_pages_redirect_and_the_api_says_401(client: TestClient) -> None:
    client.cookies.clear()
    for path in ("/me/notices", "/me/bills", "/me/notices/settings"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/sign-in?next=")
    response = client.get("/api/v1/me/notices")
    assert (response.status_code, response.headers["content-type"]) == (401, PROBLEM)


def test_the_inbox_shows_unread_in_words_and_opening_records_the_receipt(client: TestClient) -> None:
    with signed_in(client, PAGES):
        sent = give(client, PAGES)
        waiting = unread(client, PAGES)
        page = client.get("/me/notices")
        assert "<h1>전자 사서함</h1>" in assert_page(page)
        assert f"안 읽은 알림 <strong>{waiting}건</strong>" in page.text
        assert f"전자 사서함 (안 읽음 {waiting}건)" in page.text  # the site's menu says it too
        assert f"<strong>[안 읽음]</strong> {sent.title}" in page.text
        assert sent.title in client.get("/me/notices?unread=true").text
        opened = client.get(f"/me/notices/{sent.id}")
        assert f"<h1>{sent.title}</h1>" in assert_page(opened)
        assert "처음 읽은 때" in opened.text
        assert "서울특별시 종로구 청운효자동 행정복지센터" in opened.text
        assert unread(client, PAGES) == waiting - 1
        later = client.get("/me/notices")
        assert f"<strong>[안 읽음]</strong> {sent.title}" not in later.text
        assert sent.title not in client.get("/me/notices?unread=true").text
        first = receipt(client, PAGES, sent.id)
        assert first is not None
        assert notices.korean_time(first) in opened.text  # 처음 읽은 때, in Korean time
        client.get(f"/me/notices/{sent.id}")  # opened again: the receipt keeps the first time
        assert receipt(client, PAGES, sent.id) == first


def test_another_citizens_notice_and_bill_are_not_found(client: TestClient) -> None:
    theirs, their_bill = give(client, OTHER), bill_for(client, OTHER)
    with signed_in(client, PAGES):
        missing = client.get(f"/me/notices/{theirs.id}")
        assert "찾으시는 알림이 없습니다" in assert_page(missing, 404)
        assert "찾으시는 고지서가 없습니다" in assert_page(client.get(f"/me/bills/{their_bill.id}"), 404)
        assert theirs.title not in client.get("/me/notices").text
        token = csrf_of(client.get("/me/bills").text)
        paid = client.post(
            f"/me/bills/{their_bill.id}/payment",
            data={"csrf_token": token, "idempotency_key": uuid.uuid4().hex},
            follow_redirects=False,
        )
        assert paid.status_code == 404
    mine = api(client, API)
    for response in (
        client.post(f"/api/v1/me/notices/{theirs.id}/read", headers=mine),
        client.get(f"/api/v1/me/bills/{their_bill.id}", headers=mine),
        client.post(
            f"/api/v1/me/bills/{their_bill.id}/payment", headers=mine | {"Idempotency-Key": uuid.uuid4().hex}
        ),
    ):
        assert (response.status_code, response.headers["content-type"]) == (404, PROBLEM)
        assert response.json()["code"] in {"notices.not_found", "notices.bill_not_found"}
        assert theirs.title not in response.text
    assert theirs.id not in client.get("/api/v1/me/notices", headers=mine).text
    with state_of(client).sessions() as session:
        assert next(n for n in notices.inbox(session, OTHER, limit=500) if n.id == theirs.id).read_at is None
        assert notices.bill(session, OTHER, their_bill.id).status == "unpaid"


def test_paying_from_the_page_pays_once_and_shows_the_receipt(client: TestClient) -> None:
    bill = bill_for(client, PAGES)
    with signed_in(client, PAGES):
        page = client.get(f"/me/bills/{bill.id}")
        assert "납부하기" in assert_page(page)
        assert "28,000원" in page.text
        assert "모의 결제" in page.text  # the simulated gateway says so
        other_tab = client.get(f"/me/bills/{bill.id}")
        form = {"csrf_token": csrf_of(page.text), "idempotency_key": hidden(page.text, "idempotency_key")}
        assert hidden(other_tab.text, "idempotency_key") != form["idempotency_key"]
        first = client.post(f"/me/bills/{bill.id}/payment", data=form, follow_redirects=False)
        second = client.post(
            f"/me/bills/{bill.id}/payment", data=form, follow_redirects=False
        )  # double click
        assert (first.status_code, first.headers["location"]) == (303, f"/me/bills/{bill.id}?done=paid")
        assert (second.status_code, second.headers["location"]) == (303, f"/me/bills/{bill.id}?done=paid")
        done = client.get(first.headers["location"])
        assert "납부 완료" in assert_page(done)
        assert "영수증 번호" in done.text
        assert "납부한 때" in done.text
        assert re.search(r"SIM-[0-9A-F]{12}", done.text)
        assert 'action="/me/bills/' not in done.text  # no payment form any more
        stale = {
            "csrf_token": form["csrf_token"],
            "idempotency_key": hidden(other_tab.text, "idempotency_key"),
        }
        again = client.post(f"/me/bills/{bill.id}/payment", data=stale, follow_redirects=False)
        assert again.headers["location"] == f"/me/bills/{bill.id}?done=already"
        assert "이미 납부되어 다시 납부하지 않았습니다" in assert_page(client.get(again.headers["location"]))
        assert "납부 완료" in assert_page(client.get("/me/bills"))
        forged = client.post(
            f"/me/bills/{bill.id}/payment", data={"idempotency_key": uuid.uuid4().hex}, follow_redirects=False
        )
        assert forged.status_code == 403  # no CSRF token, no payment
    assert payments_of(client, bill.id) == 1


def test_a_declined_payment_says_why_and_leaves_the_bill_unpaid(client: TestClient) -> None:
    gateway = state_of(client).payment_gateway
    assert isinstance(gateway, notices.SimulatedGateway)
    gateway.decline(31_337)
    bill = bill_for(client, PAGES, amount_won=31_337)
    with signed_in(client, PAGES):
        page = client.get(f"/me/bills/{bill.id}")
        form = {"csrf_token": csrf_of(page.text), "idempotency_key": hidden(page.text, "idempotency_key")}
        declined = client.post(f"/me/bills/{bill.id}/payment", data=form, follow_redirects=False)
        assert "결제가 승인되지 않았습니다" in assert_page(declined, 402)
        assert "아직 납부되지 않았습니다" in declined.text
        assert hidden(declined.text, "idempotency_key") != form["idempotency_key"]  # a fresh attempt
    response = client.post(
        f"/api/v1/me/bills/{bill.id}/payment",
        headers=api(client, PAGES) | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert (response.status_code, response.json()["code"]) == (402, "notices.payment_declined")
    assert payments_of(client, bill.id) == 0


def test_a_gateway_without_an_answer_keeps_the_attempt_so_trying_again_pays_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = state_of(client).payment_gateway
    assert isinstance(gateway, notices.SimulatedGateway)
    charge = gateway.charge

    def charged_but_no_answer(reference: str, amount_won: int, key: str) -> notices.GatewayReceipt:
        charge(reference, amount_won, key)  # the money moved, then the connection dropped
        raise TimeoutError("gateway timed out")

    bill = bill_for(client, PAGES, amount_won=27_182)
    with signed_in(client, PAGES):
        page = client.get(f"/me/bills/{bill.id}")
        form = {"csrf_token": csrf_of(page.text), "idempotency_key": hidden(page.text, "idempotency_key")}
        with monkeypatch.context() as patched:
            patched.setattr(gateway, "charge", charged_but_no_answer)
            failed = client.post(f"/me/bills/{bill.id}/payment", data=form, follow_redirects=False)
        assert "지금은 결제를 처리할 수 없습니다" in assert_page(failed, 503)
        assert "아직 납부되지 않았습니다" in failed.text
        assert hidden(failed.text, "idempotency_key") == form["idempotency_key"]  # the same attempt
        retried = client.post(f"/me/bills/{bill.id}/payment", data=form, follow_redirects=False)
        assert retried.headers["location"] == f"/me/bills/{bill.id}?done=paid"
    assert payments_of(client, bill.id) == 1
    assert len([c for c in gateway.charges() if c.reference == bill.id]) == 1  # charged once


def test_channel_settings_send_later_notices_to_the_simulated_outbox(client: TestClient) -> None:
    outbox = state_of(client).settings.notices_outbox_dir
    with signed_in(client, CHOOSER):
        page = client.get("/me/notices/settings")
        assert "<h1>알림 받을 곳</h1>" in assert_page(page)
        phone = registry.mobile_phone(CHOOSER)
        assert f"{phone[:3]}-****-{phone[-4:]}" in page.text
        assert "simulated" in page.text
        token = csrf_of(page.text)
        assert client.post("/me/notices/settings", data={"sms": "on"}).status_code == 403
        bad = client.post(
            "/me/notices/settings",
            data={"csrf_token": token, "sms": "on", "email_on": "on", "email": "not-an-address"},
        )
        assert "전자우편 주소가 올바르지 않습니다" in assert_page(bad, 422)
        assert 'aria-invalid="true"' in bad.text
        assert 'value="not-an-address"' in bad.text  # what was typed stays, to be corrected
        saved = client.post(
            "/me/notices/settings",
            data={"csrf_token": token, "sms": "on", "email_on": "on", "email": "chooser@example.com"},
            follow_redirects=False,
        )
        assert saved.headers["location"] == "/me/notices/settings?done=saved"
        assert "저장했습니다" in client.get(saved.headers["location"]).text
    with state_of(client).sessions() as session:
        choice = notices.channel_choice(session, CHOOSER)
    assert (choice.sms_phone, choice.email) == (phone, "chooser@example.com")
    bill = bill_for(client, CHOOSER)
    paid = client.post(
        f"/api/v1/me/bills/{bill.id}/payment",
        headers=api(client, CHOOSER) | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert paid.status_code == 201  # … and the outbox is delivered after the commit
    sms = [json.loads(line) for line in (outbox / "notices-sms.jsonl").read_text().splitlines()]
    mail = [json.loads(line) for line in (outbox / "notices-email.jsonl").read_text().splitlines()]
    with state_of(client).sessions() as session:
        ids = {n.id for n in notices.inbox(session, CHOOSER)}
    assert len([m for m in sms if m["notice_id"] in ids and m["to"] == phone]) == 2  # bill issued + paid
    assert len([m for m in mail if m["notice_id"] in ids and m["to"] == "chooser@example.com"]) == 2
    assert all(m["simulated"] is True for m in sms + mail)


def test_the_api_lists_reads_and_pays_once(client: TestClient) -> None:
    mine = api(client, API)
    sent = give(client, API)
    listed = client.get("/api/v1/me/notices", headers=mine).json()
    assert listed["unread"] >= 1
    assert listed["total"] >= 1
    entry = next(n for n in listed["notices"] if n["id"] == sent.id)
    assert (entry["read_at"], entry["kind"], entry["kind_label"]) == (
        None,
        "application_status",
        "신청 진행 안내",
    )
    read = client.post(f"/api/v1/me/notices/{sent.id}/read", headers=mine).json()
    assert read["read_at"] is not None
    assert (
        client.post(f"/api/v1/me/notices/{sent.id}/read", headers=mine).json()["read_at"] == read["read_at"]
    )
    unread_only = client.get("/api/v1/me/notices?unread_only=true&limit=100", headers=mine).json()
    assert sent.id not in {n["id"] for n in unread_only["notices"]}

    bill = bill_for(client, API)
    bills = client.get("/api/v1/me/bills", headers=mine).json()["bills"]
    assert next(b for b in bills if b["id"] == bill.id)["status"] == "unpaid"
    path = f"/api/v1/me/bills/{bill.id}/payment"
    missing = client.post(path, headers=mine)
    assert (missing.status_code, missing.headers["content-type"]) == (422, PROBLEM)
    attempt = {"Idempotency-Key": uuid.uuid4().hex}
    first = client.post(path, headers=mine | attempt)
    again = client.post(path, headers=mine | attempt)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert first.json()["amount_won"] == 28_000
    other = client.post(path, headers=mine | {"Idempotency-Key": uuid.uuid4().hex})
    assert (other.status_code, other.headers["content-type"]) == (409, PROBLEM)
    assert other.json()["code"] == "notices.bill_paid"
    assert other.json()["title"] == "이미 납부한 고지서입니다."
    assert "이미 납부되었습니다" in other.json()["detail"]
    assert "Traceback" not in other.text
    shown = client.get(f"/api/v1/me/bills/{bill.id}", headers=mine).json()
    assert (shown["status"], shown["payment"]["id"]) == ("paid", first.json()["id"])
    assert payments_of(client, bill.id) == 1


def test_the_api_needs_the_mydata_scope(client: TestClient) -> None:
    response = client.get("/api/v1/me/notices", headers=api(client, API, scope="openid"))
    assert (response.status_code, response.json()["code"]) == (403, "access.insufficient_scope")
