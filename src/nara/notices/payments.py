"""고지서 and 납부: bills an agency issues to a citizen, and paying each of them exactly once.

Paying twice is made impossible four ways: the payment table allows one row per bill (unique
``bill_id``); the bill is claimed with ``UPDATE … SET status='paid' WHERE status='unpaid'`` before the
gateway is asked, so a concurrent attempt waits on the row lock and then finds it paid; the same
idempotency key returns the payment it already made; and the gateway is given an idempotency key too, so
even a retry after a lost answer does not charge again. A declined charge rolls back the claim (a
savepoint), leaving the bill unpaid with the gateway's reason; a gateway that fails or does not answer
rolls it back too (:class:`PaymentUnavailable`), and the same idempotency key is the one to retry with.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nara.kernel.clock import KOREA_OFFSET, utcnow
from nara.notices.bulk import insert_ignoring_duplicates
from nara.notices.errors import (
    BillAlreadyPaid,
    BillNotFound,
    IdempotencyKeyReused,
    NoticeInvalid,
    PaymentDeclined,
    PaymentUnavailable,
)
from nara.notices.models import BillRow, PaymentRow
from nara.notices.services import NoticeDraft, send

logger = logging.getLogger("nara.notices.payments")
UNPAID, PAID = "unpaid", "paid"
MAX_AMOUNT_WON = 10**12
_KEY = re.compile(r"^[A-Za-z0-9_\-:.]{8,100}$")


@dataclass(frozen=True)
class BillDraft:
    """A bill to issue: who owes which agency how much, by when; ``dedupe_key`` makes issuing idempotent."""

    person_id: str
    agency: str
    title: str
    amount_won: int
    due_date: date
    dedupe_key: str


@dataclass(frozen=True)
class Payment:
    id: str
    bill_id: str
    person_id: str
    amount_won: int
    receipt_number: str
    idempotency_key: str
    paid_at: datetime


@dataclass(frozen=True)
class Bill:
    id: str
    person_id: str
    agency: str
    title: str
    amount_won: int
    due_date: date
    status: str  # unpaid | paid
    issued_at: datetime
    paid_at: datetime | None
    notice_id: str | None
    payment: Payment | None = None

    @property
    def paid(self) -> bool:
        return self.status == PAID

    def overdue(self, today: date) -> bool:
        return not self.paid and today > self.due_date


@dataclass(frozen=True)
class GatewayReceipt:
    """What a payment gateway answered: approved with a receipt number, or declined with a reason."""

    reference: str
    amount_won: int
    idempotency_key: str
    approved: bool
    receipt_number: str | None
    reason: str | None  # plain Korean, when declined
    at: datetime


class PaymentGateway(Protocol):
    """A card or bank-transfer gateway; the same ``idempotency_key`` must never be charged twice."""

    def charge(self, reference: str, amount_won: int, idempotency_key: str) -> GatewayReceipt: ...


@dataclass
class SimulatedGateway:
    """개발용 결제 대행: approves everything except the amounts it is told to decline; keeps its own
    charges by idempotency key, so the same key is charged once however often it is sent. No money moves."""

    decline_amounts: set[int] = field(default_factory=set)
    decline_reason: str = "카드사에서 승인을 거절했습니다. 잔액이나 한도를 확인한 뒤 다시 납부해 주세요."
    _receipts: dict[str, GatewayReceipt] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def decline(self, amount_won: int) -> None:
        """From now on, decline charges of exactly ``amount_won`` (for tests and demonstrations)."""
        self.decline_amounts.add(amount_won)

    def charge(self, reference: str, amount_won: int, idempotency_key: str) -> GatewayReceipt:
        with self._lock:
            earlier = self._receipts.get(idempotency_key)
            if earlier is not None:
                if (earlier.reference, earlier.amount_won) != (reference, amount_won):
                    raise ValueError("idempotency key reused for a different charge")
                return earlier
            approved = amount_won not in self.decline_amounts
            receipt = GatewayReceipt(
                reference=reference,
                amount_won=amount_won,
                idempotency_key=idempotency_key,
                approved=approved,
                receipt_number=f"SIM-{secrets.token_hex(6).upper()}" if approved else None,
                reason=None if approved else self.decline_reason,
                at=utcnow(),
            )
            self._receipts[idempotency_key] = receipt
            return receipt

    def charges(self) -> list[GatewayReceipt]:
        """Every approved charge (each idempotency key once)."""
        with self._lock:
            return [receipt for receipt in self._receipts.values() if receipt.approved]


def issue_bill(session: Session, draft: BillDraft) -> Bill:
    """Issue a bill and send the citizen a "payment" notice linking to it; idempotent by dedupe key
    (the bill already issued under that key is returned, paid or not)."""
    values = _bill_values(draft)
    existing = _bill_by_key(session, draft.person_id, draft.dedupe_key)
    if existing is not None:
        return _bill_view(session, existing)
    insert_ignoring_duplicates(session, BillRow, [values])
    row = session.get(BillRow, values["id"])
    if row is None:  # a concurrent transaction issued it first
        found = _bill_by_key(session, draft.person_id, draft.dedupe_key)
        assert found is not None
        return _bill_view(session, found)
    row.notice_id = send(session, _issued_notice(row)).id
    session.flush()
    return _bill_view(session, row)


def bills_of(session: Session, person_id: str) -> list[Bill]:
    """The citizen's bills, newest first, each with its payment if paid."""
    rows = list(
        session.scalars(
            select(BillRow)
            .where(BillRow.person_id == person_id)
            .order_by(BillRow.issued_at.desc(), BillRow.id.desc())
        )
    )
    payments = {
        payment.bill_id: _payment_view(payment)
        for payment in session.scalars(
            select(PaymentRow).where(PaymentRow.bill_id.in_([row.id for row in rows]))
        )
    }
    return [_bill_view(session, row, payments.get(row.id)) for row in rows]


