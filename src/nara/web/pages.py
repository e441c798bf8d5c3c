"""The citizen portal: server-rendered Korean pages that work without JavaScript."""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session

from nara import apply, catalog
from nara.catalog.regions import SIDO, is_region
from nara.catalog.taxonomy import AgencyType, LifeEvent, ServiceField, UserType
from nara.web.access import allow
from nara.web.deps import db_session, search_index
from nara.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[allow("public", purpose="browse")])
Index = Annotated[catalog.SearchIndex, Depends(search_index)]
DbSession = Annotated[Session, Depends(db_session)]
PAGE_SIZE = 10
AGENCY_PAGE_SIZE = 50
_MAX_PAGE = 1000
E = TypeVar("E", bound=StrEnum)


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return min(max(int(raw), 1), _MAX_PAGE) if raw.isdigit() else 1


def _choice(request: Request, name: str, kind: type[E], ignored: list[str]) -> E | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        ignored.append(name)
        return None


def _filters(request: Request, ignored: list[str]) -> catalog.SearchFilters:
    region = request.query_params.get("region") or None
    if region and not is_region(region):
        ignored.append("region")
        region = None
    return catalog.SearchFilters(
        field=_choice(request, "field", ServiceField, ignored),
        agency_type=_choice(request, "agency_type", AgencyType, ignored),
        user_type=_choice(request, "user_type", UserType, ignored),
        life_event=_choice(request, "life_event", LifeEvent, ignored),
        region=region,
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, index: Index) -> HTMLResponse:
    counts = catalog.count_by_life_event(index)
    featured = catalog.search_services(index, "", page_size=6).items
    return render(request, "home.html", {"counts": counts, "featured": featured, "total": index.size})


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, index: Index) -> HTMLResponse:
    ignored: list[str] = []
    filters = _filters(request, ignored)
    query = request.query_params.get("q", "")
    page = _page_number(request)
    results = catalog.search_services(index, query, filters, page=page, page_size=PAGE_SIZE)
    return render(
        request,
        "search.html",
        {
            "results": results,
            "filters": filters,
            "ignored": ignored,
            "regions": list(SIDO.values()),
            "pages": math.ceil(results.total / PAGE_SIZE),
            "query_too_long": len(query) > len(results.query),
        },
    )


@router.get("/services/{service_id}", response_class=HTMLResponse)
def service_detail(request: Request, service_id: str, session: DbSession) -> HTMLResponse:
    service = catalog.get_service(session, service_id)
    return render(
        request, "service.html", {"service": service, "nara_form": apply.form(service_id) is not None}
    )


@router.get("/life-events", response_class=HTMLResponse)
def life_events(request: Request, index: Index) -> HTMLResponse:
    return render(request, "life_events.html", {"counts": catalog.count_by_life_event(index)})


@router.get("/life-events/{slug}", response_class=HTMLResponse)
def life_event(request: Request, slug: str, index: Index) -> HTMLResponse:
    try:
        event = LifeEvent(slug)
    except ValueError as error:
        raise catalog.LifeEventNotFound("없는 생애사건입니다. 생애사건 목록에서 골라 주세요.") from error
    page = _page_number(request)
    results = catalog.search_services(
        index, "", catalog.SearchFilters(life_event=event), page=page, page_size=PAGE_SIZE
    )
    return render(
        request,
        "life_event.html",
        {"event": event, "results": results, "pages": math.ceil(results.total / PAGE_SIZE)},
    )


@router.get("/agencies", response_class=HTMLResponse)
def agencies(request: Request, session: DbSession) -> HTMLResponse:
    listing = catalog.list_agencies(session, page=_page_number(request), page_size=AGENCY_PAGE_SIZE)
    return render(
        request,
        "agencies.html",
        {"listing": listing, "pages": math.ceil(listing.total / AGENCY_PAGE_SIZE)},
    )


@router.get("/agencies/{agency_id}", response_class=HTMLResponse)
def agency(request: Request, agency_id: str, session: DbSession) -> HTMLResponse:
    if not agency_id.isdigit() or int(agency_id) > 2**31 - 1:
        raise catalog.AgencyNotFound("기관 번호가 올바르지 않습니다. 기관 목록에서 골라 주세요.")
    found = catalog.get_agency_services(session, int(agency_id))
    return render(request, "agency.html", {"agency": found})
