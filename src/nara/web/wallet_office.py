"""The issuer's back-office action: an official of the issuing agency revokes, suspends or reinstates a
citizen's credential (every copy of one issuance). The change is published in the next status list a
verifier fetches, logged in the security log and shown in the citizen's history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from nara import identity
from nara.kernel.db import transaction
from nara.wallet import issuer, statuses
from nara.wallet.models import IssuedCredential
from nara.wallet.refusals import not_found
from nara.wallet.schemas import DOC_TYPES
from nara.web.access import allow, csrf_token, log_event, set_csrf_cookie
from nara.web.deps import app_state
from nara.web.office import require_agency
from nara.web.templating import render

router = APIRouter(include_in_schema=False)
Issuer = Annotated[identity.Principal, allow("official", purpose="wallet_status")]
BatchId = Annotated[str, Path(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
ACTIONS = {"revoke": "invalid", "suspend": "suspended", "reinstate": "valid"}
ISSUING_AGENCY = "resident"  # 행정안전부 issues for Nara's wallet; each document's own agency may too


@router.get("/office/wallet", response_class=HTMLResponse)
def issuances(
    request: Request, principal: Issuer, person: Annotated[str, Query(max_length=80)] = ""
) -> HTMLResponse:
    require_agency(request, principal, ISSUING_AGENCY)
    found: list[issuer.Issuance] = []
    if person:
        with app_state(request).sessions() as session:
            found = issuer.issuances_of(session, person.strip())
    context = {
        "principal": principal, "person": person, "issuances": found, "names": statuses.STATUS_NAMES,
        "done": request.query_params.get("done", ""), "csrf_token": csrf_token(request),
    }  # fmt: skip
    response = render(request, "office_wallet.html", context)
    set_csrf_cookie(request, response)
    return response


@router.post("/office/wallet/{batch_id}/status")
def change_status(
    request: Request,
    batch_id: BatchId,
    principal: Issuer,
    action: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    with app_state(request).sessions() as session:
        first = session.scalars(select(IssuedCredential).where(IssuedCredential.batch_id == batch_id)).first()
        if first is None:
            raise not_found("wallet.issuance_not_found", "찾는 발급 기록이 없습니다.")
    require_agency(
        request,
        principal,
        ISSUING_AGENCY if first.doc_type not in DOC_TYPES else _agency(first.doc_type, principal),
    )
    with transaction(app_state(request).sessions) as session:
        statuses.do_set_status(
            session, batch_id, ACTIONS.get(action, action), actor=principal.actor, reason=reason.strip()
        )
    log_event(
        request, "wallet.status_changed", refused=False, actor=principal.actor, target=f"{batch_id} {action}"
    )
    return RedirectResponse(f"/office/wallet?person={first.person_id}&done={action}", status_code=303)


def _agency(doc_code: str, principal: identity.Principal) -> str:
    """The issuing agency, or the document's own agency when the official belongs to it."""
    own = DOC_TYPES[doc_code].agency
    return own if own in principal.agencies() else ISSUING_AGENCY
