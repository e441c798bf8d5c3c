"""The agency back office (업무시스템): an office's queue, opening an application (logged as an access to
the citizen's facts, tied to the application), supplements, decisions and payment.

An official reaches only the applications of offices they hold a role in; a decision on an application
that moved on since it was opened is a conflict, never an overwrite.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nara import audit, notices
from nara.apply.errors import ApplicationNotFound, ApplyInvalid, DecisionConflict, SecondLookNeeded
from nara.apply.models import ApplicationRow, DocumentRow, EventRow
from nara.apply.statuses import DECIDABLE, OPEN, REJECTION_REASONS, label
from nara.apply.views import Application, application_view
from nara.kernel.clock import utcnow

PURPOSE = "benefit_determination"
SECOND_LOOK_SHARE = 0.1  # 표본 재검토: about one clear case in ten goes to a second official
REVIEW_ROLES = ("checker", "decider", "supervisor")


@dataclass(frozen=True)
class Official:
    """An official as the back office knows them: their account and roles per office."""

    account_id: str
    roles: frozenset[tuple[str, str]]  # (office code, role)

    def offices(self, *roles: str) -> set[str]:
        return {office for office, role in self.roles if not roles or role in roles}

    def actor(self, office: str) -> str:
        return f"official:{office}:{self.account_id}"


@dataclass(frozen=True)
class BulkResult:
    approved: tuple[Application, ...]
    second_look: tuple[Application, ...]


def queue(session: Session, office: str, official: Official, *, open_only: bool = True) -> list[Application]:
    """The office's applications, oldest first (the order they should be handled in)."""
    _require(official, office, (*REVIEW_ROLES, "auditor"))
    query = select(ApplicationRow).where(ApplicationRow.office == office)
    if open_only:
        query = query.where(ApplicationRow.status.in_((*OPEN, "approved")))
    return [application_view(row) for row in session.scalars(query.order_by(ApplicationRow.created_at))]


def open_application(session: Session, application_id: str, official: Official) -> Application:
    """The application with its facts and sources; the opening is an access-log record tied to it, and a
    new application moves to 검토중."""
    row = application_for(session, application_id, official, REVIEW_ROLES)
    actor = official.actor(row.office)
    audit.record_access(session, access_event(row, actor))
    if row.status == "received":
        _move(session, row, "in_review", actor, allowed=("received",))
    return _view(session, row.id)


def request_supplement(session: Session, application_id: str, official: Official, note: str,
                       version: int | None = None) -> Application:  # fmt: skip
    """보완요청: what is missing, in the official's words; the citizen is told at once."""
    row = application_for(session, application_id, official, REVIEW_ROLES)
    if not note.strip():
        raise ApplyInvalid("무엇을 보완해야 하는지 적어 주세요.", field="note")
    actor = official.actor(row.office)
    _move(session, row, "supplement_requested", actor, allowed=DECIDABLE, version=version, note=note.strip())
    _notify(session, row, "supplement_request", f"보완이 필요합니다: {note.strip()}")
    return _view(session, row.id)


def submit_supplement(session: Session, person_id: str, application_id: str, note: str) -> Application:
    """보완제출: the citizen answers a supplement request, in words, with the files uploaded since it, or both
    (the timeline's note names the files)."""
    row = session.get(ApplicationRow, application_id)
    if row is None or row.person_id != person_id:
        raise ApplicationNotFound("신청을 찾을 수 없습니다.")
    files = _uploaded_since_request(session, row.id) if row.status == "supplement_requested" else []
    if not note.strip() and not files:
        raise ApplyInvalid("보완한 내용을 적거나 서류를 올려 주세요.", field="note")
    lines = [note.strip()[:2000]] if note.strip() else []
    if files:
        lines.append("올린 서류: " + ", ".join(files))
    _move(session, row, "supplement_submitted", f"citizen:{person_id}", allowed=("supplement_requested",),
          note="\n".join(lines))  # fmt: skip
    return _view(session, row.id)


