"""Bills (고지서): issued once per key with a notice, paid exactly once — by key, by lock, by constraint."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tests.factories import make_bill_draft, make_person_id

from nara import notices
from nara.kernel.clock import utcnow
from nara.kernel.db import session_factory, transaction
from nara.notices.models import BillRow, NoticeRow, PaymentRow


def bill_draft(person_id: str, **changes: Any) -> notices.BillDraft:
    return make_bill_draft(person_id=person_id, **changes)


def key() -> str:
    return uuid.uuid4().hex


def payments_of(session: Session, bill_id: str) -> int:
    return int(session.scalar(select(func.count()).where(PaymentRow.bill_id == bill_id)) or 0)


def test_issuing_a_bill_sends_a_payment_notice_once(session: Session) -> None:
    citizen = make_person_id()
    draft = bill_draft(citizen)
    issued = notices.issue_bill(session, draft)
    assert (issued.status, issued.paid, issued.payment, issued.amount_won) == ("unpaid", False, None, 145_600)
    assert notices.issue_bill(session, draft) == issued
    (notice,) = notices.inbox(session, citizen)
    assert (notice.id, notice.kind, notice.link) == (issued.notice_id, "payment", f"/me/bills/{issued.id}")
    assert notice.sender == "서울특별시 종로구청"
    assert "145,600원" in notice.body
    assert "2025년 7월 31일" in notice.body
    assert notices.bills_of(session, citizen) == [issued]
    assert notices.bill(session, citizen, issued.id) == issued


@pytest.mark.parametrize(
    ("change", "field"),
    [({"amount_won": 0}, "amount_won"), ({"amount_won": -5}, "amount_won"), ({"title": ""}, "title")],
)
def test_a_bad_bill_is_refused(session: Session, change: dict[str, Any], field: str) -> None:
    with pytest.raises(notices.NoticeInvalid) as invalid:
        notices.issue_bill(session, bill_draft(make_person_id(), **change))
    assert invalid.value.fields["field"] == field


def test_a_bill_is_paid_once_and_the_same_key_returns_the_same_payment(session: Session) -> None:
    citizen, gateway = make_person_id(), notices.SimulatedGateway()
    issued = notices.issue_bill(session, bill_draft(citizen))
    attempt = key()
    paid = notices.pay(session, citizen, issued.id, gateway, attempt)
    assert (paid.bill_id, paid.amount_won, paid.idempotency_key) == (issued.id, 145_600, attempt)
    assert paid.receipt_number.startswith("SIM-")
    assert notices.pay(session, citizen, issued.id, gateway, attempt) == paid  # a double click
    with pytest.raises(notices.BillAlreadyPaid) as again:
        notices.pay(session, citizen, issued.id, gateway, key())  # another tab, another key
    assert (again.value.code, again.value.status) == ("notices.bill_paid", 409)
    assert payments_of(session, issued.id) == 1
    assert len(gateway.charges()) == 1
    now_paid = notices.bill(session, citizen, issued.id)
    assert (now_paid.status, now_paid.payment, now_paid.paid_at) == ("paid", paid, paid.paid_at)
    assert [n.title for n in notices.notices_with_key(session, citizen, "paid:")] == [
        "2025년 7월 자동차세 납부가 끝났습니다"
    ]


def test_a_key_is_for_one_bill(session: Session) -> None:
    citizen, gateway, attempt = make_person_id(), notices.SimulatedGateway(), key()
    first = notices.issue_bill(session, bill_draft(citizen))
    second = notices.issue_bill(session, bill_draft(citizen))
    notices.pay(session, citizen, first.id, gateway, attempt)
    with pytest.raises(notices.IdempotencyKeyReused) as reused:
        notices.pay(session, citizen, second.id, gateway, attempt)
    assert reused.value.status == 409
    assert notices.bill(session, citizen, second.id).status == "unpaid"
    with pytest.raises(notices.NoticeInvalid):
        notices.pay(session, citizen, second.id, gateway, "short")


def test_a_declined_charge_leaves_the_bill_unpaid_with_the_reason(session: Session) -> None:
    citizen, gateway = make_person_id(), notices.SimulatedGateway()
    gateway.decline(99_990)
    issued = notices.issue_bill(session, bill_draft(citizen, amount_won=99_990))
    with pytest.raises(notices.PaymentDeclined) as declined:
        notices.pay(session, citizen, issued.id, gateway, key())
    assert (declined.value.code, declined.value.status) == ("notices.payment_declined", 402)
    assert "카드사에서 승인을 거절했습니다" in declined.value.detail
    after = notices.bill(session, citizen, issued.id)
    assert (after.status, after.paid_at, after.payment) == ("unpaid", None, None)
    assert payments_of(session, issued.id) == 0
    assert gateway.charges() == []
    gateway.decline_amounts.clear()
    assert notices.pay(session, citizen, issued.id, gateway, key()).amount_won == 99_990  # a new attempt


class LostAnswer(notices.SimulatedGateway):
    """Charges, then loses the answer once (a timeout after the money moved), like a real network."""

    lost = False

    def charge(self, reference: str, amount_won: int, idempotency_key: str) -> notices.GatewayReceipt:
        receipt = super().charge(reference, amount_won, idempotency_key)
        if not self.lost:
            self.lost = True
            raise TimeoutError("no answer from the gateway")
        return receipt


def test_a_gateway_without_an_answer_leaves_the_bill_unpaid_and_the_same_key_pays_once(
    session: Session,
) -> None:
    citizen, gateway, attempt = make_person_id(), LostAnswer(), key()
    issued = notices.issue_bill(session, bill_draft(citizen))
    with pytest.raises(notices.PaymentUnavailable) as unavailable:
        notices.pay(session, citizen, issued.id, gateway, attempt)
    assert (unavailable.value.code, unavailable.value.status) == ("notices.payment_unavailable", 503)
    assert "다시 납부해 주세요" in unavailable.value.detail
    assert notices.bill(session, citizen, issued.id).status == "unpaid"
    assert payments_of(session, issued.id) == 0
    paid = notices.pay(session, citizen, issued.id, gateway, attempt)  # the retry, with the same key
    assert paid.receipt_number == gateway.charges()[0].receipt_number
    assert len(gateway.charges()) == 1  # the money moved once


def test_the_gateway_never_charges_one_key_twice() -> None:
    gateway = notices.SimulatedGateway()
    first = gateway.charge("B-1", 1000, "B-1:abcdefgh")
    assert gateway.charge("B-1", 1000, "B-1:abcdefgh") == first
    with pytest.raises(ValueError, match="idempotency key reused"):
        gateway.charge("B-2", 1000, "B-1:abcdefgh")
    assert len(gateway.charges()) == 1


def test_nobody_sees_or_pays_another_citizens_bill(session: Session) -> None:
    owner, other, gateway = make_person_id(), make_person_id(), notices.SimulatedGateway()
    issued = notices.issue_bill(session, bill_draft(owner))
    assert notices.bills_of(session, other) == []
    for attempt in (
        lambda: notices.bill(session, other, issued.id),
        lambda: notices.pay(session, other, issued.id, gateway, key()),
    ):
        with pytest.raises(notices.BillNotFound) as missing:
            attempt()
        assert (missing.value.code, missing.value.status) == ("notices.bill_not_found", 404)
    assert notices.bill(session, owner, issued.id).status == "unpaid"
    assert gateway.charges() == []


def test_the_database_allows_one_payment_per_bill(session: Session) -> None:
    citizen = make_person_id()
    issued = notices.issue_bill(session, bill_draft(citizen))
    notices.pay(session, citizen, issued.id, notices.SimulatedGateway(), key())
    forged = {
        "id": "P-forged",
        "bill_id": issued.id,
        "person_id": citizen,
        "idempotency_key": key(),
        "amount_won": 1,
        "receipt_number": "X",
        "paid_at": utcnow(),
    }
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(insert(PaymentRow).values(**forged))


class SlowGateway(notices.SimulatedGateway):
    """Holds the charge open long enough for the other thread to reach the bill's row lock."""

    def charge(self, reference: str, amount_won: int, idempotency_key: str) -> notices.GatewayReceipt:
        time.sleep(0.3)
        return super().charge(reference, amount_won, idempotency_key)


