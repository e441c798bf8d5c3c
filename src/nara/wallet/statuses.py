"""Revocation and suspension: the issuer's Token Status Lists (2 bits: valid, invalid, suspended,
superseded) of 2^20 entries, indices drawn at random, published as signed JWTs with a ``ttl``.

A list is filled to half at most, so a random index is found in a draw or two and the indices in use
say nothing about the order of issuance. Status changes are made by officials (``do_set_status``) and
land in the citizen's history. Verifiers read lists through ``StatusChecker``: a cache that fetches a
list only when its copy is older than the token's ``ttl`` — never once per presentation.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from nara.kernel.clock import utcnow
from nara.wallet import history, status_list
from nara.wallet.models import IssuedCredential, StatusListRow
from nara.wallet.refusals import WalletRefused, not_found

if TYPE_CHECKING:
    from nara.wallet.context import WalletContext

BITS = 2
STATUS_VALUES = {
    "valid": status_list.VALID,
    "invalid": status_list.INVALID,
    "suspended": status_list.SUSPENDED,
    "superseded": status_list.SUPERSEDED,
}
STATUS_NAMES = {
    "valid": "유효",
    "invalid": "폐기됨",
    "suspended": "일시 정지",
    "superseded": "새 증명서로 바뀜",
}
_HISTORY_KIND = {
    "invalid": "revocation",
    "suspended": "suspension",
    "valid": "reinstatement",
    "superseded": "supersession",
}
_FINAL = {"invalid", "superseded"}
TOKEN_LIFETIME = 24 * 60 * 60  # exp: a verifier may not use a token older than a day, whatever its ttl


@dataclass(frozen=True)
class Slot:
    list_id: str
    uri: str
    index: int


def allocate(session: Session, ctx: WalletContext) -> Slot:
    """A random free index in an open list (a new list when every list is half full).

    Only lists published at the issuer's current address take new entries: verifiers trust no other."""
    row = session.scalars(
        select(StatusListRow)
        .where(StatusListRow.used * 2 < StatusListRow.size)
        .where(StatusListRow.uri.startswith(ctx.url("/status-lists/"), autoescape=True))
        .order_by(StatusListRow.id)
        .limit(1)
        .with_for_update()
    ).first()
    if row is None:
        row = _new_list(session, ctx)
    allocated = bytearray(row.allocated)
    index = status_list.random_free_index(bytes(allocated), row.size)
    allocated[index >> 3] |= 1 << (index & 7)
    row.allocated, row.used = bytes(allocated), row.used + 1
    return Slot(row.id, row.uri, index)


