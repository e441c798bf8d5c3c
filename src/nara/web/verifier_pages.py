"""확인 기관 창구 (verifier portal) for banks and offices: register (name, purpose, retention), ask for
exactly what is needed ("19세 이상 + 이름", "주소만"), show the request as a QR code and a same-device
link, and see the verified answer. Works without JavaScript (the result page refreshes itself).

A verifier signs in to its portal with the key shown once at registration (kept in an HttpOnly cookie
on this browser); the portal is public otherwise, like a counter anyone may open.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara.kernel.db import transaction
from nara.wallet import verifier
from nara.wallet.models import Verifier
from nara.wallet.refusals import WalletRefused
from nara.wallet.schemas import DOC_TYPES, offered_claims
from nara.web.access import allow, csrf_token, secure_cookies, set_csrf_cookie
from nara.web.deps import app_state
from nara.web.templating import render
from nara.web.wallet_api import wallet_of
from nara.web.wallet_pages import qr_svg

router = APIRouter(include_in_schema=False, dependencies=[allow("public", purpose="verifier_portal")])
COOKIE = "nara_verifier"
RequestId = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class VerifierSignInRequired(WalletRefused):
    def __init__(self) -> None:
        super().__init__(
            "wallet.verifier_sign_in",
            "확인 기관으로 등록하거나 기관 키로 들어온 뒤 이용할 수 있습니다. 확인 기관 창구(/verifier)로 가 주세요.",
            status=403,
        )


def _page(request: Request, template: str, **context: object) -> HTMLResponse:
    context["csrf_token"] = csrf_token(request)
    response = render(request, template, context)
    response.headers["Cache-Control"] = "no-store"
    set_csrf_cookie(request, response)
    return response


def _signed_in(request: Request) -> Verifier | None:
    verifier_id, _, key = request.cookies.get(COOKIE, "").partition(".")
    if not verifier_id or not key:
        return None
    with app_state(request).sessions() as session:
        return verifier.verifier_for_key(session, verifier_id, key)


def _require(request: Request) -> Verifier:
    found = _signed_in(request)
    if found is None:
        raise VerifierSignInRequired()
    return found


def _remember(request: Request, response: Response, verifier_id: str, key: str) -> None:
    response.set_cookie(
        COOKIE,
        f"{verifier_id}.{key}",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/verifier",
    )


@router.get("/verifier", response_class=HTMLResponse)
def portal(request: Request) -> HTMLResponse:
    found = _signed_in(request)
    recent: list[object] = []
    if found is not None:
        with app_state(request).sessions() as session:
            recent = list(verifier.requests_of(session, found))
    choices = {code: offered_claims(doc) for code, doc in DOC_TYPES.items()}
    return _page(
        request, "verifier_home.html", verifier=found, presets=verifier.PRESETS, recent=recent,
        doc_types=DOC_TYPES, choices=choices,
    )  # fmt: skip


@router.post("/verifier/register", response_class=HTMLResponse)
def register(
    request: Request,
    name: Annotated[str, Form(max_length=200)],
    purpose: Annotated[str, Form(max_length=300)],
    retention_days: Annotated[int, Form(ge=0, le=3650)],
) -> HTMLResponse:
    with transaction(app_state(request).sessions) as session:
        found, key = verifier.do_register_verifier(
            session, wallet_of(request), name=name, purpose=purpose, retention_days=retention_days
        )
    response = _page(request, "verifier_registered.html", verifier=found, key=key)
    _remember(request, response, found.id, key)
    return response


@router.post("/verifier/sign-in")
def sign_in(
    request: Request,
    verifier_id: Annotated[str, Form(max_length=40)],
    key: Annotated[str, Form(max_length=100)],
) -> Response:
    with app_state(request).sessions() as session:
        found = verifier.verifier_for_key(session, verifier_id.strip(), key.strip())
    if found is None:
        raise WalletRefused(
            "wallet.verifier_key",
            "기관 번호나 기관 키가 맞지 않습니다. 등록할 때 받은 값을 확인해 주세요.",
            status=403,
        )
    response = RedirectResponse("/verifier", status_code=303)
    _remember(request, response, found.id, key.strip())
    return response


@router.post("/verifier/requests")
def create_request(
    request: Request,
    preset: Annotated[str, Form(max_length=40)] = "",
    doc: Annotated[str, Form(max_length=60)] = "",
    claims: Annotated[list[str] | None, Form()] = None,
) -> Response:
    found = _require(request)
    chosen = verifier.PRESETS.get(preset)
    doc_code, names = (chosen.doc, list(chosen.claims)) if chosen else (doc, list(claims or []))
    label = chosen.label if chosen else f"{DOC_TYPES[doc].label if doc in DOC_TYPES else doc}: 직접 고른 항목"
    with transaction(app_state(request).sessions) as session:
        made = verifier.do_create_request(session, found, doc=doc_code, claims=names, label=label)
    return RedirectResponse(f"/verifier/requests/{made.id}", status_code=303)


@router.get("/verifier/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, request_id: RequestId) -> HTMLResponse:
    found = _require(request)
    ctx = wallet_of(request)
    with transaction(app_state(request).sessions) as session:
        row, view = verifier.request_view(session, found, request_id)
        link = verifier.authorization_uri(ctx, found, row)
    same_device = f"/wallet/present?request={quote(link, safe='')}"
    return _page(
        request, "verifier_request.html", verifier=found, view=view, link=link, same_device=same_device,
        qr=qr_svg(link, f"{view.label} 요청 QR 코드") if view.status == "pending" else "",
    )  # fmt: skip
