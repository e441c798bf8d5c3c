"""The provider's own pages: sign in with a passkey or a one-time code, and enrol (가입) with identity
proofing. They set the provider session (``nara_op``) and return to the authorisation request that sent
the person here. Forms work without JavaScript; only the passkey button needs it (static/passkey.js).
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from nara import identity
from nara.kernel.db import transaction
from nara.kernel.errors import InvalidInputError
from nara.web.access import SITE_COOKIES, allow, form_page, log_event, secret_key, secure_cookies
from nara.web.deps import app_state

router = APIRouter(include_in_schema=False, dependencies=[allow("public", purpose="sign_in")])
PROVIDER_COOKIE = SITE_COOKIES[identity.PROVIDER]
CEREMONY_COOKIE = "nara_webauthn"
_CEREMONY_SECONDS = 180


def safe_continue(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another site: no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/sign-in"
    return target


def _signed_in(request: Request, account_id: str, methods: list[str], target: str) -> Response:
    state = app_state(request)
    with transaction(state.sessions) as session:
        cookie, _ = identity.start_session(
            session, secret_key(request), account_id=account_id, site=identity.PROVIDER, methods=methods
        )
    log_event(
        request, "identity.sign_in", refused=False, actor=f"account:{account_id}", target=identity.PROVIDER,
        reason="+".join(methods),
    )  # fmt: skip
    response = RedirectResponse(safe_continue(target), status_code=303)
    response.set_cookie(
        PROVIDER_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=12 * 3600,
    )
    return response


def _refused(request: Request, event: str, error: identity.IdentityError, target: str) -> None:
    log_event(request, event, refused=True, actor="anonymous", target=target, reason=error.code)


# --- sign in --------------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def loginform_page(request: Request) -> HTMLResponse:
    target = safe_continue(request.query_params.get("continue"))
    return form_page(
        request, "login.html", target=target, enrol_link=f"/enrol?{urlencode({'continue': target})}"
    )


@router.post("/login/code", response_class=HTMLResponse)
def send_sign_in_code(
    request: Request,
    phone: Annotated[str, Form(max_length=20)],
    target: Annotated[str, Form(alias="continue", max_length=2000)] = "/sign-in",
) -> HTMLResponse:
    """Sends a code if an account has this phone; answers the same either way (no account probing)."""
    state = app_state(request)
    number = identity.normalise_phone(phone)
    with transaction(state.sessions) as session:
        if identity.accounts_with_phone(session, number):
            code_id = identity.send_code(
                session, state.outbox, secret_key(request), phone=number, purpose="sign_in"
            )
        else:
            code_id = secrets.token_urlsafe(16)  # looks like a real one; matches no code
    return form_page(
        request, "login_code.html", code_id=code_id, target=safe_continue(target), phone=_masked(number)
    )


@router.post("/login/code/verify", response_model=None)
def verify_sign_in_code(
    request: Request,
    code_id: Annotated[str, Form(max_length=40)],
    code: Annotated[str, Form(max_length=12)],
    target: Annotated[str, Form(alias="continue", max_length=2000)] = "/sign-in",
) -> Response:
    state = app_state(request)
    try:
        with transaction(state.sessions) as session:
            phone = _checked_code(session, request, code_id, code, "sign_in")
            accounts = identity.accounts_with_phone(session, phone) if phone else []
    except identity.IdentityError as error:
        _refused(request, "identity.code_refused", error, "sign_in")
        return form_page(request, "login_code.html", 400, code_id=code_id, target=target, error=error.detail)
    if not accounts:
        return form_page(
            request, "login_code.html", 400, code_id=code_id, target=target, error="인증번호가 맞지 않습니다."
        )
    return _signed_in(request, accounts[0].id, ["otp"], target)


def _checked_code(session: Any, request: Request, code_id: str, code: str, purpose: str) -> str:
    """The phone of a right code. A wrong try is committed before the refusal (so it counts)."""
    try:
        return identity.check_code(session, secret_key(request), code_id=code_id, code=code, purpose=purpose)
    except identity.IdentityError:
        session.commit()
        raise


def _masked(phone: str) -> str:
    return phone[:4] + "****" + phone[8:] if len(phone) == 13 else "등록된 번호"


# --- passkeys ---------------------------------------------------------------------------------------


def _ceremony_cookie(request: Request, response: Response, challenge: bytes, purpose: str) -> None:
    serializer = URLSafeTimedSerializer(secret_key(request), salt="webauthn")
    value = serializer.dumps({"challenge": base64.urlsafe_b64encode(challenge).decode(), "purpose": purpose})
    response.set_cookie(
        CEREMONY_COOKIE, value, max_age=_CEREMONY_SECONDS, httponly=True, samesite="strict",
        secure=secure_cookies(request),
    )  # fmt: skip


def _ceremony_challenge(request: Request, purpose: str) -> bytes:
    serializer = URLSafeTimedSerializer(secret_key(request), salt="webauthn")
    try:
        data = serializer.loads(request.cookies.get(CEREMONY_COOKIE, ""), max_age=_CEREMONY_SECONDS)
    except BadSignature as error:
        raise identity.PasskeyInvalid("패스키 확인 시간이 지났습니다. 다시 시도해 주세요.") from error
    if data.get("purpose") != purpose:
        raise identity.PasskeyInvalid()
    return base64.urlsafe_b64decode(data["challenge"])


@router.post("/login/passkey/options")
def passkey_sign_in_options(request: Request) -> JSONResponse:
    ceremony = identity.authentication_ceremony(app_state(request).relying_party)
    response = JSONResponse(json.loads(ceremony.options_json))
    _ceremony_cookie(request, response, ceremony.challenge, "sign_in")
    return response


@router.post("/login/passkey", response_model=None)
async def passkey_sign_in(request: Request) -> Response:
    state = app_state(request)
    body = (await request.body()).decode(errors="replace")[:20_000]
    target = safe_continue(request.query_params.get("continue"))
    try:
        challenge = _ceremony_challenge(request, "sign_in")
        with transaction(state.sessions) as session:
            account_id = identity.verify_passkey(session, state.relying_party, body, challenge)
    except identity.IdentityError as error:
        _refused(request, "identity.passkey_refused", error, "sign_in")
        raise
    signed_in = _signed_in(request, account_id, ["passkey"], target)
    response = JSONResponse({"continue": signed_in.headers["location"]})
    response.raw_headers.extend(h for h in signed_in.raw_headers if h[0] == b"set-cookie")
    response.delete_cookie(CEREMONY_COOKIE)
    return response


# --- enrolment (가입: 본인확인 → 인증번호 → 패스키) -----------------------------------------------------


@router.get("/enrol", response_class=HTMLResponse)
def enrolform_page(request: Request) -> HTMLResponse:
    target = safe_continue(request.query_params.get("continue"))
    verifier = app_state(request).verifier
    return form_page(request, "enrol.html", target=target, verifier=verifier.name)


@router.post("/enrol", response_class=HTMLResponse)
def start_enrolment(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=40)],
    birth_date: Annotated[date, Form()],
    target: Annotated[str, Form(alias="continue", max_length=2000)] = "/sign-in",
) -> HTMLResponse:
    state = app_state(request)
    try:
        proven = state.verifier.find(name, birth_date)
    except identity.ProofingFailed as error:
        _refused(request, "identity.proofing_refused", error, "enrol")
        return form_page(
            request, "enrol.html", 400, target=target, verifier=state.verifier.name, error=error.detail
        )
    with transaction(state.sessions) as session:
        code_id = identity.send_code(
            session, state.outbox, secret_key(request), phone=proven.phone, purpose="enrol"
        )
    serializer = URLSafeTimedSerializer(secret_key(request), salt="enrol")
    pending = serializer.dumps(
        {"person_id": proven.person_id, "name": proven.display_name, "code_id": code_id}
    )
    return form_page(
        request, "enrol_code.html", pending=pending, target=safe_continue(target), phone=_masked(proven.phone)
    )


@router.post("/enrol/verify", response_model=None)
def finish_enrolment(
    request: Request,
    pending: Annotated[str, Form(max_length=1000)],
    code: Annotated[str, Form(max_length=12)],
    target: Annotated[str, Form(alias="continue", max_length=2000)] = "/sign-in",
) -> Response:
    state = app_state(request)
    try:
        data = URLSafeTimedSerializer(secret_key(request), salt="enrol").loads(pending, max_age=600)
    except BadSignature as error:
        raise InvalidInputError("가입 시간이 지났습니다. 처음부터 다시 해 주세요.") from error
    try:
        with transaction(state.sessions) as session:
            phone = _checked_code(session, request, data["code_id"], code, "enrol")
            account = identity.account_of_person(
                session, data["person_id"]
            ) or identity.create_citizen_account(
                session, person_id=data["person_id"], display_name=data["name"], phone=phone
            )
    except identity.IdentityError as error:
        _refused(request, "identity.code_refused", error, "enrol")
        return form_page(
            request, "enrol_code.html", 400, pending=pending, target=target, phone="", error=error.detail
        )
    return _signed_in(
        request, account.id, ["otp"], f"/enrol/passkey?{urlencode({'continue': safe_continue(target)})}"
    )


@router.get("/enrol/passkey", response_class=HTMLResponse)
def passkey_offer(request: Request) -> HTMLResponse:
    return form_page(
        request, "enrol_passkey.html", target=safe_continue(request.query_params.get("continue"))
    )


def _provider_account(request: Request) -> str:
    state = app_state(request)
    with transaction(state.sessions) as session:
        live = identity.current_session(
            session, secret_key(request), request.cookies.get(PROVIDER_COOKIE), identity.PROVIDER
        )
        if live is None:
            raise identity.SignInRequired("로그인한 뒤 패스키를 만들 수 있습니다.")
        return live.account_id


@router.post("/enrol/passkey/options")
def passkey_registration_options(request: Request) -> JSONResponse:
    state = app_state(request)
    account_id = _provider_account(request)
    with state.sessions() as session:
        account = identity.account(session, account_id)
        existing = [p.credential_id for p in identity.passkeys_of(session, account_id)]
    ceremony = identity.registration_ceremony(
        state.relying_party, account_id, account_id, account.display_name, existing
    )
    response = JSONResponse(json.loads(ceremony.options_json))
    _ceremony_cookie(request, response, ceremony.challenge, "register")
    return response


@router.post("/enrol/passkey")
async def passkey_register(request: Request) -> JSONResponse:
    state = app_state(request)
    account_id = _provider_account(request)
    body = (await request.body()).decode(errors="replace")[:20_000]
    challenge = _ceremony_challenge(request, "register")
    with transaction(state.sessions) as session:
        identity.register_passkey(session, state.relying_party, account_id, body, challenge)
    log_event(
        request, "identity.passkey_registered", refused=False, actor=f"account:{account_id}",
        target=identity.PROVIDER,
    )  # fmt: skip
    response = JSONResponse({"continue": safe_continue(request.query_params.get("continue"))})
    response.delete_cookie(CEREMONY_COOKIE)
    return response
