"""The 전자 사서함: sending notices (once per dedupe key, ever), reading them, and read receipts.

Every write runs in the caller's transaction (this module flushes, never commits). A notice and its
deliveries on the citizen's extra channels (the outbox) are written together, so a notice is never
lost between the two: :func:`nara.notices.channels.deliver_pending` sends the outbox after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from nara.kernel.clock import utcnow
from nara.notices.bulk import among, chunked, insert_ignoring_duplicates, insert_one_ignoring_duplicate
from nara.notices.channels import queue_deliveries
from nara.notices.errors import NoticeInvalid, NoticeNotFound
from nara.notices.models import NoticeRow

KIND_LABELS = {
    "application_status": "신청 진행 안내",
    "decision": "결정 통지",
    "supplement_request": "보완 요청",
    "payment": "납부·지급 안내",
    "proactive": "받을 수 있는 혜택 안내",
}
KINDS = tuple(KIND_LABELS)
DEFAULT_SENDER = "나라"
_LIMITS = {"person_id": 80, "title": 200, "body": 10_000, "sender": 200, "link": 500, "dedupe_key": 200}


@dataclass(frozen=True)
class NoticeDraft:
    """A notice to send: who gets it, what kind, in plain Korean, from which office."""

    person_id: str
    kind: str
    title: str
    body: str
    sender: str = DEFAULT_SENDER
    link: str | None = None  # a relative portal path, e.g. "/me/applications/APP-…"
    dedupe_key: str | None = None  # same (person_id, dedupe_key) ⇒ exactly one notice, ever


@dataclass(frozen=True)
class Notice:
    id: str
    person_id: str
    kind: str
    title: str
    body: str
    sender: str
    link: str | None
    created_at: datetime
    read_at: datetime | None  # the read receipt: when the citizen first opened it

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def unread(self) -> bool:
        return self.read_at is None


def send(session: Session, draft: NoticeDraft) -> Notice:
    """Put ``draft`` in the citizen's 전자 사서함 and queue it on their extra channels.

    Idempotent by ``(person_id, dedupe_key)``: the notice already sent under that key is returned and
    nothing is written (also when a concurrent transaction sent it first). Two statements when new: the
    notice (INSERT … ON CONFLICT DO NOTHING) and its deliveries."""
    values = _values(draft, utcnow())
    if not insert_one_ignoring_duplicate(session, NoticeRow, values):
        assert draft.dedupe_key is not None  # only the dedupe key can clash: the id is new
        found = _by_key(session, draft.person_id, draft.dedupe_key)
        assert found is not None
        return _view(found)
    queue_deliveries(session, [values["id"]], values["created_at"])
    return Notice(**{name: values[name] for name in _NOTICE_FIELDS}, read_at=None)


_NOTICE_FIELDS = ("id", "person_id", "kind", "title", "body", "sender", "link", "created_at")


def send_many(session: Session, drafts: Iterable[NoticeDraft]) -> int:
    """Send many notices at once (the 복지멤버십 batch); returns how many were new.

    One INSERT … ON CONFLICT DO NOTHING per thousand drafts on the unique (person_id, dedupe_key), so
    running the same batch again writes nothing. Deliveries are queued for the new ones only."""
    new = 0
    for chunk in chunked(drafts):
        now = utcnow()
        rows = [_values(draft, now) for draft in chunk]
        insert_ignoring_duplicates(session, NoticeRow, rows)
        written = [
            str(notice_id)
            for notice_id in session.scalars(
                select(NoticeRow.id).where(among(session, NoticeRow.id, [row["id"] for row in rows]))
            )
        ]
        queue_deliveries(session, written, now)
        new += len(written)
    return new


def inbox(
    session: Session, person_id: str, *, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> list[Notice]:
    """The citizen's notices, newest first."""
    query = select(NoticeRow).where(NoticeRow.person_id == person_id)
    if unread_only:
        query = query.where(NoticeRow.read_at.is_(None))
    query = query.order_by(NoticeRow.created_at.desc(), NoticeRow.id.desc())
    return [_view(row) for row in session.scalars(query.limit(max(limit, 0)).offset(max(offset, 0)))]


