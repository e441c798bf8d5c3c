"""Giving, listing, revoking and checking consents (MyData), and the standing 복지멤버십 consent.

A revoked or expired consent stops the very next request: `check` reads the row in the requester's own
transaction, there is no cache.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nara.consent.errors import ConsentInvalid, ConsentNotFound, ConsentRefused
from nara.consent.models import ConsentGrant
from nara.kernel.clock import utcnow

MEMBERSHIP = "membership"
MEMBERSHIP_PURPOSE = "proactive_determination"
MEMBERSHIP_RECIPIENT = "nara:proactive"


@dataclass(frozen=True)
class Consent:
    id: str
    subject: str
    recipient: str
    purpose: str
    facts: tuple[str, ...]
    kind: str
    granted_at: datetime
    valid_until: datetime | None
    revoked_at: datetime | None

    def status(self, at: datetime) -> str:
        """active | revoked | expired."""
        if self.revoked_at is not None:
            return "revoked"
        if self.valid_until is not None and _aware(self.valid_until) <= at:
            return "expired"
        return "active"


def grant(
    session: Session,
    subject: str,
    *,
    recipient: str,
    purpose: str,
    facts: Iterable[str],
    valid_until: datetime | None,
    kind: str = "consent",
) -> Consent:
    """Record a new consent; a validity already past, or no facts, is refused."""
    names = tuple(sorted(set(facts)))
    if not names:
        raise ConsentInvalid("동의할 정보를 하나 이상 고르세요.", field="facts")
    if not recipient.strip() or not purpose.strip():
        raise ConsentInvalid("누가, 어떤 목적으로 쓰는지 정해야 합니다.", field="recipient")
    now = utcnow()
    if valid_until is not None and _aware(valid_until) <= now:
        raise ConsentInvalid("동의 기간의 끝은 지금보다 뒤여야 합니다.", field="valid_until")
    row = ConsentGrant(
        id=f"C-{uuid.uuid4().hex}",
        subject=subject,
        recipient=recipient,
        purpose=purpose,
        facts=list(names),
        kind=kind,
        granted_at=now,
        valid_until=valid_until,
        revoked_at=None,
    )
    session.add(row)
    session.flush()
    return _view(row)


def consents_of(session: Session, subject: str) -> list[Consent]:
    """Every consent the citizen has given, newest first (revoked and expired ones too)."""
    query = (
        select(ConsentGrant)
        .where(ConsentGrant.subject == subject)
        .order_by(ConsentGrant.granted_at.desc(), ConsentGrant.id)
    )
    return [_view(row) for row in session.scalars(query)]


def revoke(session: Session, subject: str, consent_id: str) -> Consent:
    """Revoke one of the citizen's own consents (someone else's id is 'not found', never 'forbidden')."""
    row = session.get(ConsentGrant, consent_id, with_for_update=True)
    if row is None or row.subject != subject:
        raise ConsentNotFound(f"동의 {consent_id}을(를) 찾을 수 없습니다.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return _view(row)


def find(session: Session, consent_id: str) -> Consent | None:
    """A consent by id, whoever gave it (for auditors and the exchange, never for citizens' pages)."""
    row = session.get(ConsentGrant, consent_id)
    return _view(row) if row else None


def check(
    session: Session, consent_id: str, *, subject: str, recipient: str, purpose: str, facts: Iterable[str]
) -> Consent:
    """The consent, if it lets ``recipient`` read ``facts`` of ``subject`` for ``purpose`` now."""
    row = session.get(ConsentGrant, consent_id)
    if row is None:
        raise ConsentRefused("consent.not_found", f"동의 {consent_id}이(가) 없습니다.")
    consent = _view(row)
    state = consent.status(utcnow())
    if state == "revoked":
        raise ConsentRefused("consent.revoked", "이 동의는 철회되었습니다.")
    if state == "expired":
        raise ConsentRefused("consent.expired", "이 동의는 기간이 끝났습니다.")
    if consent.subject != subject:
        raise ConsentRefused("consent.other_subject", "이 동의는 다른 사람의 정보에 대한 것입니다.")
    if consent.recipient != recipient:
        raise ConsentRefused("consent.other_recipient", f"이 동의는 {consent.recipient}에게 준 것입니다.")
    if consent.purpose != purpose:
        raise ConsentRefused("consent.other_purpose", f"이 동의의 목적은 {consent.purpose}입니다.")
    beyond = sorted(set(facts) - set(consent.facts))
    if beyond:
        raise ConsentRefused("consent.facts_not_covered", f"동의하지 않은 정보입니다: {', '.join(beyond)}")
    return consent


def join_membership(session: Session, subject: str, facts: Iterable[str]) -> Consent:
    """복지멤버십: a standing consent letting Nara check the citizen's eligibility regularly."""
    current = membership(session, subject)
    if current is not None:
        return current
    return grant(
        session,
        subject,
        recipient=MEMBERSHIP_RECIPIENT,
        purpose=MEMBERSHIP_PURPOSE,
        facts=facts,
        valid_until=None,
        kind=MEMBERSHIP,
    )


def membership(session: Session, subject: str) -> Consent | None:
    """The citizen's active 복지멤버십 consent, if they have joined."""
    query = select(ConsentGrant).where(
        ConsentGrant.subject == subject, ConsentGrant.kind == MEMBERSHIP, ConsentGrant.revoked_at.is_(None)
    )
    row = session.scalars(query).first()
    return _view(row) if row else None


def memberships(session: Session, at: datetime) -> list[Consent]:
    """Every 복지멤버십 consent in force at ``at`` (normally now), one per member, by person id."""
    moment = at.astimezone(UTC)
    query = (
        select(ConsentGrant)
        .where(
            ConsentGrant.kind == MEMBERSHIP,
            ConsentGrant.granted_at <= moment,
            or_(ConsentGrant.revoked_at.is_(None), ConsentGrant.revoked_at > moment),
            or_(ConsentGrant.valid_until.is_(None), ConsentGrant.valid_until > moment),
        )
        .order_by(ConsentGrant.subject, ConsentGrant.granted_at, ConsentGrant.id)
    )
    found: dict[str, Consent] = {}
    for row in session.scalars(query):
        found.setdefault(row.subject, _view(row))
    return list(found.values())


def members(session: Session, at: datetime) -> list[str]:
    """The person ids with 복지멤버십 in force at ``at``, sorted: whom the proactive job may look at."""
    return [given.subject for given in memberships(session, at)]


def leave_membership(session: Session, subject: str) -> Consent | None:
    """Leave 복지멤버십 (revokes the standing consent); None when the citizen was not a member."""
    current = membership(session, subject)
    return revoke(session, subject, current.id) if current else None


def _view(row: ConsentGrant) -> Consent:
    return Consent(
        id=row.id,
        subject=row.subject,
        recipient=row.recipient,
        purpose=row.purpose,
        facts=tuple(row.facts),
        kind=row.kind,
        granted_at=_aware(row.granted_at),
        valid_until=_aware(row.valid_until) if row.valid_until else None,
        revoked_at=_aware(row.revoked_at) if row.revoked_at else None,
    )


def _aware(moment: datetime) -> datetime:
    """SQLite hands times back without their zone; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
