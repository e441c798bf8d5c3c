"""Queries and the one write path of the catalog."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from nara.catalog import indexing
from nara.catalog.errors import AgencyNotFound, ServiceNotFound
from nara.catalog.models import Agency, Service
from nara.catalog.schemas import (
    AgencyPage,
    AgencyPublic,
    AgencyServices,
    AgencyWithServices,
    ApplyInfo,
    ImportReport,
    SearchFilters,
    SearchPage,
    ServiceCard,
    ServiceCreate,
    ServiceOrigin,
    ServicePublic,
)
from nara.catalog.search import encoder
from nara.catalog.search.index import IndexEntry, SearchIndex, SearchMode
from nara.catalog.search.text import clean_query
from nara.catalog.taxonomy import AgencyType, LifeEvent, UserType
from nara.kernel.clock import utcnow

_WRITE_BATCH = 500
Progress = Callable[[int, int], None]
_NATIONAL_FACTS = ("support_conditions", "view_count")


# ---- reads -----------------------------------------------------------------------------------------


def get_service(session: Session, service_id: str) -> ServicePublic:
    """One service with every fact; raises :class:`ServiceNotFound`."""
    service = session.get(Service, service_id)
    if service is None:
        raise ServiceNotFound(
            f"서비스 번호 '{service_id[:40]}'에 해당하는 서비스가 없습니다. 검색으로 찾아 보세요."
        )
    return _public(service)


def get_agency(session: Session, agency_id: int) -> AgencyPublic:
    """One agency; raises :class:`AgencyNotFound`."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise AgencyNotFound("해당 기관이 없습니다. 기관 이름으로 검색해 보세요.")
    return AgencyPublic(
        id=agency.id, name=agency.name, agency_type=AgencyType(agency.agency_type), region=agency.region
    )


def list_agency_services(session: Session, agency_id: int) -> list[ServiceCard]:
    """The services one agency runs, most viewed first."""
    rows = session.scalars(
        select(Service)
        .where(Service.agency_id == agency_id)
        .order_by(Service.view_count.desc(), Service.name)
    )
    return [_card(row) for row in rows]


