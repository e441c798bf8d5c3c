"""Done when (issue #8): a citizen signs in and gets a 주민등록표 등본; a bank asks for the address only;
the citizen discloses just that; the bank sees it verified; the issuer revokes it; the next presentation
fails with a clear reason; the history shows all of it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.identity.journeys import csrf_of, make_official, office_sign_in, signed_in, state_of
from tests.wallet.walletflow import a_minute_later, issue, new_request, present, verifier_browser

from nara import audit

CITIZEN = "SYN7"


def test_the_whole_journey(client: TestClient) -> None:
    bank = verifier_browser(client)
    with signed_in(client, CITIZEN):
        issue(client)
        wallet = client.get("/wallet").text
        assert "주민등록표 등본" in wallet
        assert "상태: <strong>유효</strong>" in wallet

    request_page, same_device = new_request(bank)
    with signed_in(client, CITIZEN):
        choose = client.get(same_device).text
        assert re.search(r'id="c-address" name="claims" value="address" checked', choose)
        assert not re.search(r'value="name" checked', choose)  # only what was asked is pre-ticked
        result = present(client, same_device, ["address"])
        assert "제출했습니다" in result
    seen = bank.get(request_page).text
    assert "확인되었습니다" in seen
    assert "주소" in seen
    assert "성명" not in seen.split('id="result"')[1]

    make_official(client, "010-7100-0001", "resident", "decider")
    office_sign_in(client, "010-7100-0001")
    listed = client.get(f"/office/wallet?person={CITIZEN}").text
    batch = re.search(r'action="/office/wallet/([^/]+)/status"', listed)
    assert batch, listed
    revoked = client.post(
        f"/office/wallet/{batch.group(1)}/status",
        data={"csrf_token": csrf_of(listed), "action": "revoke", "reason": "주소 변경 신고"},
    )
    assert "폐기했습니다" in revoked.text
    client.cookies.clear()

    a_minute_later(client)  # the bank's cached status list has reached its ttl
    request_page, same_device = new_request(bank)
    with signed_in(client, CITIZEN):
        result = present(client, same_device, ["address"])
        assert "제출하지 못했습니다" in result
        assert "발급기관이 폐기한 증명서입니다" in result
        history = client.get("/wallet/history").text
        for what in ("발급받음", "제출함", "영수증 받음", "폐기됨", "제출 실패"):
            assert what in history, what
        log = client.get("/me/access-log").text
        assert "주민등록표 등본 · 주소" in log
    failed = bank.get(request_page).text
    assert "확인하지 못했습니다" in failed
    assert "폐기한 증명서" in failed

    with state_of(client).sessions() as session:
        records = [e for e in audit.history(session, CITIZEN, limit=50) if e.actor.startswith("verifier:")]
    assert [r.outcome for r in records[:2]] == ["refused", "granted"]
