"""Errors of the exchange: each has a stable code and says in plain Korean what was wrong."""

from __future__ import annotations

from nara.kernel.errors import InvalidInputError, NaraError, NotFoundError, RefusedError


class ExchangeRefused(RefusedError):
    """The request has no valid basis for what it asks; ``code`` says which check failed."""

    code = "exchange.refused"
    title = "정보를 제공할 근거가 없는 요청입니다."


class UnknownFact(InvalidInputError):
    code = "exchange.unknown_fact"
    title = "정보 목록에 없는 정보를 요청했습니다."


class SubjectNotFound(NotFoundError):
    code = "exchange.subject_not_found"
    title = "주민등록에 없는 사람입니다."


class ResponseInvalid(NaraError):
    """A registry response whose signature does not hold: it must not be used."""

    status = 502
    code = "exchange.response_invalid"
    title = "기관의 응답 서명을 확인할 수 없습니다."
