"""Applying once: a submission fans out to one application per service (or per agency's part), all in
one transaction; the offices review, ask for supplements and decide; every step is a timeline event and
a notice in the citizen's 전자 사서함.

Idempotent: the same ``submission_key`` from the same citizen is the same submission, however often it
arrives. Durable: the caller commits before the citizen sees "접수되었습니다", and a crash before the
commit leaves nothing behind (no half a bundle).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from nara import notices, registry
from nara.apply.check import NEWBORN, ServiceCheck
from nara.apply.errors import AlreadyApplied, ApplicationNotFound, ApplyInvalid
from nara.apply.household import Household, PulledFact
from nara.apply.models import ApplicationRow, EventRow, SubmissionRow
from nara.apply.specs import Bundle, Form, form, office
from nara.apply.statuses import label
from nara.apply.views import Application, Submission, application_view
from nara.kernel.clock import utcnow
from nara.kernel.failpoints import failpoint

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@dataclass(frozen=True)
class Correction:
    """정정 요청: the citizen says a registry's value is wrong. A claim for the office, never an overwrite."""

    fact: str
    claimed: str
    reason: str


@dataclass(frozen=True)
class Request:
    """What the citizen submits: the services chosen, their household as the registries gave it, answers."""

    person_id: str
    submission_key: str
    household: Household
    checks: dict[str, ServiceCheck]  # the rules' answer per service, as the citizen saw it
    bundle: Bundle | None = None
    answers: dict[str, Any] = field(default_factory=dict)  # the bundle's shared questions
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # each form's own fields
    corrections: tuple[Correction, ...] = ()


def receipt_number(on: datetime) -> str:
    """접수번호, e.g. 2026-1206-7K3M-Q9TX: the day, then 40 random bits (Crockford base32, no I/L/O/U)."""
    code = "".join(secrets.choice(_CROCKFORD) for _ in range(8))
    return f"{on:%Y-%m%d}-{code[:4]}-{code[4:]}"


def submit(session: Session, request: Request) -> Submission:
    """One submission, all its applications and their first events and notice — in the caller's
    transaction. Returns the earlier submission when this key was already used (nothing new written)."""
    now = utcnow()
    row = SubmissionRow(
        id=f"S-{uuid.uuid4().hex[:20]}", person_id=request.person_id, submission_key=request.submission_key,
        bundle=request.bundle.id if request.bundle else None, created_at=now,
    )  # fmt: skip
    if not _claim(session, row):  # the key was used: a retry, or a concurrent double click that lost
        earlier = submission(session, request.person_id, request.submission_key)
        assert earlier is not None  # the winner committed before the unique key let this one go on
        return earlier
    drafts = _drafts(session, request, row.id, now)
    if not drafts:
        raise AlreadyApplied("고른 서비스는 모두 이미 신청하셨습니다. 내 신청 현황에서 확인해 주세요.")
    half = len(drafts) // 2 + 1
    _insert(session, drafts[:half])  # one statement for many rows: applications first, then their events
    failpoint("apply.submit.midway")  # fault tests: a crash with half the bundle written
    _insert(session, drafts[half:])
    actor = f"citizen:{request.person_id}"
    _insert(session, [_event(draft.id, now, "received", actor, draft.office) for draft in drafts])
    notices.send(session, _received_notice(request, row, drafts))
    ordered = sorted(drafts, key=lambda draft: draft.id)  # as submission() reads them: one created_at
    return Submission(
        row.id, row.submission_key, row.bundle, now, tuple(map(application_view, ordered)), received_now=True
    )


def _insert(session: Session, rows: Sequence[ApplicationRow] | Sequence[EventRow]) -> None:
    """``rows`` written with one INSERT (Core: the unit of work's bookkeeping per object cost more than
    the database did); the objects stay detached, read only to build the views."""
    if rows:
        table = cast(Table, type(rows[0]).__table__)
        keys = [column.key for column in table.columns if getattr(rows[0], column.key) is not None
                or not column.primary_key]  # fmt: skip
        session.execute(insert(table), [{key: getattr(row, key) for key in keys} for row in rows])


