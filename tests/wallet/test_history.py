"""유통이력: every issuance, presentation, failure, receipt and status change, exportable; presentations
are in the access log too."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.identity.journeys import signed_in
from tests.wallet.walletflow import issue

from nara import audit
from nara.wallet import history


def test_lines_come_back_newest_first_in_plain_korean(session: Session) -> None:
    history.record(
        session, "P-HIST", "issuance", "mobile-id", "나라", claims=["name", "age_over_19"], reference="b1"
    )
    history.record(session, "P-HIST", "revocation", "mobile-id", "나라", detail="분실 신고", reference="b1")
    history.record(session, "P-OTHER", "issuance", "mobile-id", "나라")
    lines = history.lines(session, "P-HIST")
    assert [line.kind_name for line in lines] == ["폐기됨", "발급받음"]
    assert lines[1].document == "모바일 신분증"
    assert lines[1].claims == ["성명", "만 19세 이상"]
    assert lines[0].detail == "분실 신고"
    with pytest.raises(ValueError, match="unknown history kind"):
        history.record(session, "P-HIST", "gossip", "mobile-id", "나라")


def test_exports_hold_every_line(session: Session) -> None:
    history.record(
        session, "P-EXP", "presentation", "resident-register-extract", "나라은행", claims=["address"]
    )
    lines = history.lines(session, "P-EXP")
    body = json.loads(history.export_json(lines))
    assert body["format"] == "nara-wallet-history/1"
    assert body["events"][0]["claims"] == ["주소"]
    rows = list(csv.reader(io.StringIO(history.export_csv(lines))))
    assert rows[0][1] == "구분"
    assert rows[1][1:5] == ["제출함", "주민등록표 등본", "나라은행", "주소"]


def test_a_presentation_is_an_access_log_record(session: Session) -> None:
    position = history.record_presentation_access(
        session, "P-LOG", verifier="nara-verifier-x", doc_type="resident-register-extract", claims=["address"],
        purpose="계좌 개설", accepted=True, reference="state-1",
    )  # fmt: skip
    entry = audit.entry_at(session, position)
    assert entry is not None
    assert (entry.actor, entry.subject, entry.outcome) == ("verifier:nara-verifier-x", "P-LOG", "granted")
    assert entry.facts == ("주민등록표 등본 · 주소",)
    assert entry.basis == "consent:wallet-presentation:state-1"


def test_the_citizen_downloads_their_own_history_only(client: TestClient) -> None:
    with signed_in(client, "SYN10"):
        issue(client, "mobile-id")
        as_json = client.get("/wallet/history.json")
        assert as_json.headers["content-disposition"].startswith("attachment")
        events = as_json.json()["events"]
        assert events[0]["kind"] == "issuance"
        assert events[0]["document"] == "모바일 신분증"
        as_csv = client.get("/wallet/history.csv")
        assert as_csv.headers["content-type"].startswith("text/csv")
        assert "발급받음" in as_csv.text
    with signed_in(client, "SYN11"):
        assert client.get("/wallet/history.json").json()["events"] == []
