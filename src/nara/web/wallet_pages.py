"""전자지갑 for the signed-in citizen: hold certificates, get new ones, present them to a bank or an office,
and see where they went (유통이력). Works without JavaScript.

The web wallet is a separate party from the issuer and the verifiers: it reaches them only through
their protocol endpoints, over HTTP calls that stay inside this process (``InProcessTransport``), and
only at this site's own address (it opens no link to anywhere else).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import anyio.from_thread
import httpx
import segno
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp

from nara import identity
from nara.kernel.db import transaction
from nara.wallet import history, holder, issuer, statuses
from nara.wallet.refusals import WalletRefused
from nara.wallet.schemas import DOC_TYPES, doc_type
from nara.web.access import allow, csrf_token, set_csrf_cookie
from nara.web.deps import app_state
from nara.web.templating import render
from nara.web.wallet_api import wallet_of

router = APIRouter(include_in_schema=False)
Citizen = Annotated[identity.Principal, allow("citizen", purpose="wallet")]
NO_STORE = {"Cache-Control": "no-store"}


def _foreign() -> WalletRefused:
    return WalletRefused(
        "wallet.foreign_origin",
        "나라에 등록된 기관의 요청만 열 수 있습니다. 기관 화면의 QR 코드를 다시 확인해 주세요.",
    )


DONE = {
    "issued": "증명서를 받았습니다. 아래 목록에서 확인해 주세요.",
}


# --- HTTP to the issuer and verifiers, in-process ----------------------------------------------------------


class InProcessTransport(httpx.BaseTransport):
    """httpx calls to this application without leaving the process (from a route's worker thread)."""

    def __init__(self, app: ASGIApp, origin: str) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._origin = origin

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not str(request.url).startswith(f"{self._origin}/"):
            raise _foreign()
        return anyio.from_thread.run(self._call, request)

    async def _call(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        content = await response.aread()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )


def protocol_client(request: Request) -> httpx.Client:
    ctx = wallet_of(request)
    return httpx.Client(
        transport=InProcessTransport(request.app, ctx.public_url), base_url=ctx.public_url, timeout=30
    )


def qr_svg(data: str, title: str) -> str:
    """A QR code as inline SVG (no script, no external image)."""
    return str(segno.make(data, error="m").svg_inline(scale=4, title=title, dark="#000", light="#fff"))


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    context["csrf_token"] = csrf_token(request)
    response = render(request, template, context)
    response.headers.update(NO_STORE)
    set_csrf_cookie(request, response)
    return response


def _person(principal: identity.Principal) -> str:
    assert principal.person_id is not None
    return principal.person_id


def wallet_status(request: Request) -> statuses.StatusChecker:
    """The web wallet's own status-list cache (not the verifiers')."""
    checker: statuses.StatusChecker | None = getattr(request.app.state, "wallet_status", None)
    if checker is None:
        checker = request.app.state.wallet_status = statuses.StatusChecker(wallet_of(request))
    return checker


def _status_of(request: Request, group: holder.HeldGroup) -> str:
    if group.expired:
        return "유효기간 지남"
    if group.status_uri is None or group.status_index is None:
        return "확인 불가"
    try:
        value = wallet_status(request).status(group.status_uri, group.status_index)
    except (WalletRefused, ValueError) as error:
        return f"확인 불가 ({getattr(error, 'code', 'error')})"
    name = next((key for key, number in statuses.STATUS_VALUES.items() if number == value), "valid")
    return statuses.STATUS_NAMES[name]


# --- the wallet -------------------------------------------------------------------------------------------


@router.get("/wallet", response_class=HTMLResponse, response_model=None)
def wallet_home(request: Request, principal: Citizen) -> Response:
    ctx = wallet_of(request)
    with app_state(request).sessions() as session:
        held = holder.groups(session, ctx.store_vault, _person(principal))
    shown = [{"group": g, "status": _status_of(request, g), "rows": _claim_rows(g)} for g in held]
    return _page(
        request, "wallet_home.html", held=shown, doc_types=list(DOC_TYPES.values()),
        done=DONE.get(request.query_params.get("done", ""), ""),
    )  # fmt: skip


def _claim_rows(group: holder.HeldGroup) -> list[tuple[str, str]]:
    doc = doc_type(group.doc_type)
    rows = []
    for name, value in group.claims.items():
        if name in ("iss", "iat", "exp", "vct", "cnf", "status") or doc is None or doc.claim(name) is None:
            continue
        rows.append((doc.label_of(name), _shown(value)))
    return rows


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "예" if value else "아니요"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values())
    return str(value)


