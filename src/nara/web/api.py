"""The open JSON API v1 (mirrors the portal pages)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from nara import catalog
from nara.catalog.taxonomy import LIFE_EVENT_LABELS, AgencyType, LifeEvent, ServiceField, UserType
from nara.web.access import allow
from nara.web.deps import db_session, search_index
from nara.web.errors import PROBLEM_JSON

_PROBLEM: dict[str, Any] = {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {
        "description": "보낸 접근 토큰이 올바르지 않음 (토큰 없이 부를 수 있는 기능도 잘못된 토큰은 거절)",
        **_PROBLEM,
    },
    404: {"description": "없음", **_PROBLEM},
    422: {"description": "잘못된 요청", **_PROBLEM},
    429: {"description": "앱별 요청 한도 초과", **_PROBLEM},
}
router = APIRouter(
    prefix="/api/v1",
    tags=["catalog"],
    responses=PROBLEM_RESPONSES,
    dependencies=[allow("public", purpose="open_data", csrf=False)],
)

Index = Annotated[catalog.SearchIndex, Depends(search_index)]
DbSession = Annotated[Session, Depends(db_session)]


@router.get("/services", summary="서비스 검색", response_model=catalog.SearchPage)
async def search_services(
    index: Index,
    q: Annotated[str, Query(max_length=1000, description="찾는 말 (예: 아기 낳으면 받는 돈)")] = "",
    field: Annotated[ServiceField | None, Query(description="서비스분야")] = None,
    agency_type: Annotated[AgencyType | None, Query(description="기관유형")] = None,
    user_type: Annotated[UserType | None, Query(description="사용자구분")] = None,
    life_event: Annotated[LifeEvent | None, Query(description="생애사건")] = None,
    region: Annotated[str | None, Query(max_length=20, description="시·도 (예: 서울특별시)")] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 10,
) -> catalog.SearchPage:
    filters = catalog.SearchFilters(
        field=field, agency_type=agency_type, user_type=user_type, life_event=life_event, region=region
    )
    return catalog.search_services(index, q, filters, page=page, page_size=page_size)


@router.get("/services/{service_id}", summary="서비스 상세", response_model=catalog.ServicePublic)
def get_service(service_id: str, session: DbSession) -> catalog.ServicePublic:
    return catalog.get_service(session, service_id)


@router.get("/life-events", summary="생애사건 목록", response_model=list[catalog.LifeEventPublic])
def list_life_events(index: Index) -> list[catalog.LifeEventPublic]:
    counts = catalog.count_by_life_event(index)
    return [
        catalog.LifeEventPublic(
            slug=e, label=LIFE_EVENT_LABELS[e], description=e.description, service_count=counts[e]
        )
        for e in LifeEvent
    ]


@router.get("/agencies", summary="기관 목록 (서비스가 많은 순)", response_model=catalog.AgencyPage)
def list_agencies(
    session: DbSession,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
) -> catalog.AgencyPage:
    return catalog.list_agencies(session, page=page, page_size=page_size)


@router.get("/agencies/{agency_id}", summary="기관과 그 기관의 서비스", response_model=catalog.AgencyServices)
def get_agency(
    agency_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: DbSession
) -> catalog.AgencyServices:
    return catalog.get_agency_services(session, agency_id)