def _claim(session: Session, row: SubmissionRow) -> bool:
    """Insert the submission's row unless this citizen's key is taken; False if it was (nothing written).

    ON CONFLICT DO NOTHING rather than a savepoint: SQLite's driver opens no transaction before a SAVEPOINT,
    so releasing it would commit the row at once, and a crash after it would leave an empty submission that
    every retry with the key then finds ("접수되었습니다" with nothing received)."""
    dialect = session.get_bind().dialect.name
    maker = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {column.key: getattr(row, column.key) for column in SubmissionRow.__table__.columns}
    statement = maker(SubmissionRow).values(values)
    statement = statement.on_conflict_do_nothing(index_elements=["person_id", "submission_key"])
    return session.execute(statement.returning(SubmissionRow.id)).first() is not None  # (rowcount: -1)


def _drafts(session: Session, request: Request, submission_id: str, now: datetime) -> list[ApplicationRow]:
    services = [s for s, check in request.checks.items() if check.offered]
    if not services:
        raise ApplyInvalid("신청할 수 있는 서비스가 없습니다.")
    specs = []
    for service_id in services:
        spec = form(service_id)
        if spec is None:
            raise ApplyInvalid(f"온라인으로 신청할 수 없는 서비스입니다: {service_id}")
        specs.append(spec)
    who = {spec.service: _beneficiary(request, spec) for spec in specs}
    applied = _applied(session, request.person_id, {beneficiary for beneficiary, _ in who.values()})
    return [
        _application(request, spec, submission_id, now, part, who[spec.service])
        for spec in specs
        for part in _parts(spec)
        if (spec.service, part[0], who[spec.service][0]) not in applied
    ]


def _parts(spec: Form) -> list[tuple[str | None, str | None, str]]:
    if not spec.parts:
        return [(None, None, spec.agency)]
    return [(part.id, part.name, part.agency) for part in spec.parts]


def _beneficiary(request: Request, spec: Form) -> tuple[str, str]:
    """Who it is for, and the key that makes "the same application twice" recognisable: in a birth
    bundle every service is about this baby's birth, whoever receives it."""
    own = f"{request.household.me.name} (본인)"
    if request.bundle is None or not request.bundle.newborn:
        return request.person_id, own
    name = str(request.answers.get("newborn.name") or "아기")
    born = str(request.answers.get("newborn.birth_date") or "")
    return f"{NEWBORN}:{born}:{name}", f"{name} (새로 태어난 아기)" if spec.for_child else own


def _applied(session: Session, person_id: str, beneficiaries: set[str]) -> set[tuple[str, str | None, str]]:
    """(service, part, beneficiary) of the person's applications for these beneficiaries not rejected:
    the same one again would be applying twice. One query for the whole bundle."""
    query = select(ApplicationRow.service_id, ApplicationRow.part, ApplicationRow.beneficiary).where(
        ApplicationRow.person_id == person_id,
        ApplicationRow.beneficiary.in_(beneficiaries),
        ApplicationRow.status != "rejected",
    )
    return {(service, part, beneficiary) for service, part, beneficiary in session.execute(query)}


def _application(
    request: Request, spec: Form, submission_id: str, now: datetime,
    part: tuple[str | None, str | None, str], beneficiary: tuple[str, str],
) -> ApplicationRow:  # fmt: skip
    household, check = request.household, request.checks[spec.service]
    decided_by = office(part[2], household.region)
    facts = _facts(household, spec)
    corrections = [c for c in request.corrections if c.fact in spec.pulls]
    documents = documents_needed(household, spec, corrections)
    unavailable = [f["name"] for f in facts if f["agency"] is None]
    return ApplicationRow(
        id=f"A-{uuid.uuid4().hex[:20]}", receipt_no=receipt_number(now), submission_id=submission_id,
        person_id=request.person_id, bundle=request.bundle.id if request.bundle else None,
        service_id=spec.service, service_name=check.name, part=part[0], part_name=part[1],
        beneficiary=beneficiary[0], beneficiary_name=beneficiary[1],
        office=decided_by.code, office_name=decided_by.name, status="received",
        consent_id=household.consent_id, facts=facts, unavailable=sorted(set(household.unavailable)),
        corrections=[{"fact": c.fact, "label": _label(c.fact), "registry_value": _shown(household, c.fact),
                      "claimed": c.claimed, "reason": c.reason} for c in corrections],
        answers={**request.answers, **request.fields.get(spec.service, {})},
        documents=documents, eligibility=check.as_dict(),
        clear_case=check.status == "eligible" and not corrections and not documents and not unavailable,
        second_look=False, bulk_by=None, decision_code=None, decision_note=None, version=1,
        created_at=now, updated_at=now,
    )  # fmt: skip