@router.post("/wallet/issue", response_model=None)
def get_certificate(
    request: Request, principal: Citizen, doc: Annotated[str, Form(max_length=60)]
) -> Response:
    """Ask the issuer for a certificate and receive it into this wallet (OpenID4VCI, in-process HTTP)."""
    ctx, sessions = wallet_of(request), app_state(request).sessions
    offer = _new_offer(request, principal, doc)
    with protocol_client(request) as client:
        copies = holder.receive(client, offer.body)
    with transaction(sessions) as session:
        holder.do_store(session, ctx.store_vault, _person(principal), copies)
    return RedirectResponse("/wallet?done=issued", status_code=303)


def _new_offer(request: Request, principal: identity.Principal, doc: str) -> issuer.Offer:
    with transaction(app_state(request).sessions) as session:
        return issuer.do_create_offer(
            session,
            wallet_of(request),
            person_id=_person(principal),
            account_id=principal.account_id or "",
            doc=doc,
        )


@router.post("/wallet/offer", response_class=HTMLResponse, response_model=None)
def offer_for_another_wallet(
    request: Request, principal: Citizen, doc: Annotated[str, Form(max_length=60)]
) -> Response:
    """The same offer as a QR code and a link, for a wallet app on the citizen's phone."""
    offer = _new_offer(request, principal, doc)
    chosen = DOC_TYPES[offer.doc_type]
    return _page(
        request, "wallet_offer.html", doc=chosen, offer_uri=offer.uri,
        qr=qr_svg(offer.uri, f"{chosen.label} 발급 QR 코드"), minutes=wallet_of(request).offer_minutes,
    )  # fmt: skip


# --- presenting -----------------------------------------------------------------------------------------


def _resolve(request: Request, link: str) -> holder.VerifierRequest:
    auth = holder.parse_authorization(link)
    if not auth.request_uri.startswith(f"{wallet_of(request).public_url}/"):
        raise _foreign()
    with protocol_client(request) as client:
        return holder.resolve(client, auth, wallet_of(request).url("/verifiers/"))


@router.get("/wallet/present", response_class=HTMLResponse, response_model=None)
def choose_what_to_show(
    request: Request, principal: Citizen, link: Annotated[str, Query(alias="request", max_length=2000)] = ""
) -> Response:
    if not link:
        return _page(request, "wallet_present.html", asked=None, link="")
    asked = _resolve(request, link)
    ctx = wallet_of(request)
    with app_state(request).sessions() as session:
        found = holder.candidates(holder.groups(session, ctx.store_vault, _person(principal)), asked)
    wanted = next((d for d in DOC_TYPES.values() if d.vct in asked.vct_values), None)
    return _page(
        request, "wallet_present.html", asked=asked, link=link, candidates=found, doc=wanted,
        options=_options(wanted, found, asked),
    )  # fmt: skip


def _options(doc: Any, found: list[holder.HeldGroup], asked: holder.VerifierRequest) -> list[dict[str, Any]]:
    """Every claim the held credential can show: ticked only when asked for, never the sensitive ones."""
    if doc is None or not found:
        return []
    present = found[0].claims
    return [
        {"name": c.name, "label": c.label, "asked": c.name in asked.asked, "ticked": c.name in asked.asked and not c.sensitive,
         "sensitive": c.sensitive, "value": _shown(present[c.name])}
        for c in doc.claims if c.name in present
    ]  # fmt: skip