@pytest.mark.parametrize("same_key", [False, True], ids=["two-tabs", "double-click"])
def test_two_concurrent_payments_make_one(engine: Engine, same_key: bool) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time; concurrent row locking is a PostgreSQL matter")
    sessions, gateway, citizen = session_factory(engine), SlowGateway(), make_person_id()
    with transaction(sessions) as session:
        issued = notices.issue_bill(session, bill_draft(citizen))
    keys = [key()] * 2 if same_key else [key(), key()]
    start, outcomes = threading.Barrier(2), []

    def attempt(attempt_key: str) -> None:
        start.wait()
        try:
            with transaction(sessions) as own:
                outcomes.append(notices.pay(own, citizen, issued.id, gateway, attempt_key))
        except notices.BillAlreadyPaid as refused:
            outcomes.append(refused)

    threads = [threading.Thread(target=attempt, args=(k,)) for k in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    try:
        payments = [o for o in outcomes if isinstance(o, notices.Payment)]
        with sessions() as session:
            assert payments_of(session, issued.id) == 1
        assert len(gateway.charges()) == 1
        if same_key:
            assert len(payments) == 2
            assert payments[0] == payments[1]
        else:
            assert len(payments) == 1
            assert [type(o) for o in outcomes if o not in payments] == [notices.BillAlreadyPaid]
    finally:
        with transaction(sessions) as session:
            session.execute(delete(PaymentRow).where(PaymentRow.person_id == citizen))
            session.execute(delete(BillRow).where(BillRow.person_id == citizen))
            session.execute(delete(NoticeRow).where(NoticeRow.person_id == citizen))
