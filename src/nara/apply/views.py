"""Applications as their readers see them: the citizen, the office, the notices."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nara.apply.models import ApplicationRow, EventRow
from nara.apply.specs import office_name
from nara.apply.statuses import OPEN, REJECTION_REASONS, label


@dataclass(frozen=True)
class Event:
    at: datetime
    status: str
    actor: str
    office: str
    office_name: str
    reason_code: str | None
    note: str | None

    @property
    def status_label(self) -> str:
        return label(self.status)

    @property
    def reason(self) -> str | None:
        return REJECTION_REASONS.get(self.reason_code or "")


@dataclass(frozen=True)
class Application:
    id: str
    receipt_no: str
    submission_id: str
    person_id: str
    bundle: str | None
    service_id: str
    service_name: str
    part: str | None
    part_name: str | None
    beneficiary: str
    beneficiary_name: str
    office: str
    office_name: str
    status: str
    consent_id: str | None
    facts: list[dict[str, Any]]
    unavailable: list[str]
    corrections: list[dict[str, Any]]
    answers: dict[str, Any]
    documents: list[str]
    eligibility: dict[str, Any]
    clear_case: bool
    second_look: bool
    bulk_by: str | None
    decision_code: str | None
    decision_note: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    events: tuple[Event, ...] = ()

    @property
    def status_label(self) -> str:
        return label(self.status)

    @property
    def open(self) -> bool:
        return self.status in OPEN

    @property
    def title(self) -> str:
        return f"{self.service_name} · {self.part_name}" if self.part_name else self.service_name

    @property
    def decision_reason(self) -> str | None:
        return REJECTION_REASONS.get(self.decision_code or "")


@dataclass(frozen=True)
class Submission:
    id: str
    submission_key: str
    bundle: str | None
    created_at: datetime
    applications: tuple[Application, ...]
    received_now: bool = False  # written by this call (False: an earlier submission with the same key)


def application_view(row: ApplicationRow, events: Iterable[EventRow] = ()) -> Application:
    return Application(
        id=row.id, receipt_no=row.receipt_no, submission_id=row.submission_id, person_id=row.person_id,
        bundle=row.bundle, service_id=row.service_id, service_name=row.service_name, part=row.part,
        part_name=row.part_name, beneficiary=row.beneficiary, beneficiary_name=row.beneficiary_name,
        office=row.office, office_name=row.office_name, status=row.status, consent_id=row.consent_id,
        facts=list(row.facts), unavailable=list(row.unavailable), corrections=list(row.corrections),
        answers=dict(row.answers), documents=list(row.documents), eligibility=dict(row.eligibility),
        clear_case=row.clear_case, second_look=row.second_look, bulk_by=row.bulk_by,
        decision_code=row.decision_code, decision_note=row.decision_note, version=row.version,
        created_at=row.created_at, updated_at=row.updated_at,
        events=tuple(
            Event(e.at, e.status, e.actor, e.office, office_name(e.office), e.reason_code, e.note) for e in events
        ),
    )  # fmt: skip
