"""Where notices go besides the 전자 사서함: the citizen's chosen extra channels and the outbox.

The 전자 사서함 always has every notice. A citizen may also choose SMS (to the phone verified at
sign-in, which the web layer hands in) and e-mail (an address they type). Each notice to such a channel
becomes a row in ``notices_deliveries``, written in the same transaction as the notice (a durable
outbox); :func:`deliver_pending` sends pending rows through a :class:`Channel` and marks them sent.
Delivery is at least once: a crash after sending and before the commit sends that message again.

In development and tests :class:`SmsChannel` and :class:`EmailChannel` write JSON lines to a file under
``var/`` — each line says ``"simulated": true``; nothing leaves the machine. A real SMS or e-mail
gateway implements the same :class:`Channel` protocol.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import Executable, String, Table, and_, any_, bindparam, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from nara.kernel.clock import utcnow
from nara.notices.errors import NoticeInvalid
from nara.notices.models import ChannelChoiceRow, DeliveryRow, NoticeRow

SMS = "sms"
EMAIL = "email"
CHANNEL_LABELS = {SMS: "문자 메시지(SMS)", EMAIL: "전자우편"}
MAX_ATTEMPTS = 8  # after this many failures a delivery is marked failed and no longer retried
_EMAIL = re.compile(
    r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$"
)
_MOBILE = re.compile(r"^01[016789]\d{7,8}$")


@dataclass(frozen=True)
class Delivery:
    """One notice to send on one channel (what a :class:`Channel` receives)."""

    id: str
    notice_id: str
    person_id: str
    channel: str
    address: str
    kind: str
    title: str
    sender: str
    status: str  # pending | sent | failed
    attempts: int
    last_error: str | None
    sent_at: datetime | None


class Channel(Protocol):
    """An SMS gateway, an e-mail service, an app push: anything that can carry a notice."""

    name: str

    def deliver(self, delivery: Delivery) -> None:
        """Send ``delivery`` or raise (the outbox row then stays pending, with the error)."""
        ...


class FileOutbox:
    """개발용 발송함: one JSON line per message in ``path``, marked ``"simulated": true``. Not for production."""

    name = "outbox"

    def __init__(self, path: Path, public_url: str = "http://localhost:8000") -> None:
        self.path = path
        self.public_url = public_url.rstrip("/")
        self._lock = threading.Lock()

    def deliver(self, delivery: Delivery) -> None:
        line = {
            "simulated": True,
            "channel": self.name,
            "to": delivery.address,
            "message": self.message(delivery),
            "notice_id": delivery.notice_id,
            "delivery_id": delivery.id,
            "at": utcnow().isoformat(),
        }
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(json.dumps(line, ensure_ascii=False) + "\n")

    def message(self, delivery: Delivery) -> str:
        """Only the title and where to read the rest: the body stays behind the sign-in."""
        return (
            f"[나라] {delivery.sender}: {delivery.title}\n"
            f"전자 사서함에서 확인하세요: {self.public_url}/me/notices/{delivery.notice_id}"
        )

    def sent(self) -> list[dict[str, Any]]:
        """Every message written so far (for developers and tests)."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]


class SmsChannel(FileOutbox):
    """문자 메시지 — simulated in development (a file); a carrier's SMS API implements :class:`Channel`."""

    name = SMS


class EmailChannel(FileOutbox):
    """전자우편 — simulated in development (a file); an SMTP or mail API client implements :class:`Channel`."""

    name = EMAIL

    def message(self, delivery: Delivery) -> str:
        return f"제목: [나라 전자 사서함] {delivery.title}\n\n{super().message(delivery)}"


@dataclass(frozen=True)
class ChannelChoice:
    """The extra channels a citizen chose (None: not chosen)."""

    person_id: str
    sms_phone: str | None
    email: str | None
    updated_at: datetime | None


def channel_choice(session: Session, person_id: str) -> ChannelChoice:
    """The citizen's extra channels (none until they choose)."""
    row = session.get(ChannelChoiceRow, person_id)
    if row is None:
        return ChannelChoice(person_id, None, None, None)
    return ChannelChoice(person_id, row.sms_phone, row.email, row.updated_at)


def choose_channels(
    session: Session, person_id: str, *, sms_phone: str | None, email: str | None
) -> ChannelChoice:
    """Record the citizen's extra channels: ``sms_phone`` (the verified phone, from the web layer) and
    ``email`` (typed by the citizen); None turns a channel off. Only later notices use the new choice."""
    phone = normalise_mobile(sms_phone) if sms_phone else None
    address = check_email(email) if email and email.strip() else None
    row = session.get(ChannelChoiceRow, person_id, with_for_update=True)
    if row is None:
        row = ChannelChoiceRow(person_id=person_id)
        session.add(row)
    row.sms_phone, row.email, row.updated_at = phone, address, utcnow()
    session.flush()
    return channel_choice(session, person_id)


