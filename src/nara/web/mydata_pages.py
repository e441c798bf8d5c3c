"""MyData pages: 내 정보, 동의 관리, 이용내역, 내려받기 (work without JavaScript). The citizen is always
the signed-in one (portal session); forms carry the CSRF token the access check verifies."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nara import consent, identity, registry
from nara.kernel.clock import utcnow
from nara.kernel.db import transaction
from nara.web import mydata
from nara.web.access import allow, csrf_token, set_csrf_cookie
from nara.web.deps import app_state, db_session
from nara.web.templating import render

router = APIRouter(include_in_schema=False)
DbSession = Annotated[Session, Depends(db_session)]
CitizenPage = Annotated[identity.Principal, allow("citizen", purpose="self_view")]
CitizenForm = Annotated[identity.Principal, allow("citizen", purpose="manage_consent")]


def _page(request: Request, template: str, citizen: str, **context: object) -> HTMLResponse:
    context |= {"citizen": citizen, "csrf_token": csrf_token(request)}
    response = render(request, template, context)
    set_csrf_cookie(request, response)
    return response


def _person(principal: identity.Principal) -> str:
    assert principal.person_id is not None  # every citizen account is tied to a resident
    return principal.person_id


@router.get("/me", response_class=HTMLResponse, response_model=None)
def my_information(request: Request, principal: CitizenPage) -> Response:
    citizen = _person(principal)
    shown, position = mydata.my_facts(app_state(request).exchange, citizen)
    by_agency: dict[str, list[mydata.ShownFact]] = defaultdict(list)
    for fact in shown:
        by_agency[fact.agency_name].append(fact)
    name = next((fact.shown for fact in shown if fact.name == "member.name"), citizen)
    return _page(request, "me.html", citizen, by_agency=dict(by_agency), name=name, position=position)


@router.get("/me/consents", response_class=HTMLResponse, response_model=None)
def my_consents(request: Request, session: DbSession, principal: CitizenPage) -> Response:
    citizen = _person(principal)
    facts, now = registry.catalogue(), utcnow()
    consents = [mydata.consent_view(c, facts, now) for c in consent.consents_of(session, citizen)]
    return _page(
        request,
        "consents.html",
        citizen,
        consents=consents,
        member=consent.membership(session, citizen) is not None,
        facts=list(facts.facts.values()),
        purposes=[(p, facts.purpose_label(p)) for p in mydata.GRANTABLE_PURPOSES],
        recipients=mydata.recipients(session),
        done=request.query_params.get("done", ""),
    )


@router.post("/me/consents")
def give_consent(
    request: Request,
    principal: CitizenForm,
    recipient: Annotated[str, Form(max_length=200)],
    purpose: Annotated[str, Form(max_length=80)],
    valid_days: Annotated[int, Form(ge=1, le=3650)],
    facts: Annotated[list[str] | None, Form()] = None,
) -> Response:
    citizen = _person(principal)
    known = registry.catalogue()
    with transaction(app_state(request).sessions) as session:
        if recipient not in mydata.recipients(session) or purpose not in mydata.GRANTABLE_PURPOSES:
            raise consent.ConsentInvalid("받는 쪽과 목적을 목록에서 골라 주세요.", field="recipient")
        chosen = [name for name in facts or [] if name in known.facts]
        consent.grant(
            session,
            citizen,
            recipient=recipient,
            purpose=purpose,
            facts=chosen,
            valid_until=mydata.consent_deadline(valid_days),
        )
    return RedirectResponse("/me/consents?done=granted", status_code=303)


@router.post("/me/consents/{consent_id}/revoke")
def revoke_consent(request: Request, consent_id: str, principal: CitizenForm) -> Response:
    citizen = _person(principal)
    with transaction(app_state(request).sessions) as session:
        consent.revoke(session, citizen, consent_id[:40])
    return RedirectResponse("/me/consents?done=revoked", status_code=303)


@router.post("/me/membership")
def membership(
    request: Request, principal: CitizenForm, action: Annotated[str, Form(max_length=10)]
) -> Response:
    citizen = _person(principal)
    with transaction(app_state(request).sessions) as session:
        if action == "join":
            consent.join_membership(session, citizen, registry.catalogue().facts)
        else:
            consent.leave_membership(session, citizen)
    return RedirectResponse(f"/me/consents?done={'joined' if action == 'join' else 'left'}", status_code=303)


@router.get("/me/access-log", response_class=HTMLResponse, response_model=None)
def my_access_log(request: Request, session: DbSession, principal: CitizenPage) -> Response:
    citizen = _person(principal)
    accesses = mydata.history(session, citizen, registry.catalogue())
    return _page(request, "access_log.html", citizen, accesses=accesses)


@router.get("/me/download", response_class=HTMLResponse, response_model=None)
def my_download(request: Request, principal: CitizenPage) -> Response:
    citizen = _person(principal)
    key = app_state(request).download_key
    return _page(request, "download.html", citizen, key_id=key.key_id)


@router.get("/me/download.zip")
def my_download_archive(request: Request, principal: CitizenPage) -> Response:
    citizen = _person(principal)
    state = app_state(request)
    archive = registry.build_download(state.exchange, state.download_key, citizen)
    return Response(
        archive,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="nara-my-data.zip"'},
    )