def list_agencies(session: Session, *, page: int = 1, page_size: int = 50) -> AgencyPage:
    """One page of agencies with how many services each runs, largest first."""
    count = func.count(Service.id)
    total = session.scalar(select(func.count(func.distinct(Service.agency_id)))) or 0
    rows = session.execute(
        select(Agency, count)
        .join(Service)
        .group_by(Agency.id)
        .order_by(count.desc(), Agency.name)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    items = [
        AgencyWithServices(
            id=a.id, name=a.name, agency_type=AgencyType(a.agency_type), region=a.region, service_count=n
        )
        for a, n in rows
    ]
    return AgencyPage(total=total, page=page, page_size=page_size, items=items)


def get_agency_services(session: Session, agency_id: int) -> AgencyServices:
    """One agency and the services it runs; raises :class:`AgencyNotFound`."""
    agency = get_agency(session, agency_id)
    return AgencyServices(**agency.model_dump(), services=list_agency_services(session, agency_id))


def catalog_version(session: Session) -> tuple[int, str]:
    """How many services there are and when the last was indexed (changes whenever the catalog does)."""
    total, latest = session.execute(select(func.count(Service.id), func.max(Service.indexed_at))).one()
    return int(total), str(latest)


def build_search_index(session: Session) -> SearchIndex:
    """The search index over every stored service, from their stored terms and vectors."""
    rows = session.scalars(select(Service).order_by(Service.id))
    return SearchIndex(
        [
            IndexEntry(
                card=_card(row),
                terms=row.search_tokens.split(),
                vector=encoder.from_bytes(row.embeddings),
                view_count=row.view_count,
            )
            for row in rows
        ]
    )


def support_conditions(session: Session) -> list[tuple[str, str, dict[str, Any], int]]:
    """(id, name, JA support conditions, view count) of every service a person or household can use,
    most viewed first."""
    rows = session.execute(
        select(Service.id, Service.name, Service.support_conditions, Service.user_types, Service.view_count)
        .where(Service.support_conditions.is_not(None))
        .order_by(Service.view_count.desc(), Service.id)
    )
    personal = {UserType.PERSON.value, UserType.HOUSEHOLD.value}
    return [(i, name, cond, views) for i, name, cond, users, views in rows if cond and personal & set(users)]


def search_services(
    index: SearchIndex,
    query: str,
    filters: SearchFilters | None = None,
    *,
    page: int = 1,
    page_size: int = 10,
    mode: SearchMode = SearchMode.HYBRID,
) -> SearchPage:
    """One page of the services that match ``query`` and ``filters``, best first."""
    hits = index.hits(query, filters, mode, offset=(page - 1) * page_size, limit=page_size)
    items = [r.card for r in hits.ranked]
    return SearchPage(query=clean_query(query), total=hits.total, page=page, page_size=page_size, items=items)


def count_by_life_event(index: SearchIndex) -> dict[LifeEvent, int]:
    """How many services belong to each life event."""
    counts = dict.fromkeys(LifeEvent, 0)
    for card in index.cards:
        for event in card.life_events:
            counts[event] += 1
    return counts


# ---- the write path ------------------------------------------------------------------------------


def do_upsert_services(
    session: Session,
    services: Sequence[ServiceCreate],
    *,
    origin: ServiceOrigin,
    progress: Progress | None = None,
) -> ImportReport:
    """Create or update services by id, never duplicating; unchanged ones are not touched.

    An imported row whose id is a curated service keeps the curated text and only adds the national
    catalog's support conditions and view count to it. ``progress(done, total)`` is called after each
    batch is indexed.
    """
    started = time.perf_counter()
    report = ImportReport(received=len(services))
    existing = {
        row.id: (row.content_hash, row.origin)
        for row in session.execute(select(Service.id, Service.content_hash, Service.origin))
    }
    agency_ids = _ensure_agencies(session, services)
    curated = _curated_national_facts(session) if origin is ServiceOrigin.GOV24 else {}
    to_write: list[tuple[ServiceCreate, str, bool]] = []
    links: list[dict[str, Any]] = []
    for service in services:
        digest = indexing.content_hash(service)
        known = existing.get(service.id)
        if service.id in curated:
            report.linked_to_curated += 1
            facts = (service.support_conditions, service.view_count)
            if curated[service.id] != facts:
                links.append(
                    {
                        "id": service.id,
                        "support_conditions": facts[0],
                        "view_count": facts[1],
                        "indexed_at": utcnow(),
                    }
                )
        elif known and known[0] == digest:
            report.unchanged += 1
        else:
            to_write.append((service, digest, known is None))
    for start in range(0, len(to_write), _WRITE_BATCH):
        _write_batch(session, to_write[start : start + _WRITE_BATCH], agency_ids, origin)
        if progress:
            progress(min(start + _WRITE_BATCH, len(to_write)), len(to_write))
    if links:
        session.execute(update(Service), links)
    report.created = sum(1 for _, _, new in to_write if new)
    report.updated = len(to_write) - report.created
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _curated_national_facts(session: Session) -> dict[str, tuple[dict[str, Any] | None, int]]:
    """What the national catalog last added to each curated service: support conditions, view count."""
    rows = session.execute(
        select(Service.id, Service.support_conditions, Service.view_count).where(
            Service.origin == ServiceOrigin.CURATED.value
        )
    )
    return {service_id: (conditions, views) for service_id, conditions, views in rows}


def _write_batch(
    session: Session,
    batch: list[tuple[ServiceCreate, str, bool]],
    agency_ids: dict[str, int],
    origin: ServiceOrigin,
) -> None:
    services = [service for service, _, _ in batch]
    with ThreadPoolExecutor(max_workers=1) as encoder_thread:  # vectors (numpy) while Kiwi analyses (C++)
        pending_vectors = encoder_thread.submit(indexing.embeddings_many, services)
        tokens = indexing.search_terms_many(services)
        vectors = pending_vectors.result()
    now = utcnow()
    rows = [
        _row(service, digest, agency_ids[service.agency], origin)
        | {"search_tokens": t, "embeddings": v, "indexed_at": now}
        for (service, digest, _), t, v in zip(batch, tokens, vectors, strict=True)
    ]
    new_rows = [row for row, (_, _, new) in zip(rows, batch, strict=True) if new]
    old_rows = [row for row, (_, _, new) in zip(rows, batch, strict=True) if not new]
    if new_rows:
        session.execute(insert(Service), new_rows)
    if old_rows:
        if origin is ServiceOrigin.CURATED:  # keep what the national catalog added to a curated service
            old_rows = [{k: v for k, v in row.items() if k not in _NATIONAL_FACTS} for row in old_rows]
        session.execute(update(Service), old_rows)


def _ensure_agencies(session: Session, services: Sequence[ServiceCreate]) -> dict[str, int]:
    known = {name: agency_id for agency_id, name in session.execute(select(Agency.id, Agency.name))}
    wanted = {s.agency: s for s in services if s.agency not in known}
    if wanted:
        session.execute(
            insert(Agency),
            [
                {"name": name, "agency_type": s.agency_type.value, "region": s.region}
                for name, s in wanted.items()
            ],
        )
        known = {name: agency_id for agency_id, name in session.execute(select(Agency.id, Agency.name))}
    return known


def _row(service: ServiceCreate, digest: str, agency_id: int, origin: ServiceOrigin) -> dict[str, Any]:
    return {
        "id": service.id,
        "name": service.name,
        "agency_id": agency_id,
        "department": service.department,
        "origin": origin.value,
        "field": service.field.value,
        "user_types": [u.value for u in service.user_types],
        "life_events": [e.value for e in service.life_events],
        "benefit_forms": [f.value for f in service.benefit_forms],
        "summary": service.summary,
        "eligibility": service.eligibility,
        "benefit": service.benefit,
        "apply_online_url": str(service.apply.online_url) if service.apply.online_url else None,
        "apply_offices": service.apply.offices,
        "apply_methods": service.apply.methods,
        "deadline": service.deadline,
        "contact": service.contact,
        "required_documents": service.required_documents,
        "legal_basis": service.legal_basis,
        "source_url": str(service.source_url),
        "source_name": service.source_name,
        "updated_on": service.updated_on,
        "view_count": service.view_count,
        "example_questions": service.example_questions,
        "support_conditions": service.support_conditions,
        "content_hash": digest,
    }


# ---- shapes --------------------------------------------------------------------------------------


def _card(row: Service) -> ServiceCard:
    return ServiceCard.model_validate(
        {
            "id": row.id,
            "name": row.name,
            "agency": row.agency.name,
            "agency_type": row.agency.agency_type,
            "field": row.field,
            "summary": row.summary,
            "life_events": row.life_events,
            "user_types": row.user_types,
            "benefit_forms": row.benefit_forms,
            "origin": row.origin,
            "region": row.agency.region,
        }
    )


def _public(row: Service) -> ServicePublic:
    card = _card(row).model_dump()
    return ServicePublic.model_validate(
        card
        | {
            "agency_id": row.agency_id,
            "department": row.department,
            "eligibility": row.eligibility,
            "benefit": row.benefit,
            "apply": ApplyInfo(
                online_url=row.apply_online_url, offices=row.apply_offices, methods=row.apply_methods
            ),
            "deadline": row.deadline,
            "contact": row.contact,
            "required_documents": row.required_documents,
            "legal_basis": row.legal_basis,
            "source_url": row.source_url,
            "source_name": row.source_name,
            "updated_on": row.updated_on,
            "example_questions": row.example_questions,
            "support_conditions": row.support_conditions,
        }
    )