def normalise_mobile(phone: str) -> str:
    """A Korean mobile number as 010-1234-5678.

    >>> normalise_mobile("010 1234 5678")
    '010-1234-5678'
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not _MOBILE.match(digits):
        raise NoticeInvalid("휴대전화 번호가 올바르지 않습니다. 예: 010-1234-5678", field="sms_phone")
    return f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}"


def check_email(email: str) -> str:
    """The address as typed (trimmed), if it looks like one; otherwise :class:`NoticeInvalid`."""
    address = email.strip()
    if len(address) > 254 or not _EMAIL.match(address):
        raise NoticeInvalid("전자우편 주소가 올바르지 않습니다. 예: hong@example.com", field="email")
    return address


def queue_deliveries(session: Session, notice_ids: Sequence[str], now: datetime) -> None:
    """Outbox rows for these (new) notices on their citizens' chosen channels — one INSERT … SELECT for
    every channel, so a batch of a thousand notices costs one statement whoever chose what."""
    if notice_ids:
        statement = _queue_statement(session.get_bind().dialect.name)
        session.execute(statement, {"notice_ids": list(notice_ids), "now": now})


@cache
def _queue_statement(dialect: str) -> Executable:
    """Built once per database kind (a notice per submission made building it a cost of its own)."""
    if dialect == "postgresql":
        ids = NoticeRow.id == any_(bindparam("notice_ids", type_=postgresql.ARRAY(String())))
    else:
        ids = NoticeRow.id.in_(bindparam("notice_ids", expanding=True))
    chosen = [
        select(
            NoticeRow.id + literal(f":{channel}"),
            NoticeRow.id,
            literal(channel),
            column,
            literal("pending"),
            literal(0),
            bindparam("now", type_=DeliveryRow.created_at.type),
        )
        .join(ChannelChoiceRow, and_(ChannelChoiceRow.person_id == NoticeRow.person_id, column.is_not(None)))
        .where(ids)
        for channel, column in ((SMS, ChannelChoiceRow.sms_phone), (EMAIL, ChannelChoiceRow.email))
    ]
    target = ["id", "notice_id", "channel", "address", "status", "attempts", "created_at"]
    table = cast(Table, DeliveryRow.__table__)  # Core: an ORM insert given parameters is a bulk insert
    return insert(table).from_select(target, union_all(*chosen))


def deliver_pending(session: Session, channels: Iterable[Channel], *, limit: int = 500) -> int:
    """Send up to ``limit`` pending deliveries through ``channels`` (by name); returns how many were sent.

    A channel that raises leaves its row pending with the attempt counted and the error kept; after
    ``MAX_ATTEMPTS`` failures the row is marked failed. Rows for channels not given wait. On PostgreSQL
    concurrent couriers skip each other's rows (``FOR UPDATE SKIP LOCKED``). The caller commits."""
    by_name = {channel.name: channel for channel in channels}
    if not by_name:
        return 0
    query = (
        select(DeliveryRow, NoticeRow)
        .join(NoticeRow, NoticeRow.id == DeliveryRow.notice_id)
        .where(DeliveryRow.status == "pending", DeliveryRow.channel.in_(list(by_name)))
        .order_by(DeliveryRow.created_at, DeliveryRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=DeliveryRow)
    )
    sent = 0
    for row, notice in session.execute(query).all():
        row.attempts += 1
        try:
            by_name[row.channel].deliver(_delivery(row, notice))
        except Exception as error:  # any failure of an outside service: keep the row, retry later
            row.last_error = f"{type(error).__name__}: {error}"[:500]
            row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
        else:
            row.status, row.sent_at, row.last_error = "sent", utcnow(), None
            sent += 1
    session.flush()
    return sent


def deliveries_of(session: Session, person_id: str, notice_id: str) -> list[Delivery]:
    """The extra-channel deliveries of one of the citizen's notices (empty for someone else's)."""
    query = (
        select(DeliveryRow, NoticeRow)
        .join(NoticeRow, NoticeRow.id == DeliveryRow.notice_id)
        .where(NoticeRow.id == notice_id, NoticeRow.person_id == person_id)
        .order_by(DeliveryRow.channel)
    )
    return [_delivery(row, notice) for row, notice in session.execute(query)]


def _delivery(row: DeliveryRow, notice: NoticeRow) -> Delivery:
    return Delivery(
        id=row.id,
        notice_id=row.notice_id,
        person_id=notice.person_id,
        channel=row.channel,
        address=row.address,
        kind=notice.kind,
        title=notice.title,
        sender=notice.sender,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )
