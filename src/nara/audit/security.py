"""The security log (보안 기록): sign-ins, refusals and grants, each in its own transaction so that a
refused request's rollback never loses the record of the refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from nara.audit.models import SecurityEvent
from nara.kernel.clock import utcnow
from nara.kernel.db import transaction


@dataclass(frozen=True)
class SecurityRecord:
    recorded_at: datetime
    event: str
    outcome: str
    actor: str
    target: str
    reason: str
    client_ip: str


def record_security_event(
    sessions: sessionmaker[Session],
    event: str,
    *,
    outcome: str,
    actor: str,
    target: str,
    reason: str = "",
    client_ip: str = "",
) -> None:
    """Append one security event and commit it at once (independent of the caller's transaction)."""
    with transaction(sessions) as session:
        session.add(
            SecurityEvent(
                recorded_at=utcnow(),
                event=event[:80],
                outcome=outcome,
                actor=actor[:200],
                target=target[:300],
                reason=reason[:80],
                client_ip=client_ip[:64],
            )
        )


def security_events(
    session: Session, *, event: str | None = None, actor: str | None = None, limit: int = 100
) -> list[SecurityRecord]:
    """The latest security events, newest first, optionally of one kind or one actor."""
    query = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
    if event:
        query = query.where(SecurityEvent.event == event)
    if actor:
        query = query.where(SecurityEvent.actor == actor)
    return [
        SecurityRecord(r.recorded_at, r.event, r.outcome, r.actor, r.target, r.reason, r.client_ip)
        for r in session.scalars(query)
    ]
