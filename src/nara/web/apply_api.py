"""Open API for applying once: the life-event bundles (원스톱 패키지) and each service's form as data, and
the signed-in citizen's applications with their status timeline and documents (bearer token, scope
``mydata``; uploading a document is ``web/apply_documents.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from nara import apply, identity
from nara.web.access import allow
from nara.web.api import PROBLEM_RESPONSES
from nara.web.apply_documents import DocumentPublic, document_public
from nara.web.deps import app_state

router = APIRouter(prefix="/api/v1", tags=["apply"], responses=PROBLEM_RESPONSES)
Public = allow("public", purpose="apply_information", csrf=False)
Reader = Annotated[
    identity.Principal, allow("citizen", purpose="applications_read", scopes=("mydata",), csrf=False)
]
ApplicationId = Annotated[str, Path(max_length=40, pattern=r"^A-[0-9a-f]+$", description="신청 번호 (A-…)")]


class FieldPublic(BaseModel):
    name: str
    label: str
    kind: str = Field(description="text | date | account | phone | number | choice")
    choices: dict[str, str]
    optional: bool


class FormPublic(BaseModel):
    service_id: str
    agency: str = Field(description="처리기관 코드 (agencies: 지역 기관은 시·군·구마다)")
    legal_basis: str
    pulls: list[str] = Field(description="기관 정보에서 채우는 항목 (정보 목록의 이름)")
    fields: list[FieldPublic] = Field(description="신청인만 답할 수 있는 항목")
    documents: list[str] = Field(description="기관에 정보가 없을 때만 내는 서류")
    parts: list[str] = Field(description="여러 기관에 나누어 처리되는 경우, 그 기관들")


class BundlePublic(BaseModel):
    id: str
    name: str
    life_event: str
    summary: str
    questions: list[FieldPublic]
    services: list[FormPublic]
    local: dict[str, list[FormPublic]] = Field(
        description="시·도 코드 (2자리) 또는 시군구 코드 (5자리) → 그 지역 주민에게 더해지는 지역 서비스"
    )


class EventPublic(BaseModel):
    at: datetime
    status: str
    status_label: str
    office_name: str
    reason: str | None
    note: str | None


class ApplicationPublic(BaseModel):
    id: str
    receipt_no: str = Field(description="접수번호")
    service_id: str
    title: str
    beneficiary_name: str
    office_name: str = Field(description="처리기관")
    status: str = Field(description="received | in_review | supplement_requested | supplement_submitted | "
                        "approved | rejected | paid | provided")  # fmt: skip
    status_label: str
    created_at: datetime
    updated_at: datetime
    events: list[EventPublic] = Field(description="처리 과정 (상세 조회에서만)")
    documents_needed: list[str] = Field(
        default_factory=list, description="아직 내지 않은 서류 (상세 조회에서만; 모두 내면 빈 목록)"
    )
    documents: list[DocumentPublic] = Field(default_factory=list, description="올린 서류 (상세 조회에서만)")


def _field(spec: apply.FormField) -> FieldPublic:
    return FieldPublic(
        name=spec.name, label=spec.label, kind=spec.kind, choices=spec.choices, optional=spec.optional
    )


def _form(service_id: str) -> FormPublic:
    spec = apply.form(service_id)
    assert spec is not None
    return FormPublic(
        service_id=spec.service, agency=spec.agency, legal_basis=spec.legal_basis, pulls=list(spec.pulls),
        fields=[_field(f) for f in spec.fields], documents=[d.label for d in spec.documents],
        parts=[p.agency for p in spec.parts],
    )  # fmt: skip


def _bundle(bundle: apply.Bundle) -> BundlePublic:
    return BundlePublic(
        id=bundle.id, name=bundle.name, life_event=bundle.life_event, summary=bundle.summary,
        questions=[_field(q) for q in bundle.questions], services=[_form(s) for s in bundle.services],
        local={sido: [_form(s) for s in services] for sido, services in bundle.local.items()},
    )  # fmt: skip


def application_public(found: apply.Application) -> ApplicationPublic:
    events = [
        EventPublic(at=e.at, status=e.status, status_label=e.status_label, office_name=e.office_name,
                    reason=e.reason, note=e.note)
        for e in found.events
    ]  # fmt: skip
    values: dict[str, Any] = {name: getattr(found, name) for name in (
        "id", "receipt_no", "service_id", "title", "beneficiary_name", "office_name", "status", "status_label",
        "created_at", "updated_at")}  # fmt: skip
    return ApplicationPublic(**values, events=events)


@router.get("/bundles", dependencies=[Public], summary="원스톱 신청 (생애 사건별 묶음) 목록")
def list_bundles() -> list[BundlePublic]:
    return [_bundle(b) for b in apply.bundles().values()]


@router.get("/bundles/{bundle_id}", dependencies=[Public], summary="원스톱 신청 하나: 질문과 서비스별 신청서")
def get_bundle(bundle_id: Annotated[str, Path(max_length=40, pattern=r"^[a-z_]+$")]) -> BundlePublic:
    found = apply.bundle(bundle_id)
    if found is None:
        raise apply.ApplicationNotFound("그런 원스톱 신청은 없습니다.")
    return _bundle(found)


@router.get("/me/applications", summary="내 신청 현황")
def my_applications(request: Request, principal: Reader) -> list[ApplicationPublic]:
    with app_state(request).sessions() as session:
        return [application_public(a) for a in apply.applications_of(session, principal.person_id or "")]


@router.get("/me/applications/{application_id}", summary="신청 하나와 처리 과정, 제출 서류")
def my_application(request: Request, application_id: ApplicationId, principal: Reader) -> ApplicationPublic:
    person = principal.person_id or ""
    with app_state(request).sessions() as session:
        found = application_public(apply.application_of(session, person, application_id))
        documents = apply.documents_of(session, person, application_id)
    found.documents_needed = list(documents.missing)
    found.documents = [document_public(u) for u in documents.uploads]
    return found
