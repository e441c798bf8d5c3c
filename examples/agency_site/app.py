"""보훈누리 (예시 기관 누리집): a second relying party that signs citizens in with Nara's single sign-on.

A fictional agency website for 국가보훈부 that has no accounts of its own: it sends the citizen to Nara's
OpenID Connect provider (authorization code flow with PKCE S256 and a nonce), checks the signed ID token
it gets back, and keeps only the name, ``sub``, ``amr`` and the ID token in its own session cookie.
Logging out ends the local session and then the session at Nara (RP-initiated logout).

Run it with ``python -m examples.agency_site.app`` (see ``README.md`` next to this file).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import importlib
import logging
import os
import secrets
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

import httpx
import uvicorn
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

__all__ = ["create_site", "main"]

log = logging.getLogger(__name__)

SITE_NAME: Final = "국가보훈부 보훈누리 (예시 기관 누리집)"
SESSION_COOKIE: Final = "bohunnuri_session"  # not "session": Nara on the same host (another port) sees it too
SESSION_MAX_AGE: Final = 8 * 60 * 60
PROVIDER: Final = "nara"

DEFAULT_ISSUER: Final = "http://127.0.0.1:8000"
DEFAULT_CLIENT_ID: Final = "example-agency"
DEFAULT_BASE_URL: Final = "http://127.0.0.1:8100"

_STYLE: Final = (
    "body{font-family:system-ui,'Noto Sans KR',sans-serif;line-height:1.6;margin:0;color:#1d1d1d}"
    "header,main,footer{max-width:42rem;margin:0 auto;padding:1rem}"
    "header{border-bottom:2px solid #0b3d91}.site{font-weight:700;margin:0}"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff}"
    "a{color:#0b3d91}.button{display:inline-block;padding:.6rem 1rem;background:#0b3d91;color:#fff;"
    "border-radius:.3rem;text-decoration:none}.button:focus,.button:hover{background:#072a66}"
    "dt{font-weight:700}code{word-break:break-all}footer{color:#555;font-size:.9rem}"
)
_STYLE_HASH: Final = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
_SECURITY_HEADERS: Final = {
    # no scripts, no external assets: the one inline <style> is allowed by its hash
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def _page(title: str, body: str, status_code: int = 200) -> HTMLResponse:
    """A whole page; ``body`` is already-escaped HTML for inside <main>."""
    document = f"""<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} | 보훈누리 (예시)</title>
