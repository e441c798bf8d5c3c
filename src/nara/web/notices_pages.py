"""전자 사서함 pages: notices, the channels they also go to, bills and paying them (no JavaScript needed).

The citizen is always the signed-in one. Opening a notice records its read receipt. The payment form
carries a one-time idempotency key, so a double click or a resubmitted form pays once (after a gateway
that did not answer, the form keeps the same key, so trying again cannot charge twice); after paying the
browser is sent (303) to the bill, which shows 납부 완료 with the time and receipt number. Messages on the
citizen's extra channels are sent after the transaction commits (a background task).
"""

from __future__ import annotations

import logging
import math
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nara import identity, notices
from nara.kernel.clock import today
from nara.kernel.db import transaction
from nara.web.access import allow, form_page
from nara.web.deps import app_state
from nara.web.state import AppState

logger = logging.getLogger("nara.web.notices")
router = APIRouter(include_in_schema=False)
Reader = Annotated[identity.Principal, allow("citizen", purpose="notices_read")]
Chooser = Annotated[identity.Principal, allow("citizen", purpose="notices_settings")]
Payer = Annotated[identity.Principal, allow("citizen", purpose="pay_bill")]
PAGE_SIZE = 20


def person_of(principal: identity.Principal) -> str:
    assert principal.person_id is not None  # every citizen account is tied to a resident
    return principal.person_id


def deliver_outbox(state: AppState) -> int:
    """Send what waits in the notices outbox on the configured channels (run after a commit)."""
    try:
        with transaction(state.sessions) as session:
            return notices.deliver_pending(session, state.notice_channels)
    except Exception:  # a background task: the citizen's request already succeeded; the rows stay pending
        logger.exception("notices outbox: delivery run failed")
        return 0


def new_payment_key() -> str:
    return secrets.token_urlsafe(24)


def notice_view(notice: notices.Notice) -> dict[str, Any]:
    """A notice in display form (times in Korean local time)."""
    return {
        "id": notice.id,
        "kind": notice.kind,
        "kind_label": notice.kind_label,
        "title": notice.title,
        "body": notice.body,
        "sender": notice.sender,
        "link": notice.link,
        "unread": notice.unread,
        "received": notices.korean_time(notice.created_at),
        "read": notices.korean_time(notice.read_at) if notice.read_at else None,
        "created_at": notice.created_at.isoformat(timespec="seconds"),
        "read_at": notice.read_at.isoformat(timespec="seconds") if notice.read_at else None,
    }


def bill_view(bill: notices.Bill) -> dict[str, Any]:
    """A bill in display form, with its payment (if paid)."""
    payment = bill.payment
    return {
        "id": bill.id,
        "agency": bill.agency,
        "title": bill.title,
        "amount_won": bill.amount_won,
        "amount": notices.won(bill.amount_won),
        "due_date": bill.due_date.isoformat(),
        "due": notices.korean_date(bill.due_date),
        "status": bill.status,
        "status_label": "납부 완료" if bill.paid else ("기한 지남" if bill.overdue(today()) else "미납"),
        "issued": notices.korean_time(bill.issued_at),
        "notice_id": bill.notice_id,
        "payment": payment_view(payment) if payment else None,
    }


def payment_view(payment: notices.Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "bill_id": payment.bill_id,
        "amount_won": payment.amount_won,
        "receipt_number": payment.receipt_number,
        "paid_at": payment.paid_at.isoformat(timespec="seconds"),
        "paid": notices.korean_time(payment.paid_at),
    }


def _unread(session: Session, person: str) -> int:
    return notices.unread_count(session, person)


