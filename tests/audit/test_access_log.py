"""The access log: appends chain; altering, deleting or reordering any record, or cutting the tail, is caught."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from nara import audit
from nara.audit.models import AccessRecord, ChainHead, Checkpoint


def make_event(subject: str = "SYN100", **changes: object) -> audit.AccessEvent:
    fields: dict[str, object] = {
        "actor": "보건복지부 기초연금 시스템",
        "subject": subject,
        "facts": ("household.income_recognised_monthly", "member.birth_date"),
        "purpose": "기초연금 자격 확인",
        "basis": "기초연금법 제12조",
    }
    return audit.AccessEvent(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.fixture
def key(tmp_path: Path) -> audit.SigningKey:
    return audit.load_or_create_key(tmp_path / "audit.pem")


def filled(session: Session, key: audit.SigningKey, count: int = 5) -> list[AccessRecord]:
    for table in (AccessRecord, ChainHead, Checkpoint):  # other tests' committed reads; rolled back after
        session.execute(delete(table))
    audit.record_access(session, make_event("SYN0"))
    audit.record_accesses(session, [make_event(f"SYN{n}", case_ref=f"CASE-{n}") for n in range(1, count)])
    audit.write_checkpoint(session, key)
    return list(session.scalars(select(AccessRecord).order_by(AccessRecord.position)))


def test_an_untouched_log_verifies(session: Session, key: audit.SigningKey) -> None:
    records = filled(session, key)
    assert [r.position for r in records] == [1, 2, 3, 4, 5]
    assert [r.case_ref for r in records[:2]] == [None, "CASE-1"]
    assert records[1].previous_hash == records[0].record_hash
    report = audit.verify_log(session, key)
    assert report.ok, report.problems
    assert (report.records, report.checkpoints) == (5, 1)


def test_an_altered_record_is_named(session: Session, key: audit.SigningKey) -> None:
    filled(session, key)
    session.execute(text("UPDATE audit_access_log SET purpose = '다른 목적' WHERE position = 3"))
    session.expire_all()
    assert audit.verify_log(session, key).problems == ["3번 기록의 내용이 기록된 뒤에 바뀌었습니다."]


def test_an_erased_case_reference_is_an_alteration(session: Session, key: audit.SigningKey) -> None:
    filled(session, key)
    session.execute(text("UPDATE audit_access_log SET case_ref = NULL WHERE position = 4"))
    session.expire_all()
    assert audit.verify_log(session, key).problems == ["4번 기록의 내용이 기록된 뒤에 바뀌었습니다."]


def test_a_deleted_record_is_named(session: Session, key: audit.SigningKey) -> None:
    filled(session, key)
    session.execute(text("DELETE FROM audit_access_log WHERE position = 2"))
    session.expire_all()
    problems = audit.verify_log(session, key).problems
    assert problems[0] == "2번 기록이 없습니다: 지워졌습니다."
    assert "3번 기록 앞의 기록이 바뀌었거나 순서가 바뀌었습니다." in problems


def test_reordered_records_are_caught(session: Session, key: audit.SigningKey) -> None:
    filled(session, key)
    session.execute(text("UPDATE audit_access_log SET position = 99 WHERE position = 2"))
    session.execute(text("UPDATE audit_access_log SET position = 2 WHERE position = 4"))
    session.execute(text("UPDATE audit_access_log SET position = 4 WHERE position = 99"))
    session.expire_all()
    problems = audit.verify_log(session, key).problems
    assert "2번 기록의 내용이 기록된 뒤에 바뀌었습니다." in problems
    assert "4번 기록의 내용이 기록된 뒤에 바뀌었습니다." in problems


def test_a_cut_tail_is_caught_by_the_signed_checkpoint(session: Session, key: audit.SigningKey) -> None:
    filled(session, key)
    session.execute(text("DELETE FROM audit_access_log WHERE position = 5"))
    session.expire_all()
    problems = audit.verify_log(session, key).problems
    assert problems == ["서명된 확인점은 5번까지 있었는데 기록은 4번까지만 있습니다: 끝부분이 지워졌습니다."]


def test_a_checkpoint_signed_by_another_key_is_refused(
    session: Session, key: audit.SigningKey, tmp_path: Path
) -> None:
    filled(session, key)
    stranger = audit.load_or_create_key(tmp_path / "other.pem")
    assert audit.verify_log(session, stranger).problems == ["5번까지의 확인점 서명이 올바르지 않습니다."]


def test_refused_reads_are_recorded_and_bad_outcomes_are_not(session: Session, key: audit.SigningKey) -> None:
    position = audit.record_access(session, make_event(outcome="refused", basis="없음"))
    assert session.get(AccessRecord, position).outcome == "refused"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="outcome"):
        audit.record_access(session, make_event(outcome="maybe"))


def test_the_key_file_is_private_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit.pem"
    first = audit.load_or_create_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert audit.load_or_create_key(path).key_id == first.key_id
