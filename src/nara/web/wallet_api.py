"""The wallet's protocol endpoints: OpenID4VCI (issuer metadata, token, nonce, credential), the Token
Status Lists, and OpenID4VP (verifier metadata, signed request objects, ``direct_post`` responses).

Each is called by a wallet or a verifier, not by a browser form, and authenticates by the protocol
itself (a pre-authorised code, a proof of the holder key, a key-binding JWT); the credential endpoint
takes the access token the token endpoint gave. Errors are RFC 9457 problem details with a stable
``code`` and, beside it, the OAuth ``error`` value standard clients read.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from nara import identity
from nara.kernel.db import transaction
from nara.wallet import issuer, statuses, verifier
from nara.wallet.context import API, WalletContext
from nara.wallet.refusals import WalletRefused
from nara.web.access import allow
from nara.web.deps import app_state

router = APIRouter(include_in_schema=False)
Protocol = allow("public", purpose="wallet_protocol", csrf=False)
Holder = Annotated[
    identity.Principal,
    allow("citizen", purpose="wallet_issuance", scopes=(issuer.ISSUANCE_SCOPE,), csrf=False),
]
Id = Annotated[str, Path(max_length=80, pattern=r"^[A-Za-z0-9_-]+$")]
NO_STORE = {"Cache-Control": "no-store"}


def wallet_of(request: Request) -> WalletContext:
    ctx: WalletContext = request.app.state.wallet
    return ctx


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=NO_STORE | (headers or {}))


# --- OpenID4VCI -----------------------------------------------------------------------------------------


@router.get("/.well-known/openid-credential-issuer", dependencies=[Protocol])
def credential_issuer_metadata(request: Request) -> JSONResponse:
    return JSONResponse(issuer.issuer_metadata(wallet_of(request)))


@router.get(f"/.well-known/oauth-authorization-server{API}", dependencies=[Protocol])
def authorization_server_metadata(request: Request) -> JSONResponse:
    return JSONResponse(issuer.authorization_server_metadata(wallet_of(request)))


@router.get("/.well-known/jwt-vc-issuer", dependencies=[Protocol])
def jwt_vc_issuer_metadata(request: Request) -> JSONResponse:
    return JSONResponse(issuer.jwt_vc_issuer_metadata(wallet_of(request)))


@router.post(f"{API}/token", dependencies=[Protocol])
def token(
    request: Request,
    grant_type: Annotated[str, Form(max_length=200)],
    pre_authorized_code: Annotated[str, Form(alias="pre-authorized_code", max_length=200)] = "",
) -> JSONResponse:
    ctx = wallet_of(request)
    with transaction(app_state(request).sessions) as session:
        body = issuer.do_redeem_code(session, ctx, grant_type=grant_type, code=pre_authorized_code)
    return _json(body)


@router.post(f"{API}/nonce", dependencies=[Protocol])
def nonce(request: Request) -> JSONResponse:
    with transaction(app_state(request).sessions) as session:
        value = issuer.do_new_nonce(session)
    return _json({"c_nonce": value})


@router.post(f"{API}/credential")
async def credential(request: Request, principal: Holder) -> JSONResponse:
    try:
        body = await request.json()
    except ValueError as error:
        raise WalletRefused(
            "wallet.invalid_request", "요청 본문이 JSON이 아닙니다.", error="invalid_credential_request"
        ) from error
    token_value = request.headers.get("authorization", "").partition(" ")[2].strip()
    issued = await run_in_threadpool(_issue, request, principal, token_value, body)
    return _json({"credentials": [{"credential": value} for value in issued]})


def _issue(request: Request, principal: identity.Principal, token_value: str, body: Any) -> list[str]:
    ctx, sessions = wallet_of(request), app_state(request).sessions
    assert principal.person_id is not None
    with transaction(sessions) as session:
        claimed = issuer.do_claim_offer(
            session, ctx, token=token_value, person_id=principal.person_id, body=body
        )
    batch = issuer.new_batch_id()
    claims = issuer.read_document(ctx, claimed, batch)  # the exchange logs the read first
    with transaction(sessions) as session:
        return issuer.do_issue(session, ctx, claimed, claims, batch)


# --- status lists ---------------------------------------------------------------------------------------


@router.get(f"{API}/status-lists/{{list_id}}", dependencies=[Protocol])
def status_list_token(request: Request, list_id: Id) -> Response:
    ctx = wallet_of(request)
    with app_state(request).sessions() as session:
        token_text = statuses.published_token(session, ctx, list_id)
    return Response(
        token_text,
        media_type="application/statuslist+jwt",
        headers={"Cache-Control": f"max-age={ctx.status_ttl}"},
    )


# --- OpenID4VP (the verifiers' side) ---------------------------------------------------------------------


@router.get(f"{API}/verifiers/{{client_id}}", dependencies=[Protocol])
def verifier_metadata(request: Request, client_id: Id) -> JSONResponse:
    with app_state(request).sessions() as session:
        return JSONResponse(verifier.verifier_metadata(session, wallet_of(request), client_id))


@router.get(f"{API}/verifier/requests/{{request_id}}/object", dependencies=[Protocol])
def request_object(request: Request, request_id: Id) -> Response:
    with app_state(request).sessions() as session:
        jwt = verifier.request_object(session, wallet_of(request), request_id)
    return Response(jwt, media_type="application/oauth-authz-req+jwt", headers=NO_STORE)


@router.post(f"{API}/verifier/response", dependencies=[Protocol])
def direct_post(
    request: Request,
    vp_token: Annotated[str, Form(max_length=200_000)] = "",
    state: Annotated[str, Form(max_length=100)] = "",
    error: Annotated[str, Form(max_length=100)] = "",
) -> JSONResponse:
    ctx = wallet_of(request)
    with transaction(app_state(request).sessions) as session:
        if error or not vp_token:
            outcome = verifier.do_record_wallet_error(session, state=state, error=error or "invalid_request")
        else:
            assert ctx.checker is not None
            outcome = verifier.do_receive_response(session, ctx, ctx.checker, vp_token=vp_token, state=state)
    if not outcome.verified:
        raise WalletRefused(outcome.code, outcome.message, error="invalid_request")
    return _json({"receipt": outcome.receipt})
