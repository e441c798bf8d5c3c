"""Identity errors: each with a stable code, and a Korean message that says what to do next."""

from __future__ import annotations

from nara.kernel.errors import NaraError, RefusedError


class IdentityError(NaraError):
    code = "identity.error"
    status = 400
    title = "본인 확인을 하지 못했습니다."


class ProofingFailed(IdentityError):
    code = "identity.proofing_failed"
    title = "입력하신 이름과 생년월일로 주민등록을 찾지 못했습니다."


class CodeInvalid(IdentityError):
    code = "identity.code_invalid"
    title = "인증번호가 맞지 않거나 시간이 지났습니다."


class CodeLocked(IdentityError):
    code = "identity.code_locked"
    status = 429
    title = "인증번호를 여러 번 잘못 입력하여 잠겼습니다. 새 인증번호를 받아 주세요."


class TooManyCodes(IdentityError):
    code = "identity.too_many_codes"
    status = 429
    title = "인증번호를 너무 자주 요청하셨습니다. 잠시 뒤에 다시 시도해 주세요."


class PasskeyInvalid(IdentityError):
    code = "identity.passkey_invalid"
    title = "패스키를 확인하지 못했습니다. 다시 시도하거나 인증번호로 로그인해 주세요."


class AccountExists(IdentityError):
    code = "identity.account_exists"
    status = 409
    title = "이미 가입된 분입니다. 로그인해 주세요."


class AccountNotFound(IdentityError):
    code = "identity.account_not_found"
    status = 404
    title = "계정을 찾지 못했습니다."


class SignInRequired(NaraError):
    code = "identity.sign_in_required"
    status = 401
    title = "로그인이 필요합니다."


class TokenInvalid(NaraError):
    """A bearer token that cannot be used; ``reason`` says why (for the log, not for the caller)."""

    code = "invalid_token"
    status = 401
    title = "인증 토큰이 올바르지 않거나 만료되었습니다."

    def __init__(self, reason: str, detail: str | None = None) -> None:
        super().__init__(detail)
        self.reason = reason


class AccessDenied(RefusedError):
    """Signed in, but not allowed: ``code`` names the rule that refused (access.*)."""


class RateLimited(NaraError):
    code = "access.rate_limited"
    status = 429
    title = "요청이 너무 많습니다. 잠시 뒤에 다시 시도해 주세요."


class ClientInvalid(IdentityError):
    code = "identity.client_invalid"
    title = "등록 정보를 확인해 주세요."