def _uploaded_since_request(session: Session, application_id: str) -> list[str]:
    """The files uploaded since the application's last 보완요청, as "서류 (파일 이름)"."""
    asked = select(func.max(EventRow.at)).where(
        EventRow.application_id == application_id, EventRow.status == "supplement_requested"
    )
    rows = session.execute(
        select(DocumentRow.label, DocumentRow.file_name)
        .where(
            DocumentRow.application_id == application_id, DocumentRow.uploaded_at >= asked.scalar_subquery()
        )
        .order_by(DocumentRow.uploaded_at, DocumentRow.id)
    )
    return [f"{document} ({name})" for document, name in rows]


def decide(session: Session, application_id: str, official: Official, *, approve: bool,
           reason_code: str | None = None, note: str = "", version: int | None = None) -> Application:  # fmt: skip
    """승인 or 반려 (with a reason code and the official's sentence). Only a 결정권자 decides."""
    row = application_for(session, application_id, official, ("decider",))
    if not approve and (reason_code not in REJECTION_REASONS or not note.strip()):
        raise ApplyInvalid("반려할 때는 사유를 고르고 설명을 적어 주세요.", field="reason_code")
    if row.second_look and row.bulk_by == official.account_id:
        raise SecondLookNeeded("일괄 결정을 한 담당자가 아닌 다른 담당자가 표본 재검토를 해야 합니다.")
    actor = official.actor(row.office)
    status = "approved" if approve else "rejected"
    code = None if approve else reason_code
    _move(session, row, status, actor, allowed=DECIDABLE, version=version, reason_code=code,
          note=note.strip() or None)  # fmt: skip
    _notify(session, row, "decision", _decision_text(row, approve, code, note.strip()))
    return _view(session, row.id)


def complete(session: Session, application_id: str, official: Official) -> Application:
    """지급 (money paid) or 제공 (service provided) after an approval."""
    row = application_for(session, application_id, official, ("decider", "checker"))
    status = "paid" if row.eligibility.get("amount") else "provided"
    _move(session, row, status, official.actor(row.office), allowed=("approved",))
    text = (
        f"{row.eligibility['amount']}이(가) 지급되었습니다."
        if status == "paid"
        else "서비스 제공이 시작되었습니다."
    )
    _notify(session, row, "payment" if status == "paid" else "application_status", text)
    return _view(session, row.id)


def bulk_approve(session: Session, office: str, official: Official, *, limit: int = 500,
                 rng: random.Random | None = None) -> BulkResult:  # fmt: skip
    """일괄 결정: approve the clear cases (rules say eligible, every fact from a registry, nothing claimed or
    missing); a sample of about one in ten goes to another official for a second look instead."""
    _require(official, office, ("decider",))
    rows = list(session.scalars(
        select(ApplicationRow)
        .where(ApplicationRow.office == office, ApplicationRow.clear_case.is_(True),
               ApplicationRow.second_look.is_(False), ApplicationRow.status.in_(("received", "in_review")))
        .order_by(ApplicationRow.created_at).limit(limit)
    ))  # fmt: skip
    sampled = set(_sample(rows, rng or random.SystemRandom()))
    actor, approved, second = official.actor(office), [], []
    for row in rows:
        audit.record_access(session, access_event(row, actor))
        if row.id in sampled:
            _flag_second_look(session, row, official)
            second.append(_view(session, row.id))
            continue
        _move(
            session, row, "approved", actor, allowed=("received", "in_review"), note="일괄 결정 (명백한 경우)"
        )
        _notify(session, row, "decision", _decision_text(row, True, None, ""))
        approved.append(_view(session, row.id))
    return BulkResult(tuple(approved), tuple(second))


def _sample(rows: Sequence[ApplicationRow], rng: random.Random) -> list[str]:
    if not rows:
        return []
    count = max(1, round(len(rows) * SECOND_LOOK_SHARE))
    return [row.id for row in rng.sample(list(rows), count)]


def _flag_second_look(session: Session, row: ApplicationRow, official: Official) -> None:
    session.execute(update(ApplicationRow).where(ApplicationRow.id == row.id)
                    .values(second_look=True, bulk_by=official.account_id))  # fmt: skip
    if row.status == "received":
        _move(session, row, "in_review", official.actor(row.office), allowed=("received",),
              note="표본 재검토 대상 (다른 담당자가 결정)")  # fmt: skip


