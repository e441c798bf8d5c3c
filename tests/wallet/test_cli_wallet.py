"""`nara wallet status-lists` and `nara wallet revoke`: the issuer's operator commands, run as a person
would against a throw-away SQLite database (the issuance rows are written as the issuer writes them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from nara import audit
from nara.cli import app
from nara.kernel.clock import utcnow
from nara.kernel.db import make_engine, session_factory, transaction
from nara.settings import get_settings
from nara.wallet import history, status_list
from nara.wallet.models import IssuedCredential, StatusListRow

runner = CliRunner()
SIZE = 1024
LIST_URI = "http://localhost:8000/api/v1/wallet/status-lists/sl-cli"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("NARA_DATABASE_URL", url)
    monkeypatch.setenv("NARA_ENV", "development")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield url
    get_settings.cache_clear()


def sessions(url: str) -> Session:
    return session_factory(make_engine(url))()


def issue_copies(url: str, batch: str, indices: list[int], status: str = "valid") -> None:
    """One issuance of ``len(indices)`` copies in the list ``sl-cli`` (made on first use)."""
    now = utcnow()
    with transaction(session_factory(make_engine(url))) as session:
        if session.get(StatusListRow, "sl-cli") is None:
            session.add(
                StatusListRow(
                    id="sl-cli", uri=LIST_URI, size=SIZE, bits=2, used=0, bitmap=bytes(SIZE // 4),
                    allocated=bytes(SIZE // 8), ttl_seconds=60, updated_at=now,
                )
            )  # fmt: skip
            session.flush()
        for n, index in enumerate(indices):
            session.add(
                IssuedCredential(
                    id=f"{batch}-{n}", batch_id=batch, person_id="SYN-CLI", doc_type="mobile-id",
                    status_list_id="sl-cli", status_index=index, holder_thumbprint="t" * 43,
                    issued_at=now, expires_at=now, status=status,
                )
            )  # fmt: skip
        row = session.get(StatusListRow, "sl-cli")
        assert row is not None
        row.used += len(indices)


def published(url: str, index: int) -> int:
    with sessions(url) as session:
        row = session.get(StatusListRow, "sl-cli")
        assert row is not None
        return status_list.StatusList(row.size, row.bits, data=row.bitmap).get(index)


def test_status_lists_show_sizes_and_counts_but_no_one(database: str) -> None:
    empty = runner.invoke(app, ["wallet", "status-lists"])
    assert (empty.exit_code, "상태 목록이 아직 없습니다" in empty.output) == (0, True)
    issue_copies(database, "batch-a", [3, 17, 40])
    issue_copies(database, "batch-b", [5], status="suspended")
    listed = runner.invoke(app, ["wallet", "status-lists"])
    assert listed.exit_code == 0, listed.output
    assert LIST_URI in listed.output
    assert "1,024개 × 2비트" in listed.output
    assert "사용 4개" in listed.output
    assert "유효 3 · 폐기됨 0 · 일시 정지 1 · 새 증명서로 바뀜 0" in listed.output
    assert "SYN-CLI" not in listed.output
    assert "batch-a" not in listed.output


def test_revoke_changes_every_copy_publishes_it_and_is_logged(database: str) -> None:
    issue_copies(database, "batch-r", [7, 9])
    done = runner.invoke(app, ["wallet", "revoke", "batch-r-1", "--reason", "분실 신고"])
    assert done.exit_code == 0, done.output
    assert "batch-r: 사본 2개를 '폐기됨'(으)로 바꿨습니다" in done.output
    assert published(database, 7) == published(database, 9) == status_list.INVALID
    with sessions(database) as session:
        (event,) = audit.security_events(session, event="wallet.status_changed")
        (line,) = history.lines(session, "SYN-CLI")
    assert (event.actor, event.outcome, event.target) == ("operator:cli", "allowed", "batch-r revoke")
    assert (line.kind, line.detail) == ("revocation", "분실 신고")
    again = runner.invoke(app, ["wallet", "revoke", "batch-r", "--reinstate", "--reason", "실수"])
    assert again.exit_code == 1
    assert "wallet.status_final" in again.stderr  # revoked is final


def test_suspend_and_reinstate(database: str) -> None:
    issue_copies(database, "batch-s", [11])
    assert (
        runner.invoke(app, ["wallet", "revoke", "batch-s", "--suspend", "--reason", "조사 중"]).exit_code == 0
    )
    assert published(database, 11) == status_list.SUSPENDED
    back = runner.invoke(app, ["wallet", "revoke", "batch-s", "--reinstate", "--reason", "조사 끝"])
    assert back.exit_code == 0, back.output
    assert published(database, 11) == status_list.VALID


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["nobody", "--reason", "x"], 1, "wallet.issuance_not_found"),
        (["batch-x", "--suspend", "--reinstate", "--reason", "x"], 2, "함께 쓸 수 없습니다"),
        (["batch-x", "--reason", "  "], 2, "사유를 적어 주세요"),
    ],
)
def test_revoke_refuses_plainly(database: str, args: list[str], code: int, says: str) -> None:
    issue_copies(database, "batch-x", [1])
    result = runner.invoke(app, ["wallet", "revoke", *args])
    assert result.exit_code == code
    assert says in result.stderr
    assert published(database, 1) == status_list.VALID
