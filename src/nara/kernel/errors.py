"""Domain errors: a stable code, an HTTP status and a Korean message that says what to do next."""

from __future__ import annotations

from typing import Any


class NaraError(Exception):
    """Base of every error Nara reports to a person or a client.

    ``code`` is stable public API; ``title`` and ``detail`` are plain Korean for people.
    """

    code: str = "nara.error"
    status: int = 500
    title: str = "요청을 처리하지 못했습니다."

    def __init__(self, detail: str | None = None, **fields: Any) -> None:
        self.detail = detail or self.title
        self.fields = fields
        super().__init__(self.detail)

    def problem(self, instance: str | None = None) -> dict[str, Any]:
        """This error as an RFC 9457 problem details object."""
        body: dict[str, Any] = {
            "type": f"https://nara.example/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
        body.update(self.fields)
        return body


class NotFoundError(NaraError):
    code = "nara.not_found"
    status = 404
    title = "찾는 내용이 없습니다."


class InvalidInputError(NaraError):
    code = "nara.invalid_input"
    status = 422
    title = "입력한 내용을 확인해 주세요."


class RefusedError(NaraError):
    """A request refused for a reason named by its own stable code (one class, many codes)."""

    status = 403

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
