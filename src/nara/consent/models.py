"""The consent domain's table: every consent a citizen has given, including revoked ones (kept as proof)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from nara.kernel.db import Base


class ConsentGrant(Base):
    """정보 제공 동의 — a citizen lets a recipient read some of their facts for one purpose, for a while."""

    __tablename__ = "consent_grants"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), index=True)  # the citizen who consents
    recipient: Mapped[str] = mapped_column(String(200))  # who may read: an agency, a third party, Nara
    purpose: Mapped[str] = mapped_column(String(80))
    facts: Mapped[list[Any]] = mapped_column(JSON)  # fact names, sorted
    kind: Mapped[str] = mapped_column(String(20))  # consent | membership (복지멤버십)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: until revoked
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
