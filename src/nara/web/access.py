"""Every route's access declaration, and the check it runs on every request (제로 트러스트).

A route declares ``allow("citizen", purpose=…, scopes=…)`` — as a dependency, or as the ``Caller``
parameter that hands the route the :class:`~nara.identity.Principal`. The check makes the principal
from the request's bearer token (API) or its site session cookie (pages), applies the rule, enforces the
calling app's rate limit and, on page forms, the CSRF token. A refusal is logged in the security log
before it is answered. ``tests/web/test_access_declarations.py`` fails if any route lacks a declaration.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from nara import audit, identity
from nara.kernel.db import transaction
from nara.kernel.errors import NaraError
from nara.web.deps import app_state
from nara.web.templating import render

CSRF_COOKIE = "nara_csrf"
CSRF_FIELD = "csrf_token"
SITE_COOKIES = {"nara-portal": "nara_portal", "nara-office": "nara_office", identity.PROVIDER: "nara_op"}
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_bearer = HTTPBearer(auto_error=False, description="나라 통합로그인에서 받은 접근 토큰 (OAuth 2.0)")


class FormExpired(NaraError):
    code = "web.form_expired"
    status = 403
    title = "화면이 오래되어 요청을 처리하지 못했습니다."


def site_of(path: str) -> str:
    """Which site's session a page belongs to: the back office under /office, the portal elsewhere."""
    return "nara-office" if path.startswith("/office") else "nara-portal"


class AccessCheck:
    """The dependency a route's declaration becomes; ``rule`` is what the meta-test reads."""

    def __init__(self, rule: identity.Rule, *, csrf: bool) -> None:
        self.rule = rule
        self.csrf = csrf

    async def __call__(self, request: Request, _token: Any = Depends(_bearer)) -> identity.Principal:
        try:
            principal = await _principal(request)
            identity.decide(self.rule, principal)
            if principal.via == "token":
                _check_rate(request, principal)
            if self.csrf and request.method in _UNSAFE and principal.via != "token":
                await check_csrf(request)
        except NaraError as refusal:
            reason = getattr(refusal, "reason", refusal.code)
            log_event(request, "access.refused", refused=True, actor=_actor_for_log(request), reason=reason)
            request.state.refusal_logged = True
            raise
        return principal


async def _principal(request: Request) -> identity.Principal:
    """A session cookie costs database reads: done off the event loop. Tokens are checked in place."""
    cookie = request.cookies.get(SITE_COOKIES[site_of(request.url.path)])
    if cookie and "authorization" not in request.headers and not request.url.path.startswith("/api/"):
        return await run_in_threadpool(principal_of, request)
    return principal_of(request)


def log_event(
    request: Request, event: str, *, refused: bool, actor: str, target: str = "", reason: str = ""
) -> None:
    """One security-log record for this request (its own transaction; refusals survive rollback).
    ``target`` defaults to the request's method and path."""
    audit.record_security_event(
        app_state(request).sessions,
        event,
        outcome="refused" if refused else "allowed",
        actor=actor,
        target=target or f"{request.method} {request.url.path}",
        reason=reason,
        client_ip=request.client.host if request.client else "",
    )


_PERSONAL = ("/me", "/api/v1/me", "/api/v1/eligibility/me", "/office")


def log_object_refusal(request: Request, error: NaraError) -> None:
    """Refusals a route's own checks make (another citizen's consent, another agency's case: 403, or
    404 on a personal path) go to the security log too; the access check logged its own already."""
    if getattr(request.state, "refusal_logged", False):
        return
    made = getattr(request.state, "principal_made", None)
    personal_miss = error.status == 404 and request.url.path.startswith(_PERSONAL)
    if (
        isinstance(made, identity.Principal)
        and made.kind != "anonymous"
        and (error.status == 403 or personal_miss)
    ):
        log_event(request, "access.refused", refused=True, actor=made.actor, reason=error.code)
        request.state.refusal_logged = True


def allow(*who: str, purpose: str, scopes: tuple[str, ...] = (), csrf: bool = True) -> Any:
    """A route's access declaration (use in ``dependencies=[…]`` or as a parameter's default).

    ``csrf=False`` only for endpoints no browser form posts to: the JSON API (bearer tokens) and the
    OAuth protocol endpoints (client authentication)."""
    return Depends(AccessCheck(identity.Rule(tuple(who), purpose, frozenset(scopes)), csrf=csrf))


