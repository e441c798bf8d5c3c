"""Errors of the consent domain: each says in plain Korean why a consent cannot be used or given."""

from __future__ import annotations

from nara.kernel.errors import InvalidInputError, NotFoundError, RefusedError


class ConsentNotFound(NotFoundError):
    code = "consent.not_found"
    title = "찾으시는 동의가 없습니다."


class ConsentInvalid(InvalidInputError):
    code = "consent.invalid"
    title = "동의 내용을 확인해 주세요."


class ConsentRefused(RefusedError):
    """The consent does not allow this read; ``code`` says which check failed (consent.revoked, …)."""

    code = "consent.refused"
    title = "동의 범위를 벗어난 요청입니다."
