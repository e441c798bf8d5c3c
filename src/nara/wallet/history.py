"""The citizen's 유통이력: where their credentials went — every issuance, presentation, failed attempt,
receipt and status change — in words, exportable as JSON and CSV. Every presentation is also a record
in the access log (``audit.record_access``), so 내 정보 이용내역 shows it beside every registry read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara import audit
from nara.kernel.clock import KOREA_OFFSET, utcnow
from nara.wallet.models import HistoryEvent
from nara.wallet.schemas import DOC_TYPES

KINDS = {
    "issuance": "발급받음",
    "presentation": "제출함",
    "failure": "제출 실패",
    "receipt": "영수증 받음",
    "revocation": "폐기됨",
    "suspension": "일시 정지됨",
    "reinstatement": "다시 쓸 수 있게 됨",
    "supersession": "새 증명서로 바뀜",
}
PRESENTATION_BASIS = "consent:wallet-presentation"


def record(
    session: Session,
    owner: str,
    kind: str,
    doc_type: str,
    counterparty: str,
    *,
    claims: Iterable[str] = (),
    detail: str = "",
    reference: str = "",
    access_position: int | None = None,
) -> None:
    """Append one line of the history, in the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown history kind: {kind}")
    session.add(
        HistoryEvent(
            owner=owner,
            kind=kind,
            doc_type=doc_type,
            counterparty=counterparty[:200],
            claims=json.dumps(list(claims), ensure_ascii=False),
            detail=detail[:500],
            reference=reference[:80],
            access_position=access_position,
            at=utcnow(),
        )
    )


def record_presentation_access(
    session: Session,
    owner: str,
    *,
    verifier: str,
    doc_type: str,
    claims: Iterable[str],
    purpose: str,
    accepted: bool,
    reference: str,
) -> int:
    """The presentation as an access-log record: who (the verifier) saw which claims, why, on the
    citizen's own choice; ``refused`` when the verifier did not accept it."""
    doc = DOC_TYPES.get(doc_type)
    labels = tuple(f"{doc.label} · {doc.label_of(name)}" if doc else name for name in claims)
    event = audit.AccessEvent(
        actor=f"verifier:{verifier}", subject=owner, facts=labels, purpose=purpose[:200],
        basis=f"{PRESENTATION_BASIS}:{reference}"[:200], outcome="granted" if accepted else "refused",
        case_ref=reference[:80],
    )  # fmt: skip
    return audit.record_access(session, event)


@dataclass(frozen=True)
class HistoryLine:
    at: str
    when: str  # in Korean, KST
    kind: str
    kind_name: str
    document: str
    counterparty: str
    claims: list[str]
    detail: str
    reference: str
    access_position: int | None


def lines(session: Session, owner: str, *, limit: int = 500) -> list[HistoryLine]:
    """The citizen's history, newest first."""
    rows = session.scalars(
        select(HistoryEvent).where(HistoryEvent.owner == owner).order_by(HistoryEvent.id.desc()).limit(limit)
    ).all()
    return [_line(row) for row in rows]


def _line(row: HistoryEvent) -> HistoryLine:
    local = row.at + KOREA_OFFSET
    doc = DOC_TYPES.get(row.doc_type)
    names: list[str] = json.loads(row.claims or "[]")
    return HistoryLine(
        at=row.at.isoformat(timespec="seconds"),
        when=f"{local.year}년 {local.month}월 {local.day}일 {local.hour:02d}:{local.minute:02d}",
        kind=row.kind,
        kind_name=KINDS.get(row.kind, row.kind),
        document=doc.label if doc else row.doc_type,
        counterparty=row.counterparty,
        claims=[doc.label_of(name) if doc else name for name in names],
        detail=row.detail,
        reference=row.reference,
        access_position=row.access_position,
    )


def export_json(history: list[HistoryLine]) -> str:
    body: dict[str, Any] = {"format": "nara-wallet-history/1", "events": [asdict(line) for line in history]}
    return json.dumps(body, ensure_ascii=False, indent=2)


def export_csv(history: list[HistoryLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["시각(UTC)", "구분", "증명서", "상대", "항목", "내용", "참조", "이용내역 번호"])
    for line in history:
        writer.writerow(
            [line.at, line.kind_name, line.document, line.counterparty, " / ".join(line.claims), line.detail,
             line.reference, line.access_position or ""]
        )  # fmt: skip
    return out.getvalue()