def bill(session: Session, person_id: str, bill_id: str) -> Bill:
    """One of the citizen's bills; someone else's (or none) is :class:`BillNotFound`."""
    return _bill_view(session, _own_bill(session, person_id, bill_id))


def pay(
    session: Session, person_id: str, bill_id: str, gateway: PaymentGateway, idempotency_key: str
) -> Payment:
    """Pay one of the citizen's bills, at most once.

    The same ``idempotency_key`` again returns the same payment (a double click, a resubmitted form);
    a different attempt on a paid bill is :class:`BillAlreadyPaid`; a declined charge is
    :class:`PaymentDeclined` and the bill stays unpaid; a gateway failure is :class:`PaymentUnavailable`
    (unpaid; retry with the same key). Flushes, never commits."""
    key = _checked_key(idempotency_key)
    earlier = _payment_by_key(session, person_id, key)
    if earlier is not None:
        return _same_bill(earlier, bill_id)
    row = _own_bill(session, person_id, bill_id)
    if row.status == PAID:
        raise BillAlreadyPaid(_paid_detail(row))
    try:
        payment = _claim_and_charge(session, row, gateway, key)
    except _ClaimLost:
        earlier = _payment_by_key(session, person_id, key)  # a concurrent twin with the same key won
        if earlier is not None:
            return _same_bill(earlier, bill_id)
        session.refresh(row)
        raise BillAlreadyPaid(_paid_detail(row)) from None
    session.refresh(row)
    send(session, _paid_notice(row, payment))
    return payment


class _ClaimLost(Exception):
    """Another transaction paid (or is paying) this bill."""


