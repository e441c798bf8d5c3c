"""The portal and the back office signing people in through the provider, exactly as any client does:
an authorisation request with state, nonce and PKCE; the code exchanged at the token endpoint with the
site's client secret; the ID token verified; then the site's own session. Also sign-out, and sign-out
everywhere (모든 기기에서 로그아웃).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from nara import identity
from nara.kernel.db import transaction
from nara.kernel.errors import RefusedError
from nara.web.access import allow, log_event, secure_cookies
from nara.web.deps import app_state
from nara.web.oidc import PROVIDER_COOKIE
from nara.web.sign_in import safe_continue
from nara.web.sites import OFFICE, PORTAL, Site, site_secret

router = APIRouter(include_in_schema=False)
FLOW_COOKIE = "nara_sign_in_flow"
Signed = Annotated[identity.Principal, allow("citizen", "official", purpose="account")]


class SignInFailed(RefusedError):
    status = 400


def _secret(request: Request) -> bytes:
    return app_state(request).settings.secret_key.get_secret_value().encode()


def _start(request: Request, site: Site) -> Response:
    settings = app_state(request).settings
    public = urlsplit(settings.public_url)
    if request.url.netloc != public.netloc:  # cookies are per host: sign in on the public address
        return RedirectResponse(
            f"{settings.public_url}{request.url.path}?{request.url.query}", status_code=303
        )
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)  # RFC 7636: 43 to 128 characters
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = {
        "response_type": "code",
        "client_id": site.client_id,
        "redirect_uri": f"{settings.public_url}{site.callback}",
        "scope": " ".join(site.scopes),
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    response = RedirectResponse(f"/oauth/authorize?{urlencode(query)}", status_code=303)
    flow = {"state": state, "nonce": nonce, "verifier": verifier, "next": _next(request, site)}
    value = URLSafeTimedSerializer(_secret(request), salt=f"flow:{site.client_id}").dumps(flow)
    response.set_cookie(
        FLOW_COOKIE, value, max_age=600, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response


def _next(request: Request, site: Site) -> str:
    target = request.query_params.get("next")
    return safe_continue(target) if target else site.home


def _finish(request: Request, site: Site) -> Response:
    state = app_state(request)
    flow = _flow(request, site)
    params = request.query_params
    if params.get("error"):
        raise SignInFailed("sign_in.cancelled", "로그인을 마치지 못했습니다. 다시 시도해 주세요.")
    if not secrets.compare_digest(params.get("state", ""), flow["state"]):
        raise SignInFailed("sign_in.state_mismatch", "로그인 요청이 맞지 않습니다. 처음부터 다시 해 주세요.")
    claims = _exchange_code(request, site, params.get("code", ""), flow)
    with transaction(state.sessions) as session:
        cookie, _ = identity.start_session(
            session, _secret(request), account_id=str(claims["sub"]), site=site.client_id,
            methods=list(claims.get("amr", [])),
        )  # fmt: skip
    response = RedirectResponse(flow["next"], status_code=303)
    response.set_cookie(site.cookie, cookie, httponly=True, samesite="lax", secure=secure_cookies(request))
    response.delete_cookie(FLOW_COOKIE)
    return response


def _flow(request: Request, site: Site) -> dict[str, str]:
    serializer = URLSafeTimedSerializer(_secret(request), salt=f"flow:{site.client_id}")
    try:
        flow: dict[str, str] = serializer.loads(request.cookies.get(FLOW_COOKIE, ""), max_age=600)
    except BadSignature as error:
        raise SignInFailed(
            "sign_in.flow_expired", "로그인 시간이 지났습니다. 처음부터 다시 해 주세요."
        ) from error
    return flow


def _exchange_code(request: Request, site: Site, code: str, flow: dict[str, str]) -> dict[str, Any]:
    """The token endpoint, called in-process with the site's own client credentials."""
    state = app_state(request)
    credentials = base64.b64encode(f"{site.client_id}:{site_secret(state.settings, site)}".encode()).decode()
    form = [
        ("grant_type", "authorization_code"),
        ("code", code[:200]),
        ("redirect_uri", f"{state.settings.public_url}{site.callback}"),
        ("code_verifier", flow["verifier"]),
    ]
    oauth = identity.OAuthRequest(
        "POST", f"{state.tokens.issuer}/oauth/token", [], form, {"Authorization": f"Basic {credentials}"}
    )
    with transaction(state.sessions) as session:
        status, body, _ = identity.Provider(session, state.tokens).create_token_response(oauth)
    if status != 200 or not isinstance(body, dict) or "id_token" not in body:
        raise SignInFailed("sign_in.code_refused", "로그인을 마치지 못했습니다. 처음부터 다시 해 주세요.")
    claims = state.tokens.verify_id_token(body["id_token"], audience=site.client_id)
    if claims.get("nonce") != flow["nonce"]:
        raise SignInFailed("sign_in.nonce_mismatch", "로그인 요청이 맞지 않습니다. 처음부터 다시 해 주세요.")
    return claims


@router.get("/sign-in", dependencies=[allow("public", purpose="sign_in")])
def portal_sign_in(request: Request) -> Response:
    return _start(request, PORTAL)


@router.get("/auth/callback", dependencies=[allow("public", purpose="sign_in")])
def portal_callback(request: Request) -> Response:
    return _finish(request, PORTAL)


@router.get("/office/sign-in", dependencies=[allow("public", purpose="sign_in")])
def office_sign_in(request: Request) -> Response:
    return _start(request, OFFICE)


@router.get("/office/auth/callback", dependencies=[allow("public", purpose="sign_in")])
def office_callback(request: Request) -> Response:
    return _finish(request, OFFICE)


def _sign_out(request: Request, site: Site) -> Response:
    """Sign out of this site and of the provider (the form was CSRF-checked, so no question is asked);
    other sites' own sessions end at their own sign-out or timeout."""
    with transaction(app_state(request).sessions) as session:
        identity.end_session(session, _secret(request), request.cookies.get(site.cookie))
        identity.end_session(session, _secret(request), request.cookies.get(PROVIDER_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(site.cookie)
    response.delete_cookie(PROVIDER_COOKIE)
    return response


@router.post("/sign-out", dependencies=[allow("public", purpose="sign_out")])
def portal_sign_out(request: Request) -> Response:
    return _sign_out(request, PORTAL)


@router.post("/office/sign-out", dependencies=[allow("public", purpose="sign_out")])
def office_sign_out(request: Request) -> Response:
    return _sign_out(request, OFFICE)


@router.post("/sign-out-everywhere")
def sign_out_everywhere(request: Request, principal: Signed) -> Response:
    """Every session on every device ends; refresh tokens are revoked; access tokens stop working."""
    state = app_state(request)
    assert principal.account_id is not None
    with transaction(state.sessions) as session:
        identity.sign_out_everywhere(session, principal.account_id)
    state.revocations.forget(account_id=principal.account_id)
    log_event(
        request, "identity.signed_out_everywhere", refused=False, actor=principal.actor, target="all sessions"
    )
    response: Response = RedirectResponse("/", status_code=303)
    for cookie in (PORTAL.cookie, OFFICE.cookie, PROVIDER_COOKIE):
        response.delete_cookie(cookie)
    return response