@router.post("/wallet/present", response_class=HTMLResponse, response_model=None)
def present(
    request: Request,
    principal: Citizen,
    link: Annotated[str, Form(alias="request", max_length=2000)],
    action: Annotated[str, Form(max_length=10)] = "submit",
    group: Annotated[str, Form(max_length=40)] = "",
    claims: Annotated[list[str] | None, Form()] = None,
) -> Response:
    owner, ctx, sessions = _person(principal), wallet_of(request), app_state(request).sessions
    asked = _resolve(request, link)
    if action != "submit":
        with protocol_client(request) as client:
            client.post(asked.response_uri, data={"error": "access_denied", "state": asked.state})
        return _page(
            request,
            "wallet_result.html",
            asked=asked,
            accepted=False,
            declined=True,
            message="",
            disclosed=[],
        )
    with transaction(sessions) as session:
        prepared = holder.do_prepare(session, ctx.store_vault, owner, group, asked, list(claims or []))
    with protocol_client(request) as client:
        answer = holder.submit(client, asked, prepared.vp_token)
    with transaction(sessions) as session:
        _record(session, owner, asked, prepared, answer)
    doc = doc_type(prepared.doc_type)
    labels = [doc.label_of(name) if doc else name for name in prepared.disclosed]
    return _page(
        request, "wallet_result.html", asked=asked, accepted=answer.accepted, declined=False,
        message=answer.message, code=answer.code, disclosed=labels,
    )  # fmt: skip


def _record(
    session: Any, owner: str, asked: holder.VerifierRequest, prepared: holder.Prepared, answer: holder.Answer
) -> None:
    """The presentation in the history and the access log; the receipt kept; or the failure, with its reason."""
    position = history.record_presentation_access(
        session, owner, verifier=asked.client_id, doc_type=prepared.doc_type, claims=prepared.disclosed,
        purpose=asked.purpose, accepted=answer.accepted, reference=asked.state[:40],
    )  # fmt: skip
    if not answer.accepted:
        history.record(
            session, owner, "failure", prepared.doc_type, asked.client_name, claims=prepared.disclosed,
            detail=f"{answer.message} ({answer.code})", reference=asked.state[:40], access_position=position,
        )  # fmt: skip
        return
    history.record(
        session, owner, "presentation", prepared.doc_type, asked.client_name, claims=prepared.disclosed,
        detail=f"목적: {asked.purpose} · 보관 {asked.retention_days}일", reference=asked.state[:40], access_position=position,
    )  # fmt: skip
    receipt = holder.do_keep_receipt(session, owner, asked, prepared.vp_token, answer.receipt)
    history.record(
        session, owner, "receipt", prepared.doc_type, asked.client_name, claims=prepared.disclosed,
        detail=f"제출 요약값 {receipt.presentation_hash[:16]}…", reference=receipt.id,
    )  # fmt: skip


# --- history ---------------------------------------------------------------------------------------------


@router.get("/wallet/history", response_class=HTMLResponse, response_model=None)
def my_history(request: Request, principal: Citizen) -> Response:
    with app_state(request).sessions() as session:
        lines = history.lines(session, _person(principal))
    return _page(request, "wallet_history.html", lines=lines)


@router.get("/wallet/history.json", response_model=None)
def my_history_json(request: Request, principal: Citizen) -> Response:
    with app_state(request).sessions() as session:
        body = history.export_json(history.lines(session, _person(principal)))
    return Response(body, media_type="application/json", headers=_attachment("nara-wallet-history.json"))


@router.get("/wallet/history.csv", response_model=None)
def my_history_csv(request: Request, principal: Citizen) -> Response:
    with app_state(request).sessions() as session:
        body = "\ufeff" + history.export_csv(
            history.lines(session, _person(principal))
        )  # BOM: Excel reads UTF-8
    return Response(
        body, media_type="text/csv; charset=utf-8", headers=_attachment("nara-wallet-history.csv")
    )


def _attachment(name: str) -> dict[str, str]:
    return NO_STORE | {"Content-Disposition": f'attachment; filename="{quote(name)}"'}