<style>{_STYLE}</style>
</head>
<body>
<a class="skip" href="#main">본문 바로가기</a>
<header><p class="site">{html.escape(SITE_NAME)}</p></header>
<main id="main">
<h1>{html.escape(title)}</h1>
{body}
</main>
<footer><p>이 누리집은 나라 통합로그인(OpenID Connect)을 보여 주는 예시이며, 실제 기관 누리집이 아닙니다.</p></footer>
</body>
</html>
"""
    return HTMLResponse(document, status_code=status_code, headers=_SECURITY_HEADERS)


def _error_page(message: str, status_code: int = 400) -> HTMLResponse:
    body = (
        f"<p>{html.escape(message)}</p>\n"
        '<p><a href="/">보훈누리 첫 화면으로 돌아가기</a></p>\n'
        '<p><a href="/login">나라 통합로그인으로 다시 로그인하기</a></p>'
    )
    return _page("로그인하지 못했습니다", body, status_code)


def _http_errors() -> tuple[type[Exception], ...]:
    """httpx's errors, and httpx2's too where it is installed (authlib then uses it instead of httpx)."""
    errors: list[type[Exception]] = [httpx.HTTPError]
    with contextlib.suppress(ImportError):
        errors.append(importlib.import_module("httpx2").HTTPError)
    return tuple(errors)


_HTTP_ERRORS: Final = _http_errors()
_LOGOUT_ERRORS: Final[tuple[type[Exception], ...]] = (*_HTTP_ERRORS, ValueError, RuntimeError)

_UNVERIFIED: Final = "나라 통합로그인의 응답을 확인할 수 없어 로그인하지 않았습니다. 다시 시도해 주세요."
_STALE_STATE: Final = "로그인 요청이 만료되었거나 올바르지 않습니다. 처음부터 다시 로그인해 주세요."
_MISCONFIGURED: Final = "나라 통합로그인 연결 설정이 올바르지 않습니다. 누리집 관리자에게 알려 주세요."
_DENIED: Final = "로그인을 취소했거나 정보 제공에 동의하지 않아 로그인하지 않았습니다."
_NOT_FINISHED: Final = "나라 통합로그인에서 로그인을 마치지 못했습니다. 다시 시도해 주세요."
_UNREACHABLE: Final = "나라 통합로그인 서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요."


def _signed_in_user(request: Request) -> dict[str, Any] | None:
    user = request.session.get("user")
    if isinstance(user, dict) and isinstance(user.get("sub"), str):
        return user
    return None


def create_site(
    issuer: str, client_id: str, client_secret: str, base_url: str, session_secret: str
) -> Starlette:
    """The agency website, signing in through the OpenID Connect provider at ``issuer``.

    ``base_url`` is where this site is served (its callback is ``{base_url}/auth/callback`` and the
    address to return to after logging out is ``{base_url}/``; both must be registered at Nara).
    """
    issuer = issuer.rstrip("/")
    base_url = base_url.rstrip("/")
    redirect_uri = f"{base_url}/auth/callback"
    post_logout_redirect_uri = f"{base_url}/"

    oauth = OAuth()
    oauth.register(
        PROVIDER,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid profile",
            "code_challenge_method": "S256",  # PKCE; Nara requires it
            "token_endpoint_auth_method": "client_secret_basic",
            "timeout": 10.0,
        },
    )
    provider = oauth.create_client(PROVIDER)

    async def metadata() -> dict[str, Any]:
        """The provider's discovery document, fetched once; its issuer must be the one configured."""
        document: dict[str, Any] = await provider.load_server_metadata()
        if document.get("issuer") != issuer:
            raise ValueError(f"discovery names issuer {document.get('issuer')!r}, expected {issuer!r}")
        return document

    async def home(request: Request) -> Response:
        user = _signed_in_user(request)
        if user is None:
            body = (
                "<p>보훈 급여와 서비스를 신청하려면 로그인해 주세요. "
                "이 누리집에 따로 회원 가입할 필요 없이 나라 통합로그인으로 이용할 수 있습니다.</p>\n"
                '<p><a class="button" href="/login">나라 통합로그인으로 로그인</a></p>'
            )
            return _page("보훈누리에 오신 것을 환영합니다", body)
        amr = user.get("amr")
        amr_text = ", ".join(str(method) for method in amr) if isinstance(amr, list) and amr else "(없음)"
        name = user.get("name") or "이용자"
        body = (
            f'<p class="status">{html.escape(str(name))}님, 로그인되어 있습니다</p>\n'
            "<dl>\n"
            f"<dt>나라 통합로그인 식별자 (sub)</dt><dd><code>{html.escape(user['sub'])}</code></dd>\n"
            f"<dt>인증 방법 (amr)</dt><dd>{html.escape(amr_text)}</dd>\n"
            "</dl>\n"
            '<p><a href="/logout">로그아웃 (나라 통합로그인에서도 로그아웃됩니다)</a></p>'
        )
        return _page("보훈누리에 오신 것을 환영합니다", body)

    async def login(request: Request) -> Response:
        try:
            await metadata()
            response: Response = await provider.authorize_redirect(request, redirect_uri)
        except _HTTP_ERRORS as exc:
            log.warning("cannot reach the identity provider at %s: %s", issuer, exc)
            return _error_page(_UNREACHABLE, 502)
        except (ValueError, RuntimeError) as exc:
            log.error("the identity provider's discovery document is unusable: %s", exc)
            return _error_page(_MISCONFIGURED, 502)
        return response

    async def callback(request: Request) -> Response:
        error = request.query_params.get("error")
        if error is not None:
            log.info("the provider returned error=%s", error)
            if error in {"access_denied", "consent_required", "login_required"}:
                return _error_page(_DENIED)
            return _error_page(_NOT_FINISHED)
        try:
            token: dict[str, Any] = await provider.authorize_access_token(
                request,
                # iss and aud pinned explicitly (authlib alone would accept a list aud with our azp)
                claims_options={
                    "iss": {"essential": True, "value": issuer},
                    "aud": {"essential": True, "value": client_id},
                    "sub": {"essential": True},
                },
            )
        except _HTTP_ERRORS as exc:
            log.warning("cannot reach the identity provider at %s: %s", issuer, exc)
            return _error_page(_UNREACHABLE, 502)
        except AuthlibBaseError as exc:  # includes a missing or mismatching state
            log.warning("sign-in refused at the callback: %s", exc.error)
            if exc.error == "mismatching_state":
                return _error_page(_STALE_STATE)
            return _error_page(_UNVERIFIED)
        except (JoseError, ValueError, TypeError) as exc:  # the ID token's signature or claims
            log.warning("ID token refused: %s", exc)
            return _error_page(_UNVERIFIED)

        claims = token.get("userinfo")  # set by authlib only after the ID token (and its nonce) checked out
        id_token = token.get("id_token")
        if not claims or not isinstance(id_token, str) or not isinstance(claims.get("sub"), str):
            log.warning("token response without a usable ID token")
            return _error_page(_UNVERIFIED)
        amr = claims.get("amr")
        request.session.clear()  # a fresh session for the new sign-in
        request.session["user"] = {
            "sub": claims["sub"],
            "name": claims.get("name") if isinstance(claims.get("name"), str) else None,
            "amr": [str(method) for method in amr] if isinstance(amr, list) else [],
            "id_token": id_token,
        }
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request) -> Response:
        user = _signed_in_user(request)
        request.session.clear()
        if user is None or not isinstance(user.get("id_token"), str):
            return RedirectResponse("/", status_code=303)
        try:
            end_session_endpoint = (await metadata()).get("end_session_endpoint")
        except _LOGOUT_ERRORS as exc:
            log.warning("cannot reach the identity provider to log out: %s", exc)
            end_session_endpoint = None
        if not isinstance(end_session_endpoint, str):
            body = (
                "<p>이 누리집에서는 로그아웃했지만, 나라 통합로그인 서버에 연결할 수 없어 "
                "통합로그인에서는 로그아웃하지 못했습니다. 공용 컴퓨터라면 브라우저를 닫아 주세요.</p>\n"
                '<p><a href="/">보훈누리 첫 화면으로 돌아가기</a></p>'
            )
            return _page("로그아웃했습니다", body, 502)
        query = urlencode(
            {
                "id_token_hint": user["id_token"],
                "post_logout_redirect_uri": post_logout_redirect_uri,
                "client_id": client_id,
            }
        )
        separator = "&" if "?" in end_session_endpoint else "?"
        return RedirectResponse(f"{end_session_endpoint}{separator}{query}", status_code=303)

    async def not_found(request: Request, exc: Exception) -> Response:
        body = '<p>주소를 다시 확인해 주세요.</p>\n<p><a href="/">보훈누리 첫 화면으로 돌아가기</a></p>'
        status_code = exc.status_code if isinstance(exc, HTTPException) else 404
        return _page("페이지를 찾을 수 없습니다", body, status_code)

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error", exc_info=exc)
        body = '<p>잠시 후 다시 시도해 주세요.</p>\n<p><a href="/">보훈누리 첫 화면으로 돌아가기</a></p>'
        return _page("일시적인 오류가 발생했습니다", body, 500)

    return Starlette(
        routes=[
            Route("/", home, methods=["GET"]),
            Route("/login", login, methods=["GET"]),
            Route("/auth/callback", callback, methods=["GET"]),
            Route("/logout", logout, methods=["GET"]),
        ],
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=session_secret,
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_MAX_AGE,
                same_site="lax",  # the provider's redirect back to /auth/callback is a top-level GET
                # Secure cookie only when served over https: plain http is for this local example only.
                https_only=base_url.startswith("https://"),
            )
        ],
        exception_handlers={404: not_found, Exception: server_error},
    )


