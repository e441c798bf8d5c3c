"""The access log's tables: one row per read of personal data, chained by hashes, with signed checkpoints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from nara.kernel.db import Base


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