def _claim_and_charge(session: Session, row: BillRow, gateway: PaymentGateway, key: str) -> Payment:
    """Inside a savepoint: claim the unpaid bill (row lock), charge, record; any failure undoes the claim."""
    with session.begin_nested():
        now = utcnow()
        claimed = session.execute(
            update(BillRow)
            .where(BillRow.id == row.id, BillRow.status == UNPAID)
            .values(status=PAID, paid_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise _ClaimLost()
        receipt = _charge(gateway, row, key)
        if not receipt.approved:
            raise PaymentDeclined(
                receipt.reason or "결제가 승인되지 않았습니다. 다른 결제 수단으로 다시 납부해 주세요.",
                bill_id=row.id,
            )
        payment = PaymentRow(
            id=f"P-{uuid.uuid4().hex}",
            bill_id=row.id,
            person_id=row.person_id,
            idempotency_key=key,
            amount_won=row.amount_won,
            receipt_number=receipt.receipt_number or f"NARA-{uuid.uuid4().hex[:12].upper()}",
            paid_at=now,
        )
        session.add(payment)
        session.flush()
    return _payment_view(payment)


def _charge(gateway: PaymentGateway, row: BillRow, key: str) -> GatewayReceipt:
    """Ask the gateway; a failure of any kind (unreachable, timed out) is :class:`PaymentUnavailable`."""
    try:
        return gateway.charge(row.id, row.amount_won, f"{row.id}:{key}")
    except Exception as error:  # an outside service: whatever it raised, the citizen hears the same
        logger.warning("payment gateway failed for bill %s: %s", row.id, type(error).__name__)
        raise PaymentUnavailable(
            "결제 대행 기관이 응답하지 않아 납부하지 못했습니다. 잠시 뒤 다시 납부해 주세요. "
            "같은 화면에서 다시 누르면 두 번 결제되지 않습니다.",
            bill_id=row.id,
        ) from error


def _checked_key(idempotency_key: str) -> str:
    if not _KEY.match(idempotency_key):
        raise NoticeInvalid(
            "요청 번호(Idempotency-Key)는 영문·숫자·_-:. 로 된 8~100자여야 합니다.", field="idempotency_key"
        )
    return idempotency_key


def _same_bill(payment: PaymentRow, bill_id: str) -> Payment:
    if payment.bill_id != bill_id:
        raise IdempotencyKeyReused(
            "납부할 때마다 새 요청 번호를 쓰세요. 화면을 새로 고친 뒤 다시 시도해 주세요."
        )
    return _payment_view(payment)


def _paid_detail(row: BillRow) -> str:
    when = f" ({korean_time(row.paid_at)})" if row.paid_at else ""
    return f"'{row.title}' 고지서는 이미 납부되었습니다{when}. 고지서 화면에서 납부 내역을 확인하세요."


def _own_bill(session: Session, person_id: str, bill_id: str) -> BillRow:
    row = session.get(BillRow, bill_id)
    if row is None or row.person_id != person_id:
        raise BillNotFound(f"고지서 {bill_id[:40]}을(를) 찾을 수 없습니다. 고지서 목록에서 다시 골라 주세요.")
    return row


def _bill_by_key(session: Session, person_id: str, dedupe_key: str) -> BillRow | None:
    query = select(BillRow).where(BillRow.person_id == person_id, BillRow.dedupe_key == dedupe_key)
    return session.scalars(query).first()


def _payment_by_key(session: Session, person_id: str, key: str) -> PaymentRow | None:
    query = select(PaymentRow).where(PaymentRow.person_id == person_id, PaymentRow.idempotency_key == key)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def _bill_values(draft: BillDraft) -> dict[str, Any]:
    texts = {"person_id": 80, "agency": 200, "title": 150, "dedupe_key": 190}
    for name, limit in texts.items():
        value = getattr(draft, name)
        if not value.strip() or len(value) > limit:
            raise NoticeInvalid(f"{name}은(는) 1~{limit}자여야 합니다.", field=name)
    amount = draft.amount_won
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT_WON:
        raise NoticeInvalid("금액은 1원 이상의 정수여야 합니다.", field="amount_won")
    return {
        "id": f"B-{uuid.uuid4().hex}",
        "person_id": draft.person_id,
        "agency": draft.agency.strip(),
        "title": draft.title.strip(),
        "amount_won": amount,
        "due_date": draft.due_date,
        "dedupe_key": draft.dedupe_key,
        "status": UNPAID,
        "issued_at": utcnow(),
        "paid_at": None,
        "notice_id": None,
    }


def _issued_notice(row: BillRow) -> NoticeDraft:
    return NoticeDraft(
        person_id=row.person_id,
        kind="payment",
        title=f"{row.title} 고지서가 왔습니다",
        body=(
            f"{row.agency}에서 고지서를 보냈습니다.\n"
            f"금액: {won(row.amount_won)}\n납부 기한: {korean_date(row.due_date)}\n"
            "나라 포털의 고지서 화면에서 바로 납부할 수 있습니다."
        ),
        sender=row.agency,
        link=f"/me/bills/{row.id}",
        dedupe_key=f"bill:{row.dedupe_key}",
    )


def _paid_notice(row: BillRow, payment: Payment) -> NoticeDraft:
    return NoticeDraft(
        person_id=row.person_id,
        kind="payment",
        title=f"{row.title} 납부가 끝났습니다",
        body=(
            f"{won(payment.amount_won)}을 납부했습니다.\n납부 시각: {korean_time(payment.paid_at)}\n"
            f"영수증 번호: {payment.receipt_number}"
        ),
        sender=row.agency,
        link=f"/me/bills/{row.id}",
        dedupe_key=f"paid:{row.id}",
    )


def won(amount: int) -> str:
    """An amount of won as Koreans write it.

    >>> won(1234500)
    '1,234,500원'
    """
    return f"{amount:,}원"


def korean_date(day: date) -> str:
    """A date as Koreans write it.

    >>> korean_date(date(2025, 3, 31))
    '2025년 3월 31일'
    """
    return f"{day.year}년 {day.month}월 {day.day}일"


def korean_time(moment: datetime) -> str:
    """A UTC moment as Korean local time, e.g. '2025년 3월 31일 09:05'."""
    local = moment + KOREA_OFFSET
    return f"{korean_date(local.date())} {local.hour:02d}:{local.minute:02d}"


def _bill_view(session: Session, row: BillRow, payment: Payment | None = None) -> Bill:
    if payment is None and row.status == PAID:
        found = session.scalars(select(PaymentRow).where(PaymentRow.bill_id == row.id)).first()
        payment = _payment_view(found) if found else None
    return Bill(
        id=row.id,
        person_id=row.person_id,
        agency=row.agency,
        title=row.title,
        amount_won=row.amount_won,
        due_date=row.due_date,
        status=row.status,
        issued_at=row.issued_at,
        paid_at=row.paid_at,
        notice_id=row.notice_id,
        payment=payment,
    )


def _payment_view(row: PaymentRow) -> Payment:
    return Payment(
        id=row.id,
        bill_id=row.bill_id,
        person_id=row.person_id,
        amount_won=row.amount_won,
        receipt_number=row.receipt_number,
        idempotency_key=row.idempotency_key,
        paid_at=row.paid_at,
    )
