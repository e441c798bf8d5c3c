"""전자 사서함 JSON API: the signed-in citizen's notices and bills, and paying a bill exactly once.

Bearer token with scope ``mydata``; the citizen comes from the token, never from a parameter. Paying
needs an ``Idempotency-Key`` header: the same key again returns the same payment (201), another key on a
paid bill is 409 ``notices.bill_paid``, a declined charge is 402 ``notices.payment_declined``, a gateway
that did not answer is 503 ``notices.payment_unavailable`` (retry with the same key: never charged twice).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Header, Path, Query, Request
from pydantic import BaseModel, Field

from nara import identity, notices
from nara.kernel.db import transaction
from nara.web.access import allow
from nara.web.api import PROBLEM_RESPONSES
from nara.web.deps import app_state
from nara.web.notices_pages import deliver_outbox, person_of

router = APIRouter(prefix="/api/v1/me", tags=["notices"], responses=PROBLEM_RESPONSES)
Reader = Annotated[
    identity.Principal, allow("citizen", purpose="notices_read", scopes=("mydata",), csrf=False)
]
Payer = Annotated[identity.Principal, allow("citizen", purpose="pay_bill", scopes=("mydata",), csrf=False)]
_SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: PROBLEM_RESPONSES[404] | {"description": "접근 토큰 필요 (Authorization: Bearer)"},
    403: PROBLEM_RESPONSES[404] | {"description": "권한(scope) 부족"},
}
_PAYING: dict[int | str, dict[str, Any]] = _SIGNED_IN | {
    402: PROBLEM_RESPONSES[404]
    | {"description": "결제 거절 (notices.payment_declined): 고지서는 미납 그대로"},
    409: PROBLEM_RESPONSES[404]
    | {"description": "이미 납부됨 (notices.bill_paid) 또는 다른 고지서에 쓴 요청 번호"},
    503: PROBLEM_RESPONSES[404]
    | {"description": "결제 응답 없음 (notices.payment_unavailable): 미납 그대로, 같은 키로 다시 시도"},
}
NoticeId = Annotated[str, Path(max_length=40, description="알림 번호 (N-…)")]
BillId = Annotated[str, Path(max_length=40, description="고지서 번호 (B-…)")]


class NoticePublic(BaseModel):
    id: str
    kind: str = Field(description="application_status | decision | supplement_request | payment | proactive")
    kind_label: str
    title: str
    body: str
    sender: str = Field(description="보낸 기관")
    link: str | None = Field(description="포털 안의 관련 화면 주소")
    created_at: datetime
    read_at: datetime | None = Field(description="처음 읽은 때 (열람 확인); 안 읽었으면 null")


class InboxPublic(BaseModel):
    unread: int = Field(description="안 읽은 알림 수")
    total: int = Field(description="조건에 맞는 알림 수")
    notices: list[NoticePublic]


class PaymentPublic(BaseModel):
    id: str
    bill_id: str
    amount_won: int
    receipt_number: str
    paid_at: datetime


class BillPublic(BaseModel):
    id: str
    agency: str
    title: str
    amount_won: int
    due_date: date
    status: str = Field(description="unpaid | paid")
    issued_at: datetime
    paid_at: datetime | None
    payment: PaymentPublic | None


class BillsPublic(BaseModel):
    bills: list[BillPublic]


@router.get("/notices", summary="전자 사서함 (최근 것부터)", response_model=InboxPublic, responses=_SIGNED_IN)
def my_notices(
    request: Request,
    principal: Reader,
    unread_only: Annotated[bool, Query(description="안 읽은 알림만")] = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> InboxPublic:
    person = person_of(principal)
    with app_state(request).sessions() as session:
        shown = notices.inbox(session, person, unread_only=unread_only, limit=limit, offset=offset)
        return InboxPublic(
            unread=notices.unread_count(session, person),
            total=notices.count(session, person, unread_only=unread_only),
            notices=[_notice(notice) for notice in shown],
        )


@router.post(
    "/notices/{notice_id}/read",
    summary="알림 읽기 (처음 읽은 때를 기록)",
    response_model=NoticePublic,
    responses=_SIGNED_IN,
)
def read_notice(request: Request, principal: Reader, notice_id: NoticeId) -> NoticePublic:
    with transaction(app_state(request).sessions) as session:
        return _notice(notices.read(session, person_of(principal), notice_id))


@router.get("/bills", summary="내 고지서", response_model=BillsPublic, responses=_SIGNED_IN)
def my_bills(request: Request, principal: Reader) -> BillsPublic:
    with app_state(request).sessions() as session:
        return BillsPublic(bills=[_bill(b) for b in notices.bills_of(session, person_of(principal))])


@router.get("/bills/{bill_id}", summary="고지서 한 건", response_model=BillPublic, responses=_SIGNED_IN)
def my_bill(request: Request, principal: Reader, bill_id: BillId) -> BillPublic:
    with app_state(request).sessions() as session:
        return _bill(notices.bill(session, person_of(principal), bill_id))


@router.post(
    "/bills/{bill_id}/payment",
    summary="고지서 납부 (Idempotency-Key 필수: 같은 키는 같은 납부를 돌려줌)",
    status_code=201,
    response_model=PaymentPublic,
    responses=_PAYING,
)
def pay_bill(
    request: Request,
    principal: Payer,
    background: BackgroundTasks,
    bill_id: BillId,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=8,
            max_length=100,
            pattern=r"^[A-Za-z0-9_\-:.]+$",
            description="이 납부 시도의 고유 번호 (예: UUID). 다시 보내도 한 번만 납부됩니다.",
        ),
    ],
) -> PaymentPublic:
    state = app_state(request)
    with transaction(state.sessions) as session:
        payment = notices.pay(session, person_of(principal), bill_id, state.payment_gateway, idempotency_key)
    background.add_task(deliver_outbox, state)
    return _payment(payment)


def _notice(notice: notices.Notice) -> NoticePublic:
    return NoticePublic(
        id=notice.id,
        kind=notice.kind,
        kind_label=notice.kind_label,
        title=notice.title,
        body=notice.body,
        sender=notice.sender,
        link=notice.link,
        created_at=notice.created_at,
        read_at=notice.read_at,
    )


def _payment(payment: notices.Payment) -> PaymentPublic:
    return PaymentPublic(
        id=payment.id,
        bill_id=payment.bill_id,
        amount_won=payment.amount_won,
        receipt_number=payment.receipt_number,
        paid_at=payment.paid_at,
    )


def _bill(found: notices.Bill) -> BillPublic:
    return BillPublic(
        id=found.id,
        agency=found.agency,
        title=found.title,
        amount_won=found.amount_won,
        due_date=found.due_date,
        status=found.status,
        issued_at=found.issued_at,
        paid_at=found.paid_at,
        payment=_payment(found.payment) if found.payment else None,
    )
