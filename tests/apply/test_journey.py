"""Done when (issue 7): a new mother signs in, starts 행복출산, sees which birth services her family gets
and why, submits once; each agency's official approves or rejects in the back office; she follows each
status and receives the notices. (The 복지멤버십 half — 기초연금 at 65, once — is tests/proactive.)"""

from __future__ import annotations

from fastapi.testclient import TestClient

from nara import apply, audit
from tests.apply.forms import submit
from tests.apply.making import typed_fields
from tests.apply.test_web import _answers, _start
from tests.identity.journeys import make_official, office_sign_in, signed_in, state_of

MOTHER = "SYN59"  # 1991-born, married, two children (2012, 2024): the baby is her third

BIRTH = apply.bundles()["birth"]


def _her_applications(client: TestClient) -> list[apply.Application]:
    with state_of(client).sessions() as session:
        return apply.applications_of(session, MOTHER)


def test_a_new_mother_applies_once_and_follows_every_decision(client: TestClient) -> None:
    with signed_in(client, MOTHER):
        _start(client)  # consents on the first visit
        page = client.get("/bundles/birth")
        review = submit(client, page, "/bundles/birth/check", **_answers("새봄"))
        assert "첫만남이용권" in review.text
        assert "한 번 300만 원" in review.text  # a third child: the second-or-later amount
        assert "받기 어려워요" in review.text  # a service she cannot get is shown with its reason…
        assert "받을 수 없는 서비스라 신청 목록에서 뺐어요" in review.text  # …and not offered
        done = submit(client, review, "/bundles/birth/submit", **typed_fields(BIRTH.all_services))
        assert "접수되었습니다" in done.text
    mine = [a for a in _her_applications(client) if "새봄" in a.beneficiary]
    offices = sorted({a.office for a in mine})
    assert mine
    decisions = {}
    for number, office in enumerate(offices, start=1):
        make_official(client, f"010-6100-{number:04d}", office, "decider")
        office_sign_in(client, f"010-6100-{number:04d}")
        assert "신청 심사" in client.get("/office").text
        queue = client.get(f"/office/queues/{office}").text
        for application in (a for a in mine if a.office == office):
            assert application.receipt_no in queue
            opened = client.get(f"/office/applications/{application.id}")
            assert "정보와 출처" in opened.text
            assert "주민등록 (행정안전부)" in opened.text
            approve = application.office.startswith("welfare_office")  # the 보건소 turns hers down
            change = {"decision": "approve"} if approve else {
                "decision": "reject", "reason_code": "facts_differ", "note": "출산 예정일과 실제 출산일이 달라 다시 확인이 필요합니다.",
            }  # fmt: skip
            decided = submit(client, opened, f"/office/applications/{application.id}/decide", **change)
            assert "신청인에게 알림이 갔어요" in decided.text
            again = submit(client, opened, f"/office/applications/{application.id}/decide", **change)
            assert again.status_code == 409
            assert "다른 처리가 먼저 있었습니다" in again.text
            decisions[application.id] = "승인" if approve else "반려"
            if approve:
                paid = submit(client, decided, f"/office/applications/{application.id}/complete")
                assert paid.status_code == 200
    _another_office_is_refused(client, mine[0])
    with signed_in(client, MOTHER):
        listing = client.get("/me/applications").text
        for application in mine:
            detail = client.get(f"/me/applications/{application.id}").text
            assert application.office_name in detail
            for step in ("접수", "검토중", decisions[application.id]):
                assert f"<strong>{step}</strong>" in detail
        assert "지급" in listing or "제공" in listing
        inbox = client.get("/me/notices").text
        assert "[승인]" in inbox
        assert "[반려]" in inbox
        rejected = next(a for a in mine if decisions[a.id] == "반려")
        why = client.get(f"/me/applications/{rejected.id}").text
        assert "확인한 사실이 신청 내용과 다릅니다" in why
        assert "실제 출산일이 달라" in why
    with state_of(client).sessions() as session:
        opened_by_officials = [e for e in audit.history(session, MOTHER, limit=500) if e.case_ref]
    assert {e.case_ref for e in opened_by_officials} >= {a.receipt_no for a in mine}


def _another_office_is_refused(client: TestClient, application: apply.Application) -> None:
    make_official(client, "010-6100-0099", "welfare_office-26110", "decider")
    office_sign_in(client, "010-6100-0099")
    refused = client.get(f"/office/applications/{application.id}")
    assert refused.status_code == 403
    assert "다른 기관의 업무는 볼 수 없습니다" in refused.text
    assert application.receipt_no not in refused.text
