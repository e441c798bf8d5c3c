"""The back office (업무시스템) for agency officials: their roles, their agency's officials and role
grants (supervisors), and the logs (auditors, with citizens pseudonymised). An official reaches only the
agencies they hold a role in; any other is refused and logged.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara import apply, audit, identity, registry
from nara.kernel.db import transaction
from nara.web.access import allow, csrf_token, log_event, set_csrf_cookie
from nara.web.deps import app_state
from nara.web.templating import render

router = APIRouter(include_in_schema=False)
Official = Annotated[identity.Principal, allow("official", purpose="office")]
Supervisor = Annotated[identity.Principal, allow("official:supervisor", purpose="grant_roles")]
Auditor = Annotated[identity.Principal, allow("official:auditor", purpose="audit")]
AgencyCode = Annotated[str, Path(max_length=40, pattern=r"^[a-z_]+$")]


def office_page(
    request: Request, template: str, principal: identity.Principal, **context: object
) -> HTMLResponse:
    """A back-office page: the official, the CSRF token for its forms, agency and office names."""
    context |= {
        "principal": principal, "csrf_token": csrf_token(request), "agency_names": _agency_names(),
        "office_names": apply.office_name,
    }  # fmt: skip
    response = render(request, template, context)
    set_csrf_cookie(request, response)
    return response


def _agency_names() -> dict[str, str]:
    return {code: agency.name for code, agency in registry.catalogue().agencies.items()}


def require_agency(
    request: Request, principal: identity.Principal, agency: str, role: str | None = None
) -> None:
    """Object-level check: the official holds a role (``role``, if named) in this agency."""
    if agency in principal.agencies(role):
        return
    log_event(request, "access.refused", refused=True, actor=principal.actor, reason="access.other_agency")
    request.state.refusal_logged = True
    raise identity.AccessDenied("access.other_agency", "다른 기관의 업무는 볼 수 없습니다.")


@router.get("/office", response_class=HTMLResponse)
def office_home(request: Request, principal: Official) -> HTMLResponse:
    with app_state(request).sessions() as session:
        account = identity.account(session, principal.account_id or "")
    return office_page(request, "office_home.html", principal, account=account, roles=identity.ROLES)


@router.get("/office/agencies/{agency}", response_class=HTMLResponse)
def agency_page(request: Request, agency: AgencyCode, principal: Official) -> HTMLResponse:
    require_agency(request, principal, agency)
    with app_state(request).sessions() as session:
        officials = identity.officials_of(session, agency)
    return office_page(
        request, "office_agency.html", principal, agency=agency, officials=officials, roles=identity.ROLES,
        supervisor=agency in principal.agencies("supervisor"), done=request.query_params.get("done", ""),
    )  # fmt: skip


@router.post("/office/agencies/{agency}/roles")
def grant_role(
    request: Request,
    agency: AgencyCode,
    principal: Supervisor,
    account_id: Annotated[str, Form(max_length=40)],
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    require_agency(request, principal, agency, "supervisor")
    state = app_state(request)
    assert principal.account_id is not None
    with transaction(state.sessions) as session:
        identity.grant_role(
            session, account_id=account_id, agency=agency, role=role, granted_by=principal.account_id
        )
    state.revocations.forget(account_id=account_id)
    log_event(
        request, "identity.role_granted", refused=False, actor=principal.actor,
        target=f"account:{account_id} {agency}:{role}",
    )  # fmt: skip
    return RedirectResponse(f"/office/agencies/{agency}?done=granted", status_code=303)


@router.get("/office/audit", response_class=HTMLResponse)
def audit_page(request: Request, principal: Auditor) -> HTMLResponse:
    """Logs without personal data in clear: citizens appear as keyed pseudonyms."""
    state = app_state(request)
    with state.sessions() as session:
        events = audit.security_events(session, limit=50)
        accesses = audit.latest(session, limit=50)
    key = state.settings.secret_key.get_secret_value().encode()
    rows = [
        {
            "position": a.position,
            "recorded_at": a.recorded_at,
            "actor": _actor(key, a.actor),
            "subject": pseudonym(key, a.subject),
            "purpose": a.purpose,
            "basis": a.basis,
            "outcome": a.outcome,
            "case_ref": a.case_ref or "",
        }
        for a in accesses
    ]
    return office_page(request, "office_audit.html", principal, events=events, accesses=rows)


def _actor(key: bytes, actor: str) -> str:
    """A citizen reading their own data is named by the same pseudonym as their records."""
    kind, _, who = actor.partition(":")
    return f"본인 {pseudonym(key, who)}" if kind == "citizen" else actor


def pseudonym(key: bytes, subject: str) -> str:
    """A stable stand-in for a citizen id: the same citizen, the same pseudonym; not reversible."""
    return "가명-" + hmac.new(key, f"pseudonym:{subject}".encode(), hashlib.sha256).hexdigest()[:12]