def main() -> None:
    """Serve the example site on the host and port of NARA_EXAMPLE_BASE_URL."""
    logging.basicConfig(level=logging.INFO)
    client_secret = os.environ.get("NARA_EXAMPLE_CLIENT_SECRET", "").strip()
    if not client_secret:
        raise SystemExit(
            "NARA_EXAMPLE_CLIENT_SECRET이 설정되지 않았습니다. 나라에 이 누리집을 등록할 때 한 번 출력된 "
            "클라이언트 비밀값을 넣어 주세요 (examples/agency_site/README.md 참고).\n"
            "NARA_EXAMPLE_CLIENT_SECRET is not set: use the client secret printed once when the site was "
            "registered with Nara (see examples/agency_site/README.md)."
        )
    issuer = os.environ.get("NARA_EXAMPLE_ISSUER") or DEFAULT_ISSUER
    client_id = os.environ.get("NARA_EXAMPLE_CLIENT_ID") or DEFAULT_CLIENT_ID
    base_url = os.environ.get("NARA_EXAMPLE_BASE_URL") or DEFAULT_BASE_URL
    session_secret = os.environ.get("NARA_EXAMPLE_SESSION_SECRET")
    if not session_secret:
        log.warning("NARA_EXAMPLE_SESSION_SECRET is not set: using a random one (sessions end on restart)")
        session_secret = secrets.token_urlsafe(32)
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SystemExit(f"NARA_EXAMPLE_BASE_URL must be an http(s) URL, got {base_url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    site = create_site(issuer, client_id, client_secret, base_url, session_secret)
    uvicorn.run(site, host=parts.hostname, port=port)


if __name__ == "__main__":
    main()
