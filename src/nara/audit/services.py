"""Appending to the access log, signing checkpoints, and verifying the whole chain.

Each record's hash covers its own fields and the previous record's hash, so changing, removing or
reordering any record breaks the chain from there on; signed checkpoints also catch a cut-off tail.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping, Table, insert, select
from sqlalchemy.orm import Session

from nara.audit.models import AccessRecord, ChainHead, Checkpoint
from nara.kernel.clock import utcnow
from nara.kernel.signing import SigningKey, verify_signature

GENESIS = "0" * 64
OUTCOMES = ("granted", "refused")
_HEAD = 1
_LOG_TABLE: Table = AccessRecord.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class AccessEvent:
    """What happened: who read which facts of whose data, why, on what basis, and whether it was allowed."""

    actor: str
    subject: str
    facts: tuple[str, ...]
    purpose: str
    basis: str
    outcome: str = "granted"
    on_behalf_of: str | None = None
    case_ref: str | None = None  # the application or case the read serves, when there is one


@dataclass(frozen=True)
class AccessEntry:
    """One record of the log as a reader sees it."""

    position: int
    recorded_at: datetime
    actor: str
    on_behalf_of: str | None
    subject: str
    facts: tuple[str, ...]
    purpose: str
    basis: str
    outcome: str
    case_ref: str | None


@dataclass
class VerifyReport:
    records: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def record_access(session: Session, event: AccessEvent, *, at: datetime | None = None) -> int:
    """Append one record in the caller's transaction (so a read and its record commit or fail together).

    Returns the record's position in the log.
    """
    return record_accesses(session, [event], at=at)[0]


def record_accesses(
    session: Session, events: Iterable[AccessEvent], *, at: datetime | None = None
) -> list[int]:
    """Append records in order, in the caller's transaction, with one statement; their positions."""
    head = session.get(ChainHead, _HEAD, with_for_update=True)
    if head is None:
        head = ChainHead(id=_HEAD, position=0, record_hash=GENESIS)
        session.add(head)
    moment = at or utcnow()
    position, previous = head.position, head.record_hash
    rows: list[dict[str, Any]] = []
    for event in events:
        if event.outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}: {event.outcome}")
        position += 1
        row = {
            "position": position,
            "recorded_at": moment,
            "actor": event.actor,
            "on_behalf_of": event.on_behalf_of,
            "subject": event.subject,
            "facts": json.dumps(sorted(set(event.facts)), ensure_ascii=False),
            "purpose": event.purpose,
            "basis": event.basis,
            "outcome": event.outcome,
            "case_ref": event.case_ref,
            "previous_hash": previous,
        }
        row["record_hash"] = previous = _hash_fields(row)
        rows.append(row)
    if rows:
        session.execute(insert(_LOG_TABLE), rows)  # the Core table keeps every key, so: one statement
        head.position, head.record_hash = position, previous
        session.flush()
    return [row["position"] for row in rows]


_HASHED = (
    "position", "recorded_at", "actor", "on_behalf_of", "subject", "facts", "purpose", "basis", "outcome",
    "previous_hash",
)  # fmt: skip


def record_hash(record: AccessRecord) -> str:
    """SHA-256 over the record's fields (canonical JSON) and the previous record's hash."""
    return _hash_fields({name: getattr(record, name) for name in (*_HASHED, "case_ref")})


def _hash_fields(row: Mapping[str, Any] | RowMapping) -> str:
    fields = {name: row[name] for name in _HASHED}
    fields["recorded_at"] = _instant(row["recorded_at"])
    if row.get("case_ref") is not None:  # records from before cases existed hash as they did
        fields["case_ref"] = row["case_ref"]
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _instant(moment: datetime) -> str:
    """The same text whether the database hands the time back with its zone (PostgreSQL) or without."""
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds")