def _pulled(household: Household, name: str) -> PulledFact | None:
    return household.facts.get(name) or household.me.facts.get(name)


def _facts(household: Household, spec: Form) -> list[dict[str, Any]]:
    facts = []
    for name in spec.pulls:
        pulled = _pulled(household, name)
        if pulled is not None and pulled.agency not in household.unavailable:
            facts.append(pulled.as_dict())
        else:
            facts.append({"name": name, "label": _label(name), "value": None, "shown": "가져오지 못함",
                          "agency": None, "agency_name": None})  # fmt: skip
    return facts


def documents_needed(household: Household, spec: Form, corrections: Sequence[Correction]) -> list[str]:
    """Documents still needed: those for facts no registry answered, or that the citizen corrected."""
    catalogue = registry.catalogue().facts
    corrected = {c.fact for c in corrections}
    needed = []
    for document in spec.documents:
        fact = document.fact
        answered = fact in catalogue and _pulled(household, fact or "") is not None
        if (
            fact is None
            or not answered
            or fact in corrected
            or catalogue[fact].registry in household.unavailable
        ):
            needed.append(document.label)
    return needed


def _label(name: str) -> str:
    fact = registry.catalogue().facts.get(name)
    return fact.label if fact else name


def _shown(household: Household, name: str) -> str:
    pulled = _pulled(household, name)
    return pulled.shown if pulled else "기록 없음"


def _event(application_id: str, at: datetime, status: str, actor: str, office_code: str,
           reason_code: str | None = None, note: str | None = None) -> EventRow:  # fmt: skip
    return EventRow(application_id=application_id, at=at, status=status, actor=actor, office=office_code,
                    reason_code=reason_code, note=note)  # fmt: skip


def _received_notice(
    request: Request, row: SubmissionRow, drafts: list[ApplicationRow]
) -> notices.NoticeDraft:
    what = request.bundle.name if request.bundle else drafts[0].service_name
    lines = [f"- {d.service_name}{' · ' + d.part_name if d.part_name else ''}: 접수번호 {d.receipt_no} "
             f"({d.office_name})" for d in drafts]  # fmt: skip
    return notices.NoticeDraft(
        person_id=request.person_id, kind="application_status",
        title=f"[{label('received')}] {what} 신청 {len(drafts)}건이 접수되었습니다",
        body="\n".join(["아래 신청이 접수되었습니다. 처리 상황은 '내 신청 현황'에서 볼 수 있습니다.", *lines]),
        link="/me/applications", dedupe_key=f"apply:submission:{row.id}",
    )  # fmt: skip


def submission(session: Session, person_id: str, submission_key: str) -> Submission | None:
    """The submission made with this key, with its applications; None if nothing was submitted."""
    row = session.scalar(
        select(SubmissionRow).where(
            SubmissionRow.person_id == person_id, SubmissionRow.submission_key == submission_key
        )
    )
    if row is None:
        return None
    rows = session.scalars(
        select(ApplicationRow)  # by person first: their index (there is none on submission_id)
        .where(ApplicationRow.person_id == person_id, ApplicationRow.submission_id == row.id)
        .order_by(ApplicationRow.created_at, ApplicationRow.id)
    )
    return Submission(
        row.id, row.submission_key, row.bundle, row.created_at, tuple(map(application_view, rows))
    )


def applications_of(session: Session, person_id: str) -> list[Application]:
    rows = session.scalars(
        select(ApplicationRow)
        .where(ApplicationRow.person_id == person_id)
        .order_by(ApplicationRow.created_at.desc(), ApplicationRow.id)
    )
    return [application_view(row) for row in rows]


def application_of(session: Session, person_id: str, application_id: str) -> Application:
    """A citizen's own application with its timeline; anyone else's is not found."""
    row = session.get(ApplicationRow, application_id)
    if row is None or row.person_id != person_id:
        raise ApplicationNotFound("신청을 찾을 수 없습니다. 접수번호를 확인해 주세요.")
    return application_view(row, _events(session, row.id))


def _events(session: Session, application_id: str) -> list[EventRow]:
    return list(session.scalars(select(EventRow).where(EventRow.application_id == application_id)
                                .order_by(EventRow.id)))  # fmt: skip
