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


class ConsentRequired(NaraError):
    """The facts an application needs are read only with the citizen's consent, and there is none yet."""

    code = "apply.consent_required"
    status = 409
    title = "신청에 쓸 정보에 먼저 동의해 주세요."


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


class DocumentRejected(NaraError):
    """An uploaded file that is not one Nara keeps: empty, not a PDF, JPEG or PNG by its first bytes, or for a
    document this application does not ask for. ``reason`` says which (empty | type | label | count | file)."""

    code = "apply.document_invalid"
    status = 422
    title = "올린 파일을 받을 수 없습니다."


class DocumentTooLarge(NaraError):
    code = "apply.document_too_large"
    status = 413
    title = "파일이 너무 큽니다."


class DocumentsClosed(NaraError):
    """The application is decided (승인·반려·지급·제공): nothing more can be handed in for it."""

    code = "apply.documents_closed"
    status = 409
    title = "이미 결정된 신청이라 서류를 더 낼 수 없습니다."


class LengthRequired(NaraError):
    """An upload without Content-Length: its size must be known before it is read."""

    code = "apply.length_required"
    status = 411
    title = "파일 크기를 알 수 없습니다."