@router.get("/me/notices", response_class=HTMLResponse, response_model=None)
def my_notices(
    request: Request,
    principal: Reader,
    unread: Annotated[bool, Query()] = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    person = person_of(principal)
    with app_state(request).sessions() as session:
        total = notices.count(session, person, unread_only=unread)
        shown = notices.inbox(
            session, person, unread_only=unread, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        waiting = _unread(session, person)
    return form_page(
        request,
        "notices_inbox.html",
        notices_list=[notice_view(notice) for notice in shown],
        notices_unread=waiting,
        total=total,
        unread_only=unread,
        page=page,
        pages=max(1, math.ceil(total / PAGE_SIZE)),
    )


@router.get("/me/notices/settings", response_class=HTMLResponse, response_model=None)
def notice_settings(request: Request, principal: Chooser) -> Response:
    person = person_of(principal)
    with app_state(request).sessions() as session:
        choice = notices.channel_choice(session, person)
        phone = _verified_phone(session, principal)
        waiting = _unread(session, person)
    return _settings_page(request, choice, phone, waiting, done=request.query_params.get("done", ""))


@router.post("/me/notices/settings", response_model=None)
def choose_channels(
    request: Request,
    principal: Chooser,
    sms: Annotated[str, Form(max_length=10)] = "",
    email_on: Annotated[str, Form(max_length=10)] = "",
    email: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    person = person_of(principal)
    try:
        with transaction(app_state(request).sessions) as session:
            phone = _verified_phone(session, principal)
            notices.choose_channels(
                session, person, sms_phone=phone if sms else None, email=email if email_on else None
            )
    except notices.NoticeInvalid as invalid:
        with app_state(request).sessions() as session:
            choice = notices.channel_choice(session, person)
            waiting = _unread(session, person)
        typed = notices.ChannelChoice(person, choice.sms_phone, email, choice.updated_at)
        return _settings_page(request, typed, phone, waiting, error=invalid, status_code=invalid.status)
    return RedirectResponse("/me/notices/settings?done=saved", status_code=303)


@router.get("/me/notices/{notice_id}", response_class=HTMLResponse, response_model=None)
def open_notice(request: Request, notice_id: str, principal: Reader) -> Response:
    person = person_of(principal)
    with transaction(app_state(request).sessions) as session:
        notice = notices.read(session, person, notice_id[:40])
        deliveries = notices.deliveries_of(session, person, notice.id)
        waiting = _unread(session, person)
    return form_page(
        request,
        "notices_notice.html",
        notice=notice_view(notice),
        deliveries=[
            {"channel": notices.CHANNEL_LABELS.get(d.channel, d.channel), "status": d.status}
            for d in deliveries
        ],
        notices_unread=waiting,
    )


@router.get("/me/bills", response_class=HTMLResponse, response_model=None)
def my_bills(request: Request, principal: Reader) -> Response:
    person = person_of(principal)
    with app_state(request).sessions() as session:
        bills = notices.bills_of(session, person)
        waiting = _unread(session, person)
    return form_page(
        request, "notices_bills.html", bills=[bill_view(b) for b in bills], notices_unread=waiting
    )


@router.get("/me/bills/{bill_id}", response_class=HTMLResponse, response_model=None)
def my_bill(request: Request, bill_id: str, principal: Reader) -> Response:
    person = person_of(principal)
    with app_state(request).sessions() as session:
        found = notices.bill(session, person, bill_id[:40])
        waiting = _unread(session, person)
    return _bill_page(request, found, waiting, done=request.query_params.get("done", ""))


@router.post("/me/bills/{bill_id}/payment", response_model=None)
def pay_bill(
    request: Request,
    bill_id: str,
    principal: Payer,
    background: BackgroundTasks,
    idempotency_key: Annotated[str, Form(max_length=100)],
) -> Response:
    person = person_of(principal)
    state = app_state(request)
    try:
        with transaction(state.sessions) as session:
            notices.pay(session, person, bill_id[:40], state.payment_gateway, idempotency_key)
    except notices.BillAlreadyPaid:
        return RedirectResponse(f"/me/bills/{bill_id[:40]}?done=already", status_code=303)
    except (notices.PaymentDeclined, notices.PaymentUnavailable) as failed:
        with state.sessions() as session:
            found = notices.bill(session, person, bill_id[:40])
            waiting = _unread(session, person)
        # Declined: a definite no, so the next attempt is a new one. No answer: the charge may have gone
        # through, so the form keeps the same key and the gateway returns that charge instead of a second.
        retry_key = idempotency_key if isinstance(failed, notices.PaymentUnavailable) else None
        return _bill_page(
            request, found, waiting, error=failed, status_code=failed.status, payment_key=retry_key
        )
    background.add_task(deliver_outbox, state)
    return RedirectResponse(f"/me/bills/{bill_id[:40]}?done=paid", status_code=303)


def _verified_phone(session: Session, principal: identity.Principal) -> str:
    """The phone verified at sign-in (the identity domain's record; the notices domain never reads it)."""
    assert principal.account_id is not None
    return identity.account(session, principal.account_id).phone


def _settings_page(
    request: Request,
    choice: notices.ChannelChoice,
    phone: str,
    waiting: int,
    *,
    done: str = "",
    error: notices.NoticeInvalid | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return form_page(
        request,
        "notices_settings.html",
        status_code=status_code,
        choice=choice,
        phone=phone,
        masked_phone=_masked(phone),
        simulated=all(isinstance(c, notices.FileOutbox) for c in app_state(request).notice_channels),
        notices_unread=waiting,
        done=done,
        error=error,
    )


def _bill_page(
    request: Request,
    found: notices.Bill,
    waiting: int,
    *,
    done: str = "",
    error: notices.PaymentDeclined | notices.PaymentUnavailable | None = None,
    status_code: int = 200,
    payment_key: str | None = None,
) -> HTMLResponse:
    return form_page(
        request,
        "notices_bill.html",
        status_code=status_code,
        bill=bill_view(found),
        payment_key=payment_key or new_payment_key(),
        simulated=isinstance(app_state(request).payment_gateway, notices.SimulatedGateway),
        notices_unread=waiting,
        done=done,
        error=error,
    )


def _masked(phone: str) -> str:
    """010-1234-5678 → 010-****-5678 (enough for the citizen to recognise their number)."""
    parts = phone.split("-")
    return "-".join([parts[0], "*" * len(parts[1]), parts[2]]) if len(parts) == 3 else phone
