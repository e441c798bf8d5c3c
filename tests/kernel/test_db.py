"""Transactions behave the same on SQLite and PostgreSQL: a savepoint is part of its transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.engine import Engine

from nara.audit.models import SecurityEvent
from nara.kernel.clock import utcnow
from nara.kernel.db import session_factory


def _event(marker: str) -> SecurityEvent:
    return SecurityEvent(recorded_at=utcnow(), event="test.savepoint", outcome="allowed", actor=marker,
                         target="-", reason="", client_ip="")  # fmt: skip


def test_a_savepoint_as_the_first_write_is_rolled_back_with_its_transaction(engine: Engine) -> None:
    sessions, marker = session_factory(engine), uuid.uuid4().hex
    with sessions() as session:
        outer = session.begin()
        with session.begin_nested():  # the transaction's first write, inside a savepoint
            session.add(_event(marker))
        outer.rollback()
    with sessions() as session:
        assert session.scalars(select(SecurityEvent).where(SecurityEvent.actor == marker)).all() == []


def test_a_released_savepoint_is_committed_with_its_transaction(engine: Engine) -> None:
    sessions, marker = session_factory(engine), uuid.uuid4().hex
    with sessions() as session, session.begin(), session.begin_nested():
        session.add(_event(marker))
    with sessions() as session:
        assert len(session.scalars(select(SecurityEvent).where(SecurityEvent.actor == marker)).all()) == 1
