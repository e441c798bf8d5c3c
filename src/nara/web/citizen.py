"""The development sign-in: a signed cookie naming the synthetic citizen someone chose to act as.

This is NOT identity proofing — it exists so the MyData pages can be used before real sign-in (the
identity issue replaces it). The cookie is HMAC-signed with NARA_SECRET_KEY, so it cannot be edited to
become someone else; every page and endpoint takes the citizen from it, never from a URL or a parameter.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends, Request, Response

from nara.kernel.errors import NaraError
from nara.web.deps import app_state

COOKIE = "nara_dev_citizen"
MAX_AGE = 8 * 60 * 60


class SignInRequired(NaraError):
    code = "web.sign_in_required"
    status = 401
    title = "로그인이 필요합니다."


class FormExpired(NaraError):
    code = "web.form_expired"
    status = 403
    title = "화면이 오래되어 요청을 처리하지 못했습니다."


def _mac(request: Request, message: str) -> str:
    secret = app_state(request).settings.secret_key.get_secret_value().encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()


def sign_in(request: Request, response: Response, person_id: str) -> None:
    value = f"{person_id}.{_mac(request, 'citizen:' + person_id)}"
    secure = app_state(request).settings.env == "production"
    response.set_cookie(COOKIE, value, max_age=MAX_AGE, httponly=True, samesite="lax", secure=secure)


def sign_out(response: Response) -> None:
    response.delete_cookie(COOKIE)


def signed_in_citizen(request: Request) -> str | None:
    """The citizen of a valid cookie, or None (an edited cookie is as good as none)."""
    person_id, _, mac = request.cookies.get(COOKIE, "").rpartition(".")
    if person_id and hmac.compare_digest(mac, _mac(request, "citizen:" + person_id)):
        return person_id
    return None


def require_citizen(request: Request) -> str:
    citizen = signed_in_citizen(request)
    if citizen is None:
        raise SignInRequired("먼저 로그인해 주세요. 개발용 로그인: /dev/sign-in")
    return citizen


def form_token(request: Request, citizen: str) -> str:
    """A per-citizen token every form carries, so another site cannot post forms as them (CSRF)."""
    return _mac(request, "form:" + citizen)


def check_form_token(request: Request, citizen: str, token: str) -> None:
    if not hmac.compare_digest(token, form_token(request, citizen)):
        raise FormExpired("화면을 새로 고친 뒤 다시 시도해 주세요.")


Citizen = Annotated[str, Depends(require_citizen)]