def _require(official: Official, office: str, roles: tuple[str, ...]) -> None:
    if office not in official.offices(*roles):
        raise ApplicationNotFound("이 기관의 신청이 아니거나, 볼 권한이 없습니다.")


def application_for(
    session: Session, application_id: str, official: Official, roles: tuple[str, ...]
) -> ApplicationRow:
    """The application, read afresh, if ``official`` holds one of ``roles`` in its deciding office."""
    row = session.get(ApplicationRow, application_id, populate_existing=True)
    if row is None or row.office not in official.offices(*roles):
        raise ApplicationNotFound("이 기관의 신청이 아니거나, 볼 권한이 없습니다.")
    return row


def office_of(session: Session, application_id: str) -> str | None:
    """The office an application belongs to (for the web layer's agency check), None if there is none."""
    return session.scalar(select(ApplicationRow.office).where(ApplicationRow.id == application_id))


def _move(session: Session, row: ApplicationRow, status: str, actor: str, *, allowed: Sequence[str],
          version: int | None = None, reason_code: str | None = None, note: str | None = None) -> None:  # fmt: skip
    """Change the status only if it is still one of ``allowed`` (and at ``version``, when given)."""
    now = utcnow()
    condition = [ApplicationRow.id == row.id, ApplicationRow.status.in_(allowed)]
    if version is not None:
        condition.append(ApplicationRow.version == version)
    values: dict[str, object] = {"status": status, "version": ApplicationRow.version + 1, "updated_at": now}
    if status in ("approved", "rejected"):
        values |= {"decision_code": reason_code, "decision_note": note}
    if session.execute(update(ApplicationRow).where(*condition).values(**values)).rowcount != 1:  # type: ignore[attr-defined]
        raise DecisionConflict(_conflict_text(session, row.id))
    session.add(EventRow(application_id=row.id, at=now, status=status, actor=actor, office=row.office,
                         reason_code=reason_code, note=note))  # fmt: skip
    session.flush()
    session.refresh(row)


def _conflict_text(session: Session, application_id: str) -> str:
    current = session.get(ApplicationRow, application_id, populate_existing=True)
    if current is None:
        return "신청을 찾을 수 없습니다."
    at = _korean_time(current.updated_at)
    return f"다른 처리가 먼저 있었습니다: 지금 상태는 '{label(current.status)}'입니다 ({at}). 화면을 새로 고쳐 확인해 주세요."


def _korean_time(moment: datetime) -> str:
    return notices.korean_time(moment)


def access_event(row: ApplicationRow, actor: str) -> audit.AccessEvent:
    """The access-log record of an official reading this application (its receipt number as case)."""
    facts = tuple(sorted({str(f["name"]) for f in row.facts if f.get("agency")})) or ("member.name",)
    return audit.AccessEvent(
        actor=actor, subject=row.person_id, facts=facts, purpose=PURPOSE,
        basis=f"consent:{row.consent_id}" if row.consent_id else "law:nbls-22", case_ref=row.receipt_no,
    )  # fmt: skip


def _decision_text(row: ApplicationRow, approve: bool, code: str | None, note: str) -> str:
    if approve:
        amount = row.eligibility.get("amount")
        return "신청이 승인되었습니다." + (f" 받으실 금액: {amount}." if amount else "")
    return f"신청이 반려되었습니다. 사유: {REJECTION_REASONS.get(code or '', '')}. {note}".strip()


def _notify(session: Session, row: ApplicationRow, kind: str, text: str) -> None:
    notices.send(session, notices.NoticeDraft(
        person_id=row.person_id, kind=kind, sender=row.office_name,
        title=f"[{label(row.status)}] {row.service_name}{' · ' + row.part_name if row.part_name else ''}",
        body=f"{text}\n접수번호 {row.receipt_no} · 처리기관 {row.office_name}",
        link=f"/me/applications/{row.id}", dedupe_key=f"apply:{row.id}:{row.version}",
    ))  # fmt: skip


def _view(session: Session, application_id: str) -> Application:
    row = session.get(ApplicationRow, application_id)
    assert row is not None
    events = session.scalars(select(EventRow).where(EventRow.application_id == row.id).order_by(EventRow.id))
    return application_view(row, events)
