"""The notices domain's tables: the 전자 사서함, its delivery outbox, channel choices, bills and payments.

Nothing here refers to another domain's tables: a citizen is a ``person_id`` (the resident registry id),
and the phone number for SMS is handed in by the web layer when the citizen chooses that channel.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from nara.kernel.db import Base, UTCDateTime


class NoticeRow(Base):
    """알림 — one notice in a citizen's 전자 사서함 (read_at is the read receipt: the first opening)."""

    __tablename__ = "notices_notices"
    __table_args__ = (
        UniqueConstraint("person_id", "dedupe_key", name="uq_notices_notices_person_dedupe"),
        Index("ix_notices_notices_person_created", "person_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sender: Mapped[str] = mapped_column(String(200))
    link: Mapped[str | None] = mapped_column(String(500))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DeliveryRow(Base):
    """발송 대기열 (outbox) — one notice to send on one extra channel, written with the notice itself."""

    __tablename__ = "notices_deliveries"
    __table_args__ = (
        UniqueConstraint("notice_id", "channel", name="uq_notices_deliveries_notice_channel"),
        Index("ix_notices_deliveries_status_created", "status", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(50), primary_key=True)  # "<notice id>:<channel>"
    notice_id: Mapped[str] = mapped_column(ForeignKey("notices_notices.id"))
    channel: Mapped[str] = mapped_column(String(20))  # sms | email
    address: Mapped[str] = mapped_column(String(254))  # the phone number or e-mail address at queue time
    status: Mapped[str] = mapped_column(String(20))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ChannelChoiceRow(Base):
    """알림 받을 곳 — the extra channels a citizen chose (the 전자 사서함 always receives everything)."""

    __tablename__ = "notices_channel_choices"

    person_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    sms_phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BillRow(Base):
    """고지서 — an amount a citizen owes an agency, paid at most once."""

    __tablename__ = "notices_bills"
    __table_args__ = (
        UniqueConstraint("person_id", "dedupe_key", name="uq_notices_bills_person_dedupe"),
        CheckConstraint("amount_won > 0", name="amount_positive"),
        CheckConstraint("status IN ('unpaid', 'paid')", name="status_known"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(80))
    agency: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    amount_won: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[date] = mapped_column(Date)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # unpaid | paid
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notice_id: Mapped[str | None] = mapped_column(String(40))


class PaymentRow(Base):
    """납부 — the one payment of a bill (unique per bill; an idempotency key names one attempt)."""

    __tablename__ = "notices_payments"
    __table_args__ = (
        UniqueConstraint("person_id", "idempotency_key", name="uq_notices_payments_person_key"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    bill_id: Mapped[str] = mapped_column(ForeignKey("notices_bills.id"), unique=True)
    person_id: Mapped[str] = mapped_column(String(80))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    amount_won: Mapped[int] = mapped_column(BigInteger)
    receipt_number: Mapped[str] = mapped_column(String(100))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime())
