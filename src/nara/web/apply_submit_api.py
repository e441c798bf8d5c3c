"""Open API for applying: the same journey as the pages (consent → check → one submission), for the
government's own apps (bearer token, scope ``mydata``).

    POST /api/v1/{bundles|services}/{id}/consent       동의: the facts the forms and rules need
    POST /api/v1/{bundles|services}/{id}/check         which services the family gets, why, what is still
                                                       needed; ``carried`` is the registries' signed answers
    POST /api/v1/{bundles|services}/{id}/applications  one submission (``Idempotency-Key`` header): 201 with
                                                       the receipts, or 200 with the same ones on a retry

A submission given the check's ``carried`` has every signature checked again (nothing is read twice);
without it the registries are read afresh, each read in the access log like any other.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Header, Path, Request, Response
from pydantic import BaseModel, Field

from nara import apply, identity
from nara.kernel.clock import today
from nara.kernel.db import transaction
from nara.web.access import allow
from nara.web.api import PROBLEM_RESPONSES
from nara.web.apply_api import ApplicationPublic, application_public
from nara.web.apply_pages import journey_of
from nara.web.deps import app_state

router = APIRouter(prefix="/api/v1", tags=["apply"], responses=PROBLEM_RESPONSES)
Applicant = Annotated[identity.Principal, allow("citizen", purpose="apply", scopes=("mydata",), csrf=False)]
Kind = Annotated[str, Path(pattern=r"^(bundles|services)$", description="bundles (원스톱) | services (하나)")]
Key = Annotated[str, Path(max_length=60, pattern=r"^[A-Za-z0-9_-]+$", description="묶음 또는 서비스 ID")]
IdempotencyKey = Annotated[
    str,
    Header(alias="Idempotency-Key", min_length=16, max_length=80, pattern=r"^[A-Za-z0-9_.:-]+$",
           description="신청 한 번마다 새로 만든 키 (UUID 등): 같은 키로 다시 보내면 같은 접수를 돌려줍니다"),
]  # fmt: skip


class ConsentPublic(BaseModel):
    consent_id: str
    facts: list[str] = Field(description="신청에 쓰려고 기관에서 가져오는 정보 (정보 목록의 이름)")


class FactPublic(BaseModel):
    name: str
    label: str
    shown: str = Field(description="사람이 읽는 값")
    agency: str | None = Field(description="출처 기관 (가져오지 못했으면 null)")


class ServiceCheckPublic(BaseModel):
    service_id: str
    name: str
    status: str = Field(description="eligible | ineligible | undetermined")
    offered: bool = Field(description="신청할 수 있는지 (받을 수 없는 서비스는 이유만 보여 줍니다)")
    amount: str | None
    explanation: list[str]
    missing: list[str] = Field(description="판단에 모자란 정보")
    documents_needed: list[str] = Field(description="기관에 정보가 없어 따로 내야 하는 서류")
    fields: list[str] = Field(description="이 서비스 신청서에서 답할 항목 (GET /bundles/{id}의 fields)")


class CheckAnswers(BaseModel):
    answers: dict[str, str] = Field(default_factory=dict, description="묶음의 공통 질문에 대한 답")


class CheckPublic(BaseModel):
    consent_id: str
    facts: list[FactPublic]
    unavailable: list[str] = Field(description="답하지 않은 기관: 그 정보는 서류로 냅니다")
    services: list[ServiceCheckPublic]
    carried: str = Field(description="기관들이 서명한 응답 (신청할 때 그대로 돌려주면 다시 읽지 않습니다)")


class CorrectionIn(BaseModel):
    fact: str = Field(max_length=80)
    claimed: str = Field(max_length=200, description="신청인이 맞다고 하는 값")
    reason: str = Field(max_length=500)


class SubmissionIn(BaseModel):
    answers: dict[str, str] = Field(default_factory=dict, description="묶음의 공통 질문에 대한 답")
    services: list[str] = Field(min_length=1, max_length=40, description="신청할 서비스 ID")
    fields: dict[str, dict[str, str]] = Field(default_factory=dict, description="서비스별 신청서 항목")
    corrections: list[CorrectionIn] = Field(default_factory=list, max_length=40, description="정정 요청")
    carried: str | None = Field(default=None, max_length=400_000, description="check가 준 carried")


class SubmissionPublic(BaseModel):
    submission_id: str
    idempotency_key: str
    bundle: str | None
    applications: list[ApplicationPublic]


def _person(principal: identity.Principal) -> str:
    assert principal.person_id is not None  # a citizen token names a resident
    return principal.person_id


@router.post("/{kind}/{key}/consent", status_code=201, summary="신청에 쓸 정보 동의")
def give_consent(request: Request, kind: Kind, key: Key, principal: Applicant) -> ConsentPublic:
    facts = apply.journey_facts(journey_of(kind, key))
    with transaction(app_state(request).sessions) as session:
        given = apply.usable_consent(session, _person(principal), facts) or apply.give_consent(
            session, _person(principal), facts
        )
    return ConsentPublic(consent_id=given.id, facts=list(facts))


def _household(request: Request, person: str, facts: tuple[str, ...], carried: str | None) -> apply.Household:
    state = app_state(request)
    with state.sessions() as session:
        given = apply.usable_consent(session, person, facts)
    if given is None:
        raise apply.ConsentRequired(
            "신청에 쓸 정보에 먼저 동의해 주세요: POST …/consent", fields={"consent": "required"}
        )
    if carried:
        return apply.reverify(state.exchange, person, given.id, carried)
    return apply.read(state.exchange, person, given.id, facts)


@router.post("/{kind}/{key}/check", summary="받을 수 있는 서비스와 이유 (신청 전 확인)")
def check(
    request: Request, kind: Kind, key: Key, principal: Applicant, body: Annotated[CheckAnswers, Body()]
) -> CheckPublic:
    journey, person = journey_of(kind, key), _person(principal)
    found = _household(request, person, apply.journey_facts(journey), None)
    checks = apply.check_bundle(journey, found, apply.parse_answers(journey.questions, body.answers), today())
    return CheckPublic(
        consent_id=found.consent_id, facts=[_fact(f) for f in apply.shown_facts(journey, found)],
        unavailable=list(found.unavailable), services=[_check(c, found) for c in checks], carried=found.carried,
    )  # fmt: skip


def _fact(fact: apply.PulledFact) -> FactPublic:
    return FactPublic(name=fact.name, label=fact.label, shown=fact.shown, agency=fact.agency)


def _check(check: apply.ServiceCheck, found: apply.Household) -> ServiceCheckPublic:
    spec = apply.form(check.service_id)
    assert spec is not None
    return ServiceCheckPublic(
        service_id=check.service_id, name=check.name, status=check.status, offered=check.offered,
        amount=check.amount, explanation=list(check.explanation), missing=list(check.missing),
        documents_needed=apply.documents_needed(found, spec, []) if check.offered else [],
        fields=[f.name for f in spec.fields],
    )  # fmt: skip


@router.post(
    "/{kind}/{key}/applications", status_code=201, summary="신청 (한 번에: 서비스마다 처리기관으로 나뉩니다)",
    responses={200: {"description": "같은 Idempotency-Key로 이미 접수된 신청 (새로 만들지 않음)"}},
)  # fmt: skip
def submit(
    request: Request, response: Response, kind: Kind, key: Key, principal: Applicant,
    idempotency_key: IdempotencyKey, body: Annotated[SubmissionIn, Body()],
) -> SubmissionPublic:  # fmt: skip
    journey, person, state = journey_of(kind, key), _person(principal), app_state(request)
    with state.sessions() as session:
        earlier = apply.submission(session, person, idempotency_key)
    if earlier is not None:  # a retry: the same submission, nothing new
        response.status_code = 200
        return _submission(earlier)
    found = _household(request, person, apply.journey_facts(journey), body.carried)
    answers = apply.parse_answers(journey.questions, body.answers)
    checks = {c.service_id: c for c in apply.check_bundle(journey, found, answers, today())}
    chosen = {s: _chosen(checks, s) for s in dict.fromkeys(body.services)}
    submitted = apply.Request(
        person_id=person, submission_key=idempotency_key, household=found, checks=chosen,
        bundle=journey if kind == "bundles" else None, answers=answers,
        fields={s: apply.parse_fields(s, body.fields.get(s, {}), "fields") for s in chosen},
        corrections=tuple(apply.Correction(c.fact, c.claimed.strip(), c.reason.strip()) for c in body.corrections),
    )  # fmt: skip
    with transaction(state.sessions) as session:
        done = apply.submit(session, submitted)
    if not done.received_now:  # a concurrent retry with the same key was first
        response.status_code = 200
    return _submission(done)


def _chosen(checks: dict[str, apply.ServiceCheck], service_id: str) -> apply.ServiceCheck:
    found = checks.get(service_id)
    if found is None:
        raise apply.ApplyInvalid(
            f"이 신청에 없는 서비스입니다: {service_id}", fields={"services": service_id}
        )
    if not found.offered:
        reason = " ".join(found.explanation) or "받을 수 없습니다."
        raise apply.ApplyInvalid(f"{found.name}: {reason}", fields={"services": service_id})
    return found


def _submission(done: apply.Submission) -> SubmissionPublic:
    return SubmissionPublic(
        submission_id=done.id, idempotency_key=done.submission_key, bundle=done.bundle,
        applications=[application_public(a) for a in done.applications],
    )  # fmt: skip
