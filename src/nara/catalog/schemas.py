"""Input and output shapes of the catalog (never ORM objects across the boundary)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from nara.catalog.taxonomy import AgencyType, BenefitForm, LifeEvent, ServiceField, UserType

SERVICE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"


class ServiceOrigin(StrEnum):
    """Where a service's text comes from."""

    CURATED = "curated"  # written by the Nara team, with sources
    GOV24 = "gov24"  # imported from the national catalog's open API


class ApplyInfo(BaseModel):
    """How to apply (신청방법)."""

    model_config = ConfigDict(extra="forbid")

    online_url: HttpUrl | None = None
    offices: str | None = None
    methods: list[str] = Field(default_factory=list)


class ServiceCreate(BaseModel):
    """Everything needed to write one service, validated before anything is written."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=SERVICE_ID_PATTERN)
    name: str = Field(min_length=1, max_length=300)
    agency: str = Field(min_length=1, max_length=200)
    agency_type: AgencyType
    region: str | None = None
    department: str | None = Field(default=None, max_length=200)
    user_types: list[UserType] = Field(min_length=1)
    field: ServiceField
    life_events: list[LifeEvent] = Field(default_factory=list)
    benefit_forms: list[BenefitForm] = Field(default_factory=list)
    summary: str = ""
    eligibility: str = ""
    benefit: str = ""
    apply: ApplyInfo = Field(default_factory=ApplyInfo)
    deadline: str | None = None
    contact: str | None = None
    required_documents: list[str] = Field(default_factory=list)
    legal_basis: list[str] = Field(default_factory=list)
    source_url: HttpUrl
    source_name: str = Field(min_length=1, max_length=300)
    updated_on: date | None = None
    view_count: int = Field(default=0, ge=0)
    example_questions: list[str] = Field(default_factory=list)
    support_conditions: dict[str, Any] | None = None

    @field_validator("department", "deadline", "contact", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class AgencyPublic(BaseModel):
    """An agency as shown to people and API clients."""

    id: int
    name: str
    agency_type: AgencyType
    region: str | None


class AgencyWithServices(AgencyPublic):
    """An agency with how many services it runs (the agency list)."""

    service_count: int


class AgencyPage(BaseModel):
    """One page of agencies, largest first."""

    total: int
    page: int
    page_size: int
    items: list[AgencyWithServices]


class AgencyServices(AgencyPublic):
    """An agency with the services it runs (the agency page)."""

    services: list[ServiceCard]


class ServiceCard(BaseModel):
    """A service in a list of results."""

    id: str
    name: str
    agency: str
    agency_type: AgencyType
    field: ServiceField
    summary: str
    life_events: list[LifeEvent]
    user_types: list[UserType]
    benefit_forms: list[BenefitForm]
    origin: ServiceOrigin
    region: str | None = None


class ServicePublic(ServiceCard):
    """A service with every fact the catalog holds."""

    agency_id: int
    department: str | None
    eligibility: str
    benefit: str
    apply: ApplyInfo
    deadline: str | None
    contact: str | None
    required_documents: list[str]
    legal_basis: list[str]
    source_url: str
    source_name: str
    updated_on: date | None
    example_questions: list[str]
    support_conditions: dict[str, Any] | None


class SearchFilters(BaseModel):
    """Filters a citizen can set next to the search box."""

    field: ServiceField | None = None
    agency_type: AgencyType | None = None
    user_type: UserType | None = None
    life_event: LifeEvent | None = None
    region: str | None = None


class SearchPage(BaseModel):
    """One page of search results."""

    query: str
    total: int
    page: int
    page_size: int
    items: list[ServiceCard]


class LifeEventPublic(BaseModel):
    """A life event with how many services belong to it."""

    slug: LifeEvent
    label: str
    description: str
    service_count: int


class RejectedRow(BaseModel):
    """An import row that was skipped, and why."""

    position: int
    service_id: str | None
    reason: str


class ImportReport(BaseModel):
    """What an import did."""

    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked_to_curated: int = 0
    rejected: list[RejectedRow] = Field(default_factory=list)
    seconds: float = 0.0