def principal_of(request: Request) -> identity.Principal:
    """The caller of this request, verified from scratch (cached on the request once made)."""
    cached = getattr(request.state, "principal_made", None)
    if cached is not None:
        principal: identity.Principal = cached
        return principal
    header = request.headers.get("authorization", "")
    if header and request.url.path.startswith("/oauth/") and not header.lower().startswith("bearer "):
        principal = identity.ANONYMOUS  # client authentication (HTTP Basic) is the token endpoint's business
    elif header:
        principal = _from_token(request, header)
    elif request.url.path.startswith("/api/"):  # the API takes tokens only: no cookies, so no CSRF
        principal = identity.ANONYMOUS
    else:
        principal = _from_session(request, site_of(request.url.path))
    request.state.principal_made = principal
    return principal


def _from_token(request: Request, header: str) -> identity.Principal:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise identity.TokenInvalid("malformed", "Authorization: Bearer <토큰> 형식이어야 합니다.")
    state = app_state(request)
    claims = state.tokens.verify_access_token(token.strip())
    return state.revocations.principal(claims)


def _from_session(request: Request, site: str) -> identity.Principal:
    state = app_state(request)
    cookie = request.cookies.get(SITE_COOKIES[site])
    if not cookie:
        return identity.ANONYMOUS
    with transaction(state.sessions) as session:  # it may touch the session's last-seen time
        live = identity.current_session(session, _secret(request), cookie, site)
        if live is None:
            return identity.ANONYMOUS
        return principal_for_account(session, live.account_id, client_id=site, session_id=live.id)


def principal_for_account(
    session: Session, account_id: str, *, client_id: str, session_id: str
) -> identity.Principal:
    """The principal a live site or provider session stands for."""
    account = identity.account(session, account_id)
    roles = tuple(identity.roles_of(session, account.id)) if account.kind == "official" else ()
    return identity.Principal(
        kind=account.kind,
        account_id=account.id,
        client_id=client_id,
        via="session",
        person_id=account.person_id,
        roles=roles,
        session_id=session_id,
    )


def _check_rate(request: Request, principal: identity.Principal) -> None:
    state = app_state(request)
    per_minute = state.revocations.rate_of(principal.client_id or "")
    if not state.rate_limiter.allow(f"client:{principal.client_id}", per_minute):
        raise identity.RateLimited(f"이 앱의 요청 한도(분당 {per_minute}건)를 넘었습니다.")


def _actor_for_log(request: Request) -> str:
    made = getattr(request.state, "principal_made", None)
    return made.actor if isinstance(made, identity.Principal) else "anonymous"


def _secret(request: Request) -> bytes:
    return secret_key(request)


def secret_key(request: Request) -> bytes:
    """NARA_SECRET_KEY as bytes: what cookies and tokens of this site are signed with."""
    return app_state(request).settings.secret_key.get_secret_value().encode()


def form_page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page whose forms carry this browser's CSRF token (and sets its cookie when new)."""
    context["csrf_token"] = csrf_token(request)
    response = render(request, template, context, status_code=status_code)
    set_csrf_cookie(request, response)
    return response


# --- CSRF: a signed double-submit token on every page form ---------------------------------------


def csrf_token(request: Request) -> str:
    """The token this browser's forms carry; made (with its cookie) on first use."""
    seed = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_seed", None)
    if not seed:
        seed = secrets.token_urlsafe(24)
        request.state.new_csrf_seed = seed
    return hmac.new(_secret(request), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def set_csrf_cookie(request: Request, response: Response) -> None:
    seed = getattr(request.state, "new_csrf_seed", None)
    if seed:
        response.set_cookie(
            CSRF_COOKIE, seed, httponly=True, samesite="strict", secure=secure_cookies(request)
        )


async def check_csrf(request: Request) -> None:
    """A form's ``csrf_token`` field (or, for the passkey script's JSON, the X-CSRF-Token header)."""
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        sent = str((await request.form()).get(CSRF_FIELD, ""))
    seed = request.cookies.get(CSRF_COOKIE, "")
    expected = hmac.new(_secret(request), f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()
    if not seed or not hmac.compare_digest(sent, expected):
        raise FormExpired("화면을 새로 고친 뒤 다시 시도해 주세요.")


def secure_cookies(request: Request) -> bool:
    return app_state(request).settings.public_url.startswith("https://")


Caller = identity.Principal
Public = Annotated[identity.Principal, allow("public", purpose="open")]
