"""MyData JSON API: the signed-in citizen's facts, consents, 복지멤버십, access log and download.

Every endpoint under /api/v1/me takes the citizen from the sign-in, never from a parameter. The fact
catalogue and the public keys (to check registry responses and downloads) are open to everyone.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from nara import consent, identity, registry
from nara.kernel.clock import utcnow
from nara.kernel.db import transaction
from nara.web import mydata
from nara.web.access import allow
from nara.web.api import PROBLEM_RESPONSES
from nara.web.deps import app_state, db_session

router = APIRouter(prefix="/api/v1", tags=["mydata"], responses=PROBLEM_RESPONSES)
Open = allow("public", purpose="open_data", csrf=False)
Reader = Annotated[identity.Principal, allow("citizen", purpose="self_view", scopes=("mydata",), csrf=False)]
Manager = Annotated[
    identity.Principal, allow("citizen", purpose="manage_consent", scopes=("mydata",), csrf=False)
]


def _person(principal: identity.Principal) -> str:
    assert principal.person_id is not None
    return principal.person_id


DbSession = Annotated[Session, Depends(db_session)]
_SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: PROBLEM_RESPONSES[404] | {"description": "접근 토큰 필요 (Authorization: Bearer)"},
    403: PROBLEM_RESPONSES[404] | {"description": "권한(scope) 부족"},
}


class ConsentRequest(BaseModel):
    recipient: str = Field(
        max_length=200, description="받는 쪽 (예: agency:mohw, 또는 등록된 앱 third_party:<client_id>)"
    )
    purpose: str = Field(max_length=80, description="목적 (정보 목록의 purposes)")
    facts: list[str] = Field(min_length=1, max_length=100, description="동의하는 정보 이름")
    valid_days: int = Field(ge=1, le=3650, description="동의 기간(일)")


@router.get("/registries/catalogue", dependencies=[Open], summary="정보 목록 (기관·목적·근거 법령·정보)")
def fact_catalogue() -> dict[str, Any]:
    facts = registry.catalogue()
    return {
        "agencies": {code: {"name": a.name, "holder": a.holder} for code, a in facts.agencies.items()},
        "purposes": facts.purposes,
        "legal_bases": {
            basis.id: {
                "title": basis.title,
                "purposes": sorted(basis.purposes),
                "callers": list(basis.callers),
            }
            for basis in facts.legal_bases.values()
        },
        "facts": [
            {"name": f.name, "label": f.label, "registry": f.registry, "type": f.type, "unit": f.unit}
            for f in facts.facts.values()
        ],
    }


@router.get("/keys", dependencies=[Open], summary="공개키 (기관 응답·내려받기 서명 확인용, JWKS)")
def public_keys(request: Request) -> dict[str, Any]:
    state = app_state(request)
    download = state.download_key.public_jwk() | {"use": "sig", "purpose": "download-manifest"}
    return {"keys": [*state.exchange.keys.jwks()["keys"], download]}


@router.get("/me/facts", summary="내 정보 (기관별 출처와 함께)", responses=_SIGNED_IN)
def my_facts(request: Request, principal: Reader) -> dict[str, Any]:
    citizen = _person(principal)
    shown, position = mydata.my_facts(app_state(request).exchange, citizen)
    return {
        "subject": citizen,
        "access_log_position": position,
        "facts": [fact.__dict__ for fact in shown],
    }


@router.get("/me/consents", summary="내 동의 목록", responses=_SIGNED_IN)
def my_consents(principal: Reader, session: DbSession) -> dict[str, Any]:
    citizen = _person(principal)
    now, facts = utcnow(), registry.catalogue()
    return {"consents": [mydata.consent_view(c, facts, now) for c in consent.consents_of(session, citizen)]}


@router.post("/me/consents", summary="동의하기", status_code=201, responses=_SIGNED_IN)
def give_consent(request: Request, body: ConsentRequest, principal: Manager) -> dict[str, Any]:
    citizen = _person(principal)
    facts = registry.catalogue()
    with transaction(app_state(request).sessions) as session:
        _check_choice(body, facts, mydata.recipients(session))
        given = consent.grant(
            session,
            citizen,
            recipient=body.recipient,
            purpose=body.purpose,
            facts=body.facts,
            valid_until=mydata.consent_deadline(body.valid_days),
        )
    return mydata.consent_view(given, facts, utcnow())


@router.delete("/me/consents/{consent_id}", summary="동의 철회", responses=_SIGNED_IN)
def revoke_consent(
    request: Request, principal: Manager, consent_id: Annotated[str, Path(max_length=40)]
) -> dict[str, Any]:
    citizen = _person(principal)
    with transaction(app_state(request).sessions) as session:
        revoked = consent.revoke(session, citizen, consent_id)
    return mydata.consent_view(revoked, registry.catalogue(), utcnow())


@router.put("/me/membership", summary="복지멤버십 가입", responses=_SIGNED_IN)
def join_membership(request: Request, principal: Manager) -> dict[str, Any]:
    citizen = _person(principal)
    with transaction(app_state(request).sessions) as session:
        joined = consent.join_membership(session, citizen, registry.catalogue().facts)
    return mydata.consent_view(joined, registry.catalogue(), utcnow())


@router.delete("/me/membership", summary="복지멤버십 탈퇴", status_code=204, responses=_SIGNED_IN)
def leave_membership(request: Request, principal: Manager) -> Response:
    citizen = _person(principal)
    with transaction(app_state(request).sessions) as session:
        consent.leave_membership(session, citizen)
    return Response(status_code=204)


@router.get("/me/access-log", summary="내 정보 이용내역", responses=_SIGNED_IN)
def my_access_log(principal: Reader, session: DbSession) -> dict[str, Any]:
    citizen = _person(principal)
    return {"accesses": mydata.history(session, citizen, registry.catalogue())}


@router.get(
    "/me/download",
    summary="내 정보 내려받기 (zip: JSON·CSV·서명된 목록)",
    response_class=Response,
    responses=_SIGNED_IN | {200: {"content": {"application/zip": {}}}},
)
def download(request: Request, principal: Reader) -> Response:
    citizen = _person(principal)
    state = app_state(request)
    archive = registry.build_download(state.exchange, state.download_key, citizen)
    return Response(
        archive,
        media_type="application/zip",
        headers={"Content-Disposition": 'attachment; filename="nara-my-data.zip"'},
    )


def _check_choice(body: ConsentRequest, facts: registry.Catalogue, recipients: dict[str, str]) -> None:
    unknown = sorted(set(body.facts) - set(facts.facts))
    if unknown:
        raise consent.ConsentInvalid(f"정보 목록에 없는 정보입니다: {', '.join(unknown)}", field="facts")
    if body.purpose not in mydata.GRANTABLE_PURPOSES:
        raise consent.ConsentInvalid("동의할 수 없는 목적입니다.", field="purpose")
    if body.recipient not in recipients:
        raise consent.ConsentInvalid("등록되지 않은 받는 쪽입니다.", field="recipient")
