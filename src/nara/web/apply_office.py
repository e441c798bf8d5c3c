"""The back office for applications (업무시스템 · 신청 심사): an office's queue, one application with its
facts and their sources, supplements, decisions and 지급/제공. An official reaches only the offices
they hold a role in; any other is refused and logged (``require_agency``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara import apply, identity
from nara.kernel.db import transaction
from nara.web.access import allow
from nara.web.deps import app_state
from nara.web.office import office_page, require_agency

router = APIRouter(include_in_schema=False)
Official = Annotated[identity.Principal, allow("official", purpose="benefit_determination")]
OfficeCode = Annotated[str, Path(max_length=60, pattern=r"^[a-z_]+(-[0-9]{5})?$")]
ApplicationId = Annotated[str, Path(max_length=40, pattern=r"^A-[0-9a-f]+$")]
Version = Annotated[int | None, Form()]


def official_of(principal: identity.Principal) -> apply.Official:
    assert principal.account_id is not None
    return apply.Official(principal.account_id, frozenset((r.agency, r.role) for r in principal.roles))


@router.get("/office/queues/{office}", response_class=HTMLResponse)
def queue_page(request: Request, office: OfficeCode, principal: Official) -> HTMLResponse:
    require_agency(request, principal, office)
    with app_state(request).sessions() as session:
        waiting = apply.queue(session, office, official_of(principal))
    return office_page(
        request, "office_queue.html", principal, office=office, office_name=apply.office_name(office),
        applications=waiting, decider=office in principal.agencies("decider"),
        done=request.query_params.get("done", ""), count=request.query_params.get("count", ""),
    )  # fmt: skip


@router.post("/office/queues/{office}/bulk")
def bulk(request: Request, office: OfficeCode, principal: Official) -> Response:
    require_agency(request, principal, office, "decider")
    with transaction(app_state(request).sessions) as session:
        result = apply.bulk_approve(session, office, official_of(principal))
    counts = f"{len(result.approved)}-{len(result.second_look)}"
    return RedirectResponse(f"/office/queues/{office}?done=bulk&count={counts}", status_code=303)


def office_checked(request: Request, principal: identity.Principal, application_id: str,
                    role: str | None = None) -> str:  # fmt: skip
    with app_state(request).sessions() as session:
        office = apply.office_of(session, application_id)
    if office is None:
        raise apply.ApplicationNotFound("신청을 찾을 수 없습니다.")
    require_agency(request, principal, office, role)
    return office


@router.get("/office/applications/{application_id}", response_class=HTMLResponse)
def application_page(request: Request, application_id: ApplicationId, principal: Official) -> HTMLResponse:
    office = office_checked(request, principal, application_id)
    with transaction(app_state(request).sessions) as session:  # the opening is logged with the case
        opened = apply.open_application(session, application_id, official_of(principal))
        documents = apply.documents_for_office(session, application_id, official_of(principal))
    return office_page(
        request, "office_application.html", principal, application=opened, office=office, documents=documents,
        decider=office in principal.agencies("decider"), reasons=apply.REJECTION_REASONS,
        done=request.query_params.get("done", ""),
    )  # fmt: skip


@router.post("/office/applications/{application_id}/supplement")
def supplement(
    request: Request, application_id: ApplicationId, principal: Official,
    note: Annotated[str, Form(max_length=2000)] = "", version: Version = None,
) -> Response:  # fmt: skip
    office_checked(request, principal, application_id)
    with transaction(app_state(request).sessions) as session:
        apply.request_supplement(session, application_id, official_of(principal), note, version)
    return RedirectResponse(f"/office/applications/{application_id}?done=supplement", status_code=303)


@router.post("/office/applications/{application_id}/decide")
def decide(
    request: Request, application_id: ApplicationId, principal: Official,
    decision: Annotated[str, Form(pattern=r"^(approve|reject)$")],
    reason_code: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=2000)] = "", version: Version = None,
) -> Response:  # fmt: skip
    office_checked(request, principal, application_id, "decider")
    with transaction(app_state(request).sessions) as session:
        apply.decide(session, application_id, official_of(principal), approve=decision == "approve",
                     reason_code=reason_code or None, note=note, version=version)  # fmt: skip
    return RedirectResponse(f"/office/applications/{application_id}?done={decision}", status_code=303)


@router.post("/office/applications/{application_id}/complete")
def complete(request: Request, application_id: ApplicationId, principal: Official) -> Response:
    office_checked(request, principal, application_id)
    with transaction(app_state(request).sessions) as session:
        apply.complete(session, application_id, official_of(principal))
    return RedirectResponse(f"/office/applications/{application_id}?done=complete", status_code=303)