def history(session: Session, subject: str, *, limit: int = 100, offset: int = 0) -> list[AccessEntry]:
    """Every access to ``subject``'s data, newest first (내 정보 이용내역)."""
    query = (
        select(AccessRecord)
        .where(AccessRecord.subject == subject)
        .order_by(AccessRecord.position.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_entry(record) for record in session.scalars(query)]


def latest(session: Session, *, limit: int = 100) -> list[AccessEntry]:
    """The newest records of the whole log (for auditors, who see them with subjects pseudonymised)."""
    query = select(AccessRecord).order_by(AccessRecord.position.desc()).limit(limit)
    return [_entry(record) for record in session.scalars(query)]


def entry_at(session: Session, position: int) -> AccessEntry | None:
    record = session.get(AccessRecord, position)
    return _entry(record) if record else None


def _entry(record: AccessRecord) -> AccessEntry:
    return AccessEntry(
        position=record.position,
        recorded_at=record.recorded_at
        if record.recorded_at.tzinfo
        else record.recorded_at.replace(tzinfo=UTC),
        actor=record.actor,
        on_behalf_of=record.on_behalf_of,
        subject=record.subject,
        facts=tuple(json.loads(record.facts)),
        purpose=record.purpose,
        basis=record.basis,
        outcome=record.outcome,
        case_ref=record.case_ref,
    )


def write_checkpoint(session: Session, key: SigningKey) -> Checkpoint | None:
    """Sign the chain's current head (None when the log is empty)."""
    head = session.get(ChainHead, _HEAD)
    if head is None:
        return None
    checkpoint = Checkpoint(
        position=head.position,
        record_hash=head.record_hash,
        signed_at=utcnow(),
        key_id=key.key_id,
        signature=key.sign(_checkpoint_message(head.position, head.record_hash)),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def _checkpoint_message(position: int, chain_hash: str) -> bytes:
    return f"nara-audit-checkpoint:{position}:{chain_hash}".encode()


def verify_log(session: Session, key: SigningKey) -> VerifyReport:
    """Walk the whole chain and every checkpoint; each problem names the record and what is wrong."""
    report = VerifyReport()
    hashes: dict[int, str] = {}
    expected_position, previous = 1, GENESIS
    columns = [getattr(AccessRecord, name) for name in (*_HASHED, "case_ref", "record_hash")]
    rows = session.execute(
        select(*columns).order_by(AccessRecord.position).execution_options(yield_per=10_000)
    )
    for record in rows.mappings():
        report.records += 1
        position = record["position"]
        if position != expected_position:
            missing = (
                f"{expected_position}–{position - 1}"
                if position > expected_position + 1
                else str(expected_position)
            )
            report.problems.append(f"{missing}번 기록이 없습니다: 지워졌습니다.")
        if _hash_fields(record) != record["record_hash"]:
            report.problems.append(f"{position}번 기록의 내용이 기록된 뒤에 바뀌었습니다.")
        elif record["previous_hash"] != previous:
            report.problems.append(f"{position}번 기록 앞의 기록이 바뀌었거나 순서가 바뀌었습니다.")
        hashes[position] = record["record_hash"]
        expected_position, previous = position + 1, record["record_hash"]
    last = expected_position - 1
    for checkpoint in session.scalars(select(Checkpoint).order_by(Checkpoint.id)):
        report.checkpoints += 1
        message = _checkpoint_message(checkpoint.position, checkpoint.record_hash)
        if not verify_signature(key.public, message, checkpoint.signature):
            report.problems.append(f"{checkpoint.position}번까지의 확인점 서명이 올바르지 않습니다.")
        elif checkpoint.position > last:
            report.problems.append(
                f"서명된 확인점은 {checkpoint.position}번까지 있었는데 기록은 {last}번까지만 있습니다: 끝부분이 지워졌습니다."
            )
        elif hashes.get(checkpoint.position) != checkpoint.record_hash:
            report.problems.append(f"{checkpoint.position}번 기록이 서명된 확인점과 다릅니다.")
    return report
