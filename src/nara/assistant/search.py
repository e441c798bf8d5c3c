"""The catalog as the assistant sees it: a search function, so that the dialogue is testable without it.

``reply`` takes any ``search(query, limit) -> list[ServiceHit]``; :func:`catalog_search` makes one from the
catalog's search index (and, when given a session, every service's own 신청 방법 from the database).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from nara import catalog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass(frozen=True)
class ApplyGuide:
    """How to apply, as the catalog says (신청방법)."""

    online_url: str | None = None
    offices: str | None = None
    methods: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    contact: str | None = None


@dataclass(frozen=True)
class ServiceHit:
    service_id: str
    name: str
    agency: str
    summary: str = ""
    apply: ApplyGuide | None = field(default=None, compare=False)


SearchFn = Callable[[str, int], list[ServiceHit]]


class _Described(Protocol):
    """A catalog service with its 신청 방법 (``ServicePublic`` from the database, or a curated entry)."""

    @property
    def apply(self) -> Any: ...
    @property
    def required_documents(self) -> list[str]: ...
    @property
    def contact(self) -> str | None: ...


def catalog_search(index: catalog.SearchIndex, session: Session | None = None) -> SearchFn:
    """A search over the catalog's index; 신청 방법 from the session's catalog, or the curated seed."""

    def search(query: str, limit: int) -> list[ServiceHit]:
        page = catalog.search_services(index, query, page_size=limit)
        return [_hit(card, _guide(card.id, session)) for card in page.items]

    return search


def _hit(card: catalog.ServiceCard, guide: ApplyGuide | None) -> ServiceHit:
    return ServiceHit(card.id, card.name, card.agency, card.summary, guide)


def _guide(service_id: str, session: Session | None) -> ApplyGuide | None:
    if session is not None:
        try:
            service = catalog.get_service(session, service_id)
        except catalog.ServiceNotFound:
            return None
        return _from(service)
    return _curated_guides().get(service_id)


@lru_cache(maxsize=1)
def _curated_guides() -> dict[str, ApplyGuide]:
    return {service.id: _from(service) for service in catalog.curated_services()}


def _from(service: _Described) -> ApplyGuide:
    apply = service.apply
    return ApplyGuide(
        online_url=str(apply.online_url) if apply.online_url else None,
        offices=apply.offices,
        methods=tuple(apply.methods),
        documents=tuple(service.required_documents),
        contact=service.contact,
    )
