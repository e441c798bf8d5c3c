"""MyData pages: development sign-in, 내 정보, 동의 관리, 이용내역, 내려받기 (work without JavaScript)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from nara import consent, registry
from nara.kernel.clock import utcnow
from nara.kernel.db import transaction
from nara.kernel.errors import InvalidInputError
from nara.web import citizen as signing_in
from nara.web import mydata
from nara.web.deps import app_state, db_session
from nara.web.templating import render

router = APIRouter(include_in_schema=False)
DbSession = Annotated[Session, Depends(db_session)]
_LIST_SIZE = 30


def _signed_in_or_redirect(request: Request) -> str | RedirectResponse:
    citizen = signing_in.signed_in_citizen(request)
    return citizen if citizen else RedirectResponse("/dev/sign-in", status_code=303)


def _page(request: Request, template: str, citizen: str, **context: object) -> HTMLResponse:
    context |= {"citizen": citizen, "form_token": signing_in.form_token(request, citizen)}
    return render(request, template, context)


@router.get("/dev/sign-in", response_class=HTMLResponse)
def dev_sign_in_page(request: Request) -> HTMLResponse:
    raw = request.query_params.get("page", "1")
    page = min(max(int(raw), 1), 1000) if raw.isdigit() else 1
    store = app_state(request).exchange.store
    residents = store.residents(_LIST_SIZE, offset=(page - 1) * _LIST_SIZE)
    regions = registry.catalogue().facts["household.region"]
    for person in residents:
        person["region_name"] = regions.display(person["region"])
    return render(request, "dev_sign_in.html", {"residents": residents, "page": page})


@router.post("/dev/sign-in")
def dev_sign_in(request: Request, person_id: Annotated[str, Form(max_length=40)]) -> Response:
    if not app_state(request).exchange.store.knows(person_id):
        raise InvalidInputError("주민등록에 없는 사람입니다. 목록에서 골라 주세요.", field="person_id")
    response = RedirectResponse("/me", status_code=303)
    signing_in.sign_in(request, response, person_id)
    return response


@router.post("/dev/sign-out")
def dev_sign_out() -> Response:
    response = RedirectResponse("/", status_code=303)
    signing_in.sign_out(response)
    return response


@router.get("/me", response_class=HTMLResponse, response_model=None)
def my_information(request: Request) -> Response:
    citizen = _signed_in_or_redirect(request)
    if isinstance(citizen, RedirectResponse):
        return citizen
    shown, position = mydata.my_facts(app_state(request).exchange, citizen)
    by_agency: dict[str, list[mydata.ShownFact]] = defaultdict(list)
    for fact in shown:
        by_agency[fact.agency_name].append(fact)
    name = next((fact.shown for fact in shown if fact.name == "member.name"), citizen)
    return _page(request, "me.html", citizen, by_agency=dict(by_agency), name=name, position=position)


@router.get("/me/consents", response_class=HTMLResponse, response_model=None)
def my_consents(request: Request, session: DbSession) -> Response:
    citizen = _signed_in_or_redirect(request)
    if isinstance(citizen, RedirectResponse):
        return citizen
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
        recipients=mydata.RECIPIENTS,
        done=request.query_params.get("done", ""),
    )


@router.post("/me/consents")
def give_consent(
    request: Request,
    token: Annotated[str, Form(max_length=100)],
    recipient: Annotated[str, Form(max_length=200)],
    purpose: Annotated[str, Form(max_length=80)],
    valid_days: Annotated[int, Form(ge=1, le=3650)],
    facts: Annotated[list[str] | None, Form()] = None,
) -> Response:
    citizen = signing_in.require_citizen(request)
    signing_in.check_form_token(request, citizen, token)
    known = registry.catalogue()
    if recipient not in mydata.RECIPIENTS or purpose not in mydata.GRANTABLE_PURPOSES:
        raise consent.ConsentInvalid("받는 쪽과 목적을 목록에서 골라 주세요.", field="recipient")
    chosen = [name for name in facts or [] if name in known.facts]
    with transaction(app_state(request).sessions) as session:
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
def revoke_consent(
    request: Request, consent_id: str, token: Annotated[str, Form(max_length=100)]
) -> Response:
    citizen = signing_in.require_citizen(request)
    signing_in.check_form_token(request, citizen, token)
    with transaction(app_state(request).sessions) as session:
        consent.revoke(session, citizen, consent_id[:40])
    return RedirectResponse("/me/consents?done=revoked", status_code=303)


@router.post("/me/membership")
def membership(
    request: Request, token: Annotated[str, Form(max_length=100)], action: Annotated[str, Form(max_length=10)]
) -> Response:
    citizen = signing_in.require_citizen(request)
    signing_in.check_form_token(request, citizen, token)
    with transaction(app_state(request).sessions) as session:
        if action == "join":
            consent.join_membership(session, citizen, registry.catalogue().facts)
        else:
            consent.leave_membership(session, citizen)
    return RedirectResponse(f"/me/consents?done={'joined' if action == 'join' else 'left'}", status_code=303)


@router.get("/me/access-log", response_class=HTMLResponse, response_model=None)
def my_access_log(request: Request, session: DbSession) -> Response:
    citizen = _signed_in_or_redirect(request)
    if isinstance(citizen, RedirectResponse):
        return citizen
    accesses = mydata.history(session, citizen, registry.catalogue())
    return _page(request, "access_log.html", citizen, accesses=accesses)


@router.get("/me/download", response_class=HTMLResponse, response_model=None)
def my_download(request: Request) -> Response:
    citizen = _signed_in_or_redirect(request)
    if isinstance(citizen, RedirectResponse):
        return citizen
    key = app_state(request).download_key
    return _page(request, "download.html", citizen, key_id=key.key_id)


@router.get("/me/download.zip")
def my_download_archive(request: Request) -> Response:
    citizen = signing_in.require_citizen(request)
    state = app_state(request)
    archive = registry.build_download(state.exchange, state.download_key, citizen)
    return Response(
        archive,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="nara-my-data.zip"'},
    )