def _new_list(session: Session, ctx: WalletContext) -> StatusListRow:
    list_id = f"sl-{secrets.token_hex(8)}"
    size = ctx.status_list_size
    row = StatusListRow(
        id=list_id, uri=ctx.url(f"/status-lists/{list_id}"), size=size, bits=BITS, used=0,
        bitmap=bytes(size * BITS // 8), allocated=bytes((size + 7) // 8), ttl_seconds=ctx.status_ttl,
        updated_at=utcnow(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def do_set_status(
    session: Session, batch_id: str, status: str, *, actor: str, reason: str
) -> list[IssuedCredential]:
    """Set every copy of one issuance to ``status``; invalid and superseded are final."""
    if status not in STATUS_VALUES:
        raise WalletRefused("wallet.unknown_status", "바꿀 상태를 목록에서 골라 주세요.", status=422)
    copies = list(session.scalars(select(IssuedCredential).where(IssuedCredential.batch_id == batch_id)))
    if not copies:
        raise not_found("wallet.issuance_not_found", "찾는 발급 기록이 없습니다.")
    if any(copy.status in _FINAL for copy in copies):
        raise WalletRefused(
            "wallet.status_final",
            "이미 폐기되었거나 새 증명서로 바뀐 증명서는 상태를 바꿀 수 없습니다.",
            status=409,
        )
    now = utcnow()
    for copy in copies:
        _write_bit(session, copy.status_list_id, copy.status_index, STATUS_VALUES[status])
        copy.status, copy.status_reason, copy.status_changed_at, copy.status_changed_by = (
            status,
            reason[:300],
            now,
            actor,
        )
    first = copies[0]
    history.record(
        session, first.person_id, _HISTORY_KIND[status], first.doc_type, "나라 (발급기관)",
        detail=reason or STATUS_NAMES[status], reference=batch_id,
    )  # fmt: skip
    session.flush()
    return copies


def batch_of(session: Session, credential_id: str) -> str | None:
    """The issuance a copy belongs to; a batch id names itself (None: neither is known)."""
    by_copy = session.scalar(select(IssuedCredential.batch_id).where(IssuedCredential.id == credential_id))
    if by_copy is not None:
        return by_copy
    by_batch = select(IssuedCredential.batch_id).where(IssuedCredential.batch_id == credential_id).limit(1)
    return session.scalar(by_batch)


@dataclass(frozen=True)
class ListSummary:
    """A status list as an operator sees it: no person, no index, only how many copies are in each status."""

    id: str
    uri: str
    size: int
    bits: int
    used: int
    counts: dict[str, int]


def list_summaries(session: Session) -> list[ListSummary]:
    """Every status list the issuer publishes, with its issued copies counted by status."""
    counted = select(IssuedCredential.status_list_id, IssuedCredential.status, func.count()).group_by(
        IssuedCredential.status_list_id, IssuedCredential.status
    )
    counts: dict[str, dict[str, int]] = {}
    for list_id, status, count in session.execute(counted):
        counts.setdefault(list_id, {})[status] = count
    rows = session.scalars(select(StatusListRow).order_by(StatusListRow.id))
    return [
        ListSummary(row.id, row.uri, row.size, row.bits, row.used, counts.get(row.id, {})) for row in rows
    ]


def _write_bit(session: Session, list_id: str, index: int, value: int) -> None:
    row = session.get(StatusListRow, list_id, with_for_update=True)
    assert row is not None
    lst = status_list.StatusList(row.size, row.bits, data=row.bitmap)
    lst.set(index, value)
    row.bitmap, row.updated_at = lst.to_bytes(), utcnow()


def published_token(session: Session, ctx: WalletContext, list_id: str) -> str:
    """The list as a signed Status List Token (what GET on its URI returns)."""
    row = session.get(StatusListRow, list_id)
    if row is None:
        raise not_found("wallet.status_list_not_found", "찾는 상태 목록이 없습니다.")
    now = int(time.time())
    return status_list.status_list_token(
        status_list.StatusList(row.size, row.bits, data=row.bitmap), uri=row.uri, issuer_key=ctx.issuer_key,
        ttl=row.ttl_seconds, iat=now, exp=now + TOKEN_LIFETIME, iss=ctx.issuer_id, kid=ctx.issuer_kid,
    )  # fmt: skip


class StatusChecker:
    """The verifiers' view of status lists: wallet-core's ``StatusListCache`` over this issuer's lists.

    Only lists published at this issuer's address are trusted (the issuer key verifies them); fetching
    one reads what its URI would return, so a verifier sees exactly what any other verifier would."""

    def __init__(self, ctx: WalletContext, *, clock: Callable[[], float] = time.time) -> None:
        self._ctx = ctx
        self.cache = status_list.StatusListCache(
            self._fetch, ctx.issuer_key.public_key(), clock=clock, default_ttl=ctx.status_ttl
        )

    def status(self, uri: str, index: int) -> int:
        return self.cache.status({"uri": uri, "idx": index})

    def _fetch(self, uri: str) -> str:
        prefix = self._ctx.url("/status-lists/")
        if not uri.startswith(prefix):
            raise ValueError(f"not a status list of this issuer: {uri}")
        with self._ctx.sessions() as session:
            return published_token(session, self._ctx, uri.removeprefix(prefix))
