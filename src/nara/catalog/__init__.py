"""The service catalog: every public service of central and local government, and search over it."""

from nara.catalog.errors import AgencyNotFound, LifeEventNotFound, ServiceNotFound
from nara.catalog.importing import curated_services, do_import_gov24, do_seed_catalog
from nara.catalog.schemas import (
    AgencyPage,
    AgencyPublic,
    AgencyServices,
    ImportReport,
    LifeEventPublic,
    SearchFilters,
    SearchPage,
    ServiceCard,
    ServicePublic,
)
from nara.catalog.search.index import SearchIndex, SearchMode
from nara.catalog.services import (
    build_search_index,
    catalog_version,
    count_by_life_event,
    get_agency,
    get_agency_services,
    get_service,
    list_agencies,
    search_services,
    support_conditions,
)

__all__ = [
    "AgencyNotFound",
    "AgencyPage",
    "AgencyPublic",
    "AgencyServices",
    "ImportReport",
    "LifeEventNotFound",
    "LifeEventPublic",
    "SearchFilters",
    "SearchIndex",
    "SearchMode",
    "SearchPage",
    "ServiceCard",
    "ServiceNotFound",
    "ServicePublic",
    "build_search_index",
    "catalog_version",
    "count_by_life_event",
    "curated_services",
    "do_import_gov24",
    "do_seed_catalog",
    "get_agency",
    "get_agency_services",
    "get_service",
    "list_agencies",
    "search_services",
    "support_conditions",
]
