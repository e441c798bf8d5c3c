"""Refusals of the wallet's services (issuance, presentation, status changes): a stable code, an HTTP
status, a plain Korean sentence that says what to do next and, on the protocol endpoints, the OAuth /
OpenID4VC ``error`` value a standard wallet or verifier expects beside the problem details."""

from __future__ import annotations

from typing import Any

from nara.kernel.errors import NaraError


class WalletRefused(NaraError):
    """One class, many codes (like ``RefusedError``): ``code`` is public API, ``detail`` is for people."""

    code = "wallet.refused"
    status = 400
    title = "전자증명서 요청을 처리하지 못했습니다."

    def __init__(
        self, code: str, detail: str, *, status: int = 400, error: str | None = None, **fields: Any
    ) -> None:
        if error:
            fields["error"] = error
            fields.setdefault("error_description", detail)
        super().__init__(detail, **fields)
        self.code = code
        self.status = status


def not_found(code: str, detail: str) -> WalletRefused:
    return WalletRefused(code, detail, status=404)
