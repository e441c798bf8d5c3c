"""The apply domain's errors: each with a stable code, an HTTP status and a plain Korean message."""

from __future__ import annotations

from nara.kernel.errors import NaraError


class ApplicationNotFound(NaraError):
    code = "apply.not_found"
    status = 404
    title = "신청을 찾을 수 없습니다."


class ApplyInvalid(NaraError):
    code = "apply.invalid"
    status = 422
    title = "신청 내용을 확인해 주세요."


class AlreadyApplied(NaraError):
    """Every service asked for is already applied for and still open: nothing new to submit."""

    code = "apply.already_applied"
    status = 409
    title = "이미 신청하신 서비스입니다."


class DecisionConflict(NaraError):
    """The application moved on (decided, or changed by someone else) since the official opened it."""

    code = "apply.conflict"
    status = 409
    title = "이미 처리된 신청입니다."


class SecondLookNeeded(NaraError):
    """A sampled clear case must be looked at by another official than the one who ran the bulk decision."""

    code = "apply.second_look"
    status = 409
    title = "다른 담당자가 다시 검토해야 하는 신청입니다."
