"""The access log's tables: one row per read of personal data, chained by hashes, with signed checkpoints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nara.kernel.db import Base, UTCDateTime


class AccessRecord(Base):
    """One read (or refused read) of a citizen's personal data. Rows are only ever appended."""

    __tablename__ = "audit_access_log"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))  # who read: an official, an agency system, Nara
    on_behalf_of: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(80), index=True)  # whose data
    facts: Mapped[str] = mapped_column(Text)  # JSON list of fact names, sorted
    purpose: Mapped[str] = mapped_column(String(200))
    basis: Mapped[str] = mapped_column(String(200))  # a legal article or a consent id
    outcome: Mapped[str] = mapped_column(String(20))  # granted | refused
    case_ref: Mapped[str | None] = mapped_column(String(80))  # the case the read serves, if any
    previous_hash: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """The last position and hash: appends lock this one row, so the chain never forks."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    record_hash: Mapped[str] = mapped_column(String(64))


class Checkpoint(Base):
    """A signed statement "the chain had this hash at this position", so a cut tail is noticed too."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position: Mapped[int] = mapped_column(Integer)
    record_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))  # Ed25519, base64url


class SecurityEvent(Base):
    """보안 기록 — a sign-in, a refused request, a role grant: what an auditor reviews besides data reads.

    ``detail`` never holds personal data in clear (subjects appear only as account ids)."""

    __tablename__ = "audit_security_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event: Mapped[str] = mapped_column(String(80), index=True)  # e.g. identity.sign_in, access.refused
    outcome: Mapped[str] = mapped_column(String(20))  # allowed | refused
    actor: Mapped[str] = mapped_column(String(200))  # account:<id>, client:<id>, anonymous
    target: Mapped[str] = mapped_column(String(300))  # what was asked for: a route, a case, a role
    reason: Mapped[str] = mapped_column(String(80))  # a stable code (invalid_token, case.other_agency …)
    client_ip: Mapped[str] = mapped_column(String(64))