def count(session: Session, person_id: str, *, unread_only: bool = False) -> int:
    """How many notices the citizen has (or has not yet opened)."""
    query = select(func.count()).select_from(NoticeRow).where(NoticeRow.person_id == person_id)
    if unread_only:
        query = query.where(NoticeRow.read_at.is_(None))
    return int(session.scalar(query) or 0)


def unread_count(session: Session, person_id: str) -> int:
    """How many of the citizen's notices they have not opened yet."""
    return count(session, person_id, unread_only=True)


def read(session: Session, person_id: str, notice_id: str) -> Notice:
    """Open one of the citizen's notices; the first opening is recorded as the read receipt.

    Another person's notice, or no such notice, is :class:`NoticeNotFound` (existence is never
    revealed). Later openings keep the first time (the update only touches a row still unread)."""
    row = session.get(NoticeRow, notice_id)
    if row is None or row.person_id != person_id:
        raise NoticeNotFound(
            f"알림 {notice_id[:40]}을(를) 찾을 수 없습니다. 전자 사서함에서 다시 골라 주세요."
        )
    if row.read_at is None:
        session.execute(
            update(NoticeRow)
            .where(NoticeRow.id == notice_id, NoticeRow.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        session.refresh(row)
    return _view(row)


def notices_with_key(session: Session, person_id: str, prefix: str) -> list[Notice]:
    """The citizen's notices whose dedupe key starts with ``prefix`` (e.g. "proactive:"), newest first."""
    query = (
        select(NoticeRow)
        .where(NoticeRow.person_id == person_id, NoticeRow.dedupe_key.startswith(prefix, autoescape=True))
        .order_by(NoticeRow.created_at.desc(), NoticeRow.id.desc())
    )
    return [_view(row) for row in session.scalars(query)]


def _by_key(session: Session, person_id: str, dedupe_key: str) -> NoticeRow | None:
    query = select(NoticeRow).where(NoticeRow.person_id == person_id, NoticeRow.dedupe_key == dedupe_key)
    return session.scalars(query).first()


def _values(draft: NoticeDraft, now: datetime) -> dict[str, Any]:
    """The row for ``draft``, or :class:`NoticeInvalid` naming the field to fix."""
    if draft.kind not in KIND_LABELS:
        raise NoticeInvalid(f"알림 종류는 {', '.join(KINDS)} 중 하나여야 합니다.", field="kind")
    for name, limit in _LIMITS.items():
        value = getattr(draft, name)
        if value is not None and len(value) > limit:
            raise NoticeInvalid(f"{name}은(는) {limit}자를 넘을 수 없습니다.", field=name)
    for name in ("person_id", "title", "sender"):
        if not getattr(draft, name).strip():
            raise NoticeInvalid(f"{name}을(를) 비워 둘 수 없습니다.", field=name)
    if draft.link is not None and not is_portal_path(draft.link):
        raise NoticeInvalid("link는 '/'로 시작하는 나라 포털 안의 주소여야 합니다.", field="link")
    return {
        "id": f"N-{uuid.uuid4().hex}",
        "person_id": draft.person_id,
        "kind": draft.kind,
        "title": draft.title.strip(),
        "body": draft.body,
        "sender": draft.sender.strip(),
        "link": draft.link,
        "dedupe_key": draft.dedupe_key,
        "created_at": now,
        "read_at": None,
    }


def is_portal_path(link: str) -> bool:
    """A path inside the portal (never another site, a scheme or a protocol-relative address).

    >>> [is_portal_path(p) for p in ("/me/bills/B-1", "//evil.example", "https://x", "/a b", "/\\\\x")]
    [True, False, False, False, False]
    """
    if not link.startswith("/") or link.startswith("//"):
        return False
    return not any(ch.isspace() or ch == "\\" or ord(ch) < 32 for ch in link)


def _view(row: NoticeRow) -> Notice:
    return Notice(
        id=row.id,
        person_id=row.person_id,
        kind=row.kind,
        title=row.title,
        body=row.body,
        sender=row.sender,
        link=row.link,
        created_at=row.created_at,
        read_at=row.read_at,
    )
