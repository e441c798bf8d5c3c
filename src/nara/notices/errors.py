"""Errors of the notices domain: each has a stable code and says in plain Korean what to do next."""

from __future__ import annotations

from nara.kernel.errors import InvalidInputError, NaraError, NotFoundError


class NoticeNotFound(NotFoundError):
    """No such notice for this citizen (another person's notice is 'not found', never 'forbidden')."""

    code = "notices.not_found"
    title = "찾으시는 알림이 없습니다."


class NoticeInvalid(InvalidInputError):
    """A notice, bill or channel choice that cannot be accepted as given (``field`` names the part)."""

    code = "notices.invalid"
    title = "알림 내용을 확인해 주세요."


class BillNotFound(NotFoundError):
    code = "notices.bill_not_found"
    title = "찾으시는 고지서가 없습니다."


class BillAlreadyPaid(NaraError):
    """The bill was already paid by another attempt (a different idempotency key)."""

    code = "notices.bill_paid"
    status = 409
    title = "이미 납부한 고지서입니다."


class IdempotencyKeyReused(NaraError):
    """The same idempotency key was used before for a different bill."""

    code = "notices.idempotency_key_reused"
    status = 409
    title = "이미 다른 고지서 납부에 쓴 요청 번호입니다."


class PaymentDeclined(NaraError):
    """The payment gateway refused the charge; the bill stays unpaid and ``detail`` says why."""

    code = "notices.payment_declined"
    status = 402
    title = "결제가 승인되지 않았습니다."


class PaymentUnavailable(NaraError):
    """The payment gateway failed or did not answer; the bill stays unpaid. Trying again with the same
    idempotency key is safe: if the lost answer was an approval, the gateway returns it instead of
    charging again."""

    code = "notices.payment_unavailable"
    status = 503
    title = "지금은 결제를 처리할 수 없습니다."
