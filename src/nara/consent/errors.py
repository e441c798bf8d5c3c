"""Errors of the consent domain: each says in plain Korean why a consent cannot be used or given."""

from __future__ import annotations

from nara.kernel.errors import InvalidInputError, NaraError, NotFoundError


class ConsentNotFound(NotFoundError):
    code = "consent.not_found"
    title = "찾으시는 동의가 없습니다."


class ConsentInvalid(InvalidInputError):
    code = "consent.invalid"
    title = "동의 내용을 확인해 주세요."


class ConsentRefused(NaraError):
    """A consent exists but does not allow this read; ``code`` says which check failed."""

    status = 403
    code = "consent.refused"
    title = "동의 범위를 벗어난 요청입니다."

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
