"""The provider's endpoints (통합로그인): discovery, JWKS, authorise (with consent), token, userinfo,
revocation and logout. Each authenticates its caller by the protocol itself, so each is declared public.

Errors follow OAuth: a bad client or redirect URI is shown as a Korean page and never redirected to (no
open redirect); other authorisation errors go back to the client's registered redirect URI; the token
endpoint answers ``{"error": …}`` JSON. Every refusal is also written to the security log.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode, urlsplit

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.errors import OAuth2Error as ErrorBase
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nara import consent, identity
from nara.kernel.clock import utcnow
from nara.kernel.db import transaction
from nara.kernel.errors import RefusedError
from nara.web.access import (
    SITE_COOKIES,
    allow,
    csrf_token,
    log_event,
    principal_for_account,
    principal_of,
    set_csrf_cookie,
)
from nara.web.deps import app_state
from nara.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[allow("public", purpose="sign_in")])
# Endpoints that clients (not browsers' forms) call, authenticated by the OAuth protocol itself.
protocol = APIRouter(include_in_schema=False, dependencies=[allow("public", purpose="oauth", csrf=False)])
PROVIDER_COOKIE = SITE_COOKIES[identity.PROVIDER]


def discovery_document(issuer: str) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "userinfo_endpoint": f"{issuer}/oauth/userinfo",
        "jwks_uri": f"{issuer}/oauth/jwks",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "end_session_endpoint": f"{issuer}/oauth/logout",
        "scopes_supported": list(identity.SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "name", "nara_account_kind", "auth_time", "amr", "nonce"],
        "ui_locales_supported": ["ko"],
    }


@protocol.get("/.well-known/openid-configuration")
def openid_configuration(request: Request) -> JSONResponse:
    return JSONResponse(discovery_document(app_state(request).tokens.issuer))


@protocol.get("/oauth/jwks")
def jwks(request: Request) -> JSONResponse:
    return JSONResponse(app_state(request).tokens.key.public_jwks())


def oauth_request(request: Request, form: list[tuple[str, str]] | None = None) -> identity.OAuthRequest:
    headers = {"Authorization": request.headers.get("authorization", "")}
    issuer = app_state(request).tokens.issuer
    return identity.OAuthRequest(
        request.method,
        f"{issuer}{request.url.path}?{request.url.query}",
        list(request.query_params.multi_items()),
        form or [],
        headers,
    )


def as_response(status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
    if status in (301, 302, 303):
        location = dict(headers).get("Location", "/")
        return RedirectResponse(location, status_code=303 if status == 303 else 302)
    content = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    extra = {k: v for k, v in headers if k.lower() != "content-type"}
    return Response(content, status_code=status, media_type="application/json", headers=extra)


def _log(request: Request, event: str, reason: str, target: str) -> None:
    log_event(request, event, refused=True, actor="anonymous", target=target, reason=reason)


class OAuthPageError(RefusedError):
    """An authorisation request we cannot send back to its client: shown to the person instead."""

    status = 400


def _authorization_error(request: Request, error: OAuth2Error) -> Response:
    client_id = request.query_params.get("client_id", "")
    _log(request, "oauth.authorize_refused", error.error, f"client:{client_id[:80]}")
    if error.redirect_uri:  # authlib sets it only once the client and its redirect URI are verified
        status, body, headers = error()
        return as_response(status, body, headers)
    raise OAuthPageError(
        f"oauth.{error.error}",
        "로그인을 요청한 누리집의 정보가 올바르지 않습니다. 그 누리집에서 처음부터 다시 시도해 주세요.",
    )


def provider_session(request: Request, session: Session) -> identity.Principal | None:
    cookie = request.cookies.get(PROVIDER_COOKIE)
    secret = app_state(request).settings.secret_key.get_secret_value().encode()
    live = identity.current_session(session, secret, cookie, identity.PROVIDER)
    if live is None:
        return None
    return principal_for_account(session, live.account_id, client_id=identity.PROVIDER, session_id=live.id)


@router.get("/oauth/authorize", response_model=None)
def authorize(request: Request) -> Response:
    state = app_state(request)
    with transaction(state.sessions) as session:
        provider = identity.Provider(session, state.tokens)
        oauth = oauth_request(request)
        try:
            grant = provider.get_consent_grant(oauth)
        except OAuth2Error as error:
            return _authorization_error(request, error)
        signed_in = provider_session(request, session)
        if signed_in is None:
            if request.query_params.get("prompt") == "none":
                return _authorization_error(request, _login_required(grant))
            target = f"{request.url.path}?{request.url.query}"
            return RedirectResponse(f"/login?{urlencode({'continue': target})}", status_code=303)
        client = grant.client.row
        if client.kind == "government":
            return _issue_code(request, session, provider, oauth, grant, signed_in, consent_id=None)
    return _consent_page(request, grant, client)


def _login_required(grant: Any) -> OAuth2Error:
    error = ErrorBase(redirect_uri=grant.redirect_uri, state=grant.request.payload.state)
    error.error = "login_required"
    return error


def _issue_code(
    request: Request,
    session: Session,
    provider: identity.Provider,
    oauth: identity.OAuthRequest,
    grant: Any,
    signed_in: identity.Principal,
    consent_id: str | None,
) -> Response:
    assert signed_in.account_id is not None
    account = identity.account(session, signed_in.account_id)
    methods, signed_in_at = identity.how_signed_in(session, signed_in.session_id)
    grantee = identity.Grantee(
        account,
        session_id=signed_in.session_id,
        methods=methods,
        auth_time=signed_in_at or utcnow(),
        consent_id=consent_id,
    )
    status, body, headers = provider.create_authorization_response(oauth, grant_user=grantee, grant=grant)
    return as_response(status, body, headers)


def _consent_page(request: Request, grant: Any, client: identity.OAuthClient) -> Response:
    asked = identity.parse_scopes(grant.request.payload.scope)
    scopes = [identity.SCOPES[name] for name in asked if name in identity.SCOPES]
    response = render(
        request,
        "oauth_consent.html",
        {
            "client": client,
            "scopes": scopes,
            "fields": list(request.query_params.multi_items()),
            "csrf_token": csrf_token(request),
        },
    )
    set_csrf_cookie(request, response)
    return response


@router.post("/oauth/authorize", response_model=None)
async def decide_consent(request: Request) -> Response:
    form = await request.form()
    state = app_state(request)
    pairs = [(k, str(v)) for k, v in form.multi_items() if k not in ("csrf_token", "decision")]
    with transaction(state.sessions) as session:
        provider = identity.Provider(session, state.tokens)
        oauth = identity.OAuthRequest(
            "GET", f"{state.tokens.issuer}/oauth/authorize", pairs, [], {"Authorization": ""}
        )
        try:
            grant = provider.get_consent_grant(oauth)
        except OAuth2Error as error:
            return _authorization_error(request, error)
        signed_in = provider_session(request, session)
        if signed_in is None or (signed_in.person_id is None and signed_in.kind == "citizen"):
            raise identity.SignInRequired("로그인이 끝났습니다. 앱에서 다시 시도해 주세요.")
        if form.get("decision") != "approve":
            status, body, headers = provider.create_authorization_response(
                oauth, grant_user=None, grant=grant
            )
            return as_response(status, body, headers)
        consent_id = _record_delegation(session, signed_in, grant)
        return _issue_code(request, session, provider, oauth, grant, signed_in, consent_id)


def _record_delegation(session: Session, signed_in: identity.Principal, grant: Any) -> str | None:
    """A delegated scope becomes a consent in 동의 관리; the code (and its tokens) name this consent."""
    delegated = identity.delegated(identity.parse_scopes(grant.request.payload.scope))
    if not delegated or signed_in.person_id is None:
        return None
    scope = delegated[0]
    assert scope.consent is not None
    given = consent.grant(
        session,
        signed_in.person_id,
        recipient=f"third_party:{grant.client.get_client_id()}",
        purpose=scope.consent.purpose,
        facts=list(scope.consent.facts),
        valid_until=utcnow() + scope.consent.valid_for,
    )
    return given.id


@protocol.post("/oauth/token")
async def token(request: Request) -> Response:
    form = await request.form()
    state = app_state(request)
    pairs = [(k, str(v)) for k, v in form.multi_items()]
    with transaction(state.sessions) as session:
        provider = identity.Provider(session, state.tokens)
        status, body, headers = provider.create_token_response(oauth_request(request, pairs))
    if status >= 400:
        error = body.get("error", "") if isinstance(body, dict) else ""
        _log(request, "oauth.token_refused", error, f"grant:{form.get('grant_type', '')}"[:80])
    return as_response(status, body, headers)


@protocol.api_route("/oauth/userinfo", methods=["GET", "POST"])
def userinfo(request: Request) -> JSONResponse:
    principal = principal_of(request)
    if principal.via != "token" or principal.account_id is None or "openid" not in principal.scopes:
        raise identity.TokenInvalid("insufficient_scope")
    with app_state(request).sessions() as session:
        info = identity.user_info(identity.account(session, principal.account_id), " ".join(principal.scopes))
    return JSONResponse(dict(info))


@protocol.post("/oauth/revoke")
async def revoke(request: Request) -> Response:
    form = await request.form()
    state = app_state(request)
    with transaction(state.sessions) as session:
        provider = identity.Provider(session, state.tokens)
        client = provider.authenticate_client(
            oauth_request(request, [(k, str(v)) for k, v in form.multi_items()]),
            ["client_secret_basic", "client_secret_post"],
            "revocation",
        )
        identity.revoke_refresh_token(session, str(form.get("token", "")), client.get_client_id())
    return Response(status_code=200)


@router.get("/oauth/logout", response_class=HTMLResponse, response_model=None)
def logout(request: Request, post_logout_redirect_uri: str = "", id_token_hint: str = "") -> Response:
    """RP-initiated logout. With an ID token we issued to the client as the hint, the provider session
    ends at once and the person returns to the client's registered URI (no other). Without one, anyone
    could sign a person out by linking here, so the person is asked first."""
    state = app_state(request)
    client_id = request.query_params.get("client_id", "")[:80]
    with state.sessions() as session:
        client = identity.find_client(session, client_id)
    back = (
        post_logout_redirect_uri
        if client is not None and post_logout_redirect_uri in client.post_logout_redirect_uris
        else ""
    )
    if not _hint_is_valid(request, id_token_hint, client_id):
        response = render(request, "sign_out_confirm.html", {"csrf_token": csrf_token(request), "back": back})
        set_csrf_cookie(request, response)
        return response
    return _end_provider_session(request, back)


def _hint_is_valid(request: Request, id_token_hint: str, client_id: str) -> bool:
    if not id_token_hint or not client_id:
        return False
    try:
        app_state(request).tokens.verify_id_token(id_token_hint[:8192], audience=client_id)
    except identity.TokenInvalid:
        return False
    return True


@router.post("/oauth/logout", response_model=None)
async def confirm_logout(request: Request) -> Response:
    """The person confirmed on the page above (the form carries the CSRF token)."""
    back = str((await request.form()).get("back", ""))
    with app_state(request).sessions() as session:
        allowed = any(back in c.post_logout_redirect_uris for c in identity.all_clients(session) if back)
    return _end_provider_session(request, back if allowed else "")


def _end_provider_session(request: Request, back: str) -> Response:
    state = app_state(request)
    secret = state.settings.secret_key.get_secret_value().encode()
    with transaction(state.sessions) as session:
        identity.end_session(session, secret, request.cookies.get(PROVIDER_COOKIE))
    if back and urlsplit(back).scheme in ("http", "https"):
        response: Response = RedirectResponse(back, status_code=303)
    else:
        response = render(request, "signed_out.html", {})
    response.delete_cookie(PROVIDER_COOKIE)
    return response
