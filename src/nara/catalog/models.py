"""The catalog's tables: agencies and the services they run."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nara.kernel.clock import utcnow
from nara.kernel.db import Base


class Agency(Base):
    """소관기관 — a ministry, local government or public body that runs services."""

    __tablename__ = "catalog_agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    agency_type: Mapped[str] = mapped_column(String(20), index=True)
    region: Mapped[str | None] = mapped_column(String(20), index=True)

    services: Mapped[list[Service]] = relationship(back_populates="agency")


class Service(Base):
    """공공서비스 — one public service of the national catalog, curated or imported."""

    __tablename__ = "catalog_services"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    agency_id: Mapped[int] = mapped_column(ForeignKey("catalog_agencies.id"), index=True)
    department: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(20), index=True)  # ServiceOrigin
    field: Mapped[str] = mapped_column(String(20), index=True)
    user_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    life_events: Mapped[list[str]] = mapped_column(JSON, default=list)
    benefit_forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    eligibility: Mapped[str] = mapped_column(Text, default="")
    benefit: Mapped[str] = mapped_column(Text, default="")
    apply_online_url: Mapped[str | None] = mapped_column(String(500))
    apply_offices: Mapped[str | None] = mapped_column(Text)
    apply_methods: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    required_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list)
    source_url: Mapped[str] = mapped_column(String(500))
    source_name: Mapped[str] = mapped_column(String(300))
    updated_on: Mapped[date | None] = mapped_column(Date)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    example_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    support_conditions: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    search_tokens: Mapped[str] = mapped_column(Text, default="")
    embeddings: Mapped[bytes] = mapped_column(LargeBinary)
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    agency: Mapped[Agency] = relationship(back_populates="services", lazy="joined")
