"""The apply domain's tables: submissions (one click of 신청), the applications they fan out to (one per
service and deciding office), each application's status timeline, and the documents uploaded for it.

A citizen is a ``person_id`` (the resident registry id); nothing here refers to another domain's tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from nara.kernel.db import Base, UTCDateTime


class SubmissionRow(Base):
    """신청 한 번 — the idempotency record: the same key from the same citizen is the same submission."""

    __tablename__ = "apply_submissions"
    __table_args__ = (
        UniqueConstraint("person_id", "submission_key", name="uq_apply_submissions_person_key"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(80))
    submission_key: Mapped[str] = mapped_column(String(80))
    bundle: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApplicationRow(Base):
    """신청서 한 건 — one service (or one agency's part of it) for one beneficiary, decided by one office."""

    __tablename__ = "apply_applications"
    __table_args__ = (
        UniqueConstraint("receipt_no", name="uq_apply_applications_receipt_no"),
        Index("ix_apply_applications_person_created", "person_id", "created_at"),
        Index("ix_apply_applications_office_status", "office", "status"),
        Index("ix_apply_applications_submission_id", "submission_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(30))  # 접수번호, e.g. 2026-1206-7K3M-Q9TX
    submission_id: Mapped[str] = mapped_column(ForeignKey("apply_submissions.id"))
    person_id: Mapped[str] = mapped_column(String(80))
    bundle: Mapped[str | None] = mapped_column(String(40))
    service_id: Mapped[str] = mapped_column(String(60))
    service_name: Mapped[str] = mapped_column(String(200))
    part: Mapped[str | None] = mapped_column(String(40))
    part_name: Mapped[str | None] = mapped_column(String(200))
    beneficiary: Mapped[str] = mapped_column(String(80))  # who it is for: the applicant, a child, a newborn
    beneficiary_name: Mapped[str] = mapped_column(String(100))
    office: Mapped[str] = mapped_column(String(60))
    office_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30))
    consent_id: Mapped[str | None] = mapped_column(String(40))  # the basis on which its facts were read
    facts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # each with its value and source agency
    unavailable: Mapped[list[str]] = mapped_column(JSON)  # registries that did not answer
    corrections: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # claims against registry values
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    documents: Mapped[list[str]] = mapped_column(JSON)  # still to hand in
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON)  # the rules' answer when submitted
    clear_case: Mapped[bool] = mapped_column(Boolean)  # eligible, every fact from a registry, nothing claimed
    second_look: Mapped[bool] = mapped_column(Boolean, default=False)  # sampled out of a bulk decision
    bulk_by: Mapped[str | None] = mapped_column(String(80))
    decision_code: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class EventRow(Base):
    """처리 이력 — one step of an application's timeline: when, which status, by which office."""

    __tablename__ = "apply_events"
    __table_args__ = (Index("ix_apply_events_application_at", "application_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("apply_applications.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(120))  # citizen:<id> | official:<office>:<account> | nara
    office: Mapped[str] = mapped_column(String(60))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


class DocumentRow(Base):
    """제출 서류 — one file a citizen uploaded for an application: checked by its first bytes, kept whole.

    ``content`` is deferred: lists read the metadata only; the bytes are read when an official downloads."""

    __tablename__ = "apply_documents"
    __table_args__ = (Index("ix_apply_documents_application_uploaded", "application_id", "uploaded_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("apply_applications.id"))
    label: Mapped[str] = mapped_column(String(200))  # which document: a label of the form's `documents`
    file_name: Mapped[str] = mapped_column(String(200))  # as the citizen named it, made safe to show
    content_type: Mapped[str] = mapped_column(String(40))  # from the magic bytes, never from the browser
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    uploaded_by: Mapped[str] = mapped_column(String(120))  # citizen:<person id>
