"""Reading the national catalog's formats: merged rows, endpoint pages, and bad rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.factories import make_gov24_row

from nara.catalog import gov24
from nara.catalog.taxonomy import AgencyType, BenefitForm, LifeEvent, UserType


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def test_merged_row_becomes_a_service() -> None:
    service = gov24.to_service(make_gov24_row())
    assert service.id == "TEST000000001"
    assert service.agency_type is AgencyType.LOCAL
    assert service.region == "서울특별시"
    assert service.user_types == [UserType.PERSON, UserType.HOUSEHOLD]
    assert LifeEvent.PREGNANCY_BIRTH in service.life_events
    assert LifeEvent.INFANCY in service.life_events
    assert BenefitForm.CASH in service.benefit_forms
    assert service.required_documents == ["신청서", "신분증"]
    assert service.apply.methods == ["방문신청", "온라인신청"]
    assert service.updated_on is not None
    assert service.updated_on.isoformat() == "2025-03-01"
    assert service.support_conditions is not None
    assert service.support_conditions["JA0303"] == "Y"


def test_three_endpoint_pages_are_merged_by_service_id(tmp_path: Path) -> None:
    listing = {
        "page": 1,
        "data": [
            {
                "서비스ID": "A1",
                "서비스명": "어르신 교통비",
                "소관기관명": "보건복지부",
                "서비스분야": "생활안정",
                "사용자구분": "개인",
            }
        ],
    }
    detail = {"page": 1, "data": [{"서비스ID": "A1", "구비서류": "신분증", "법령": "노인복지법(제26조)"}]}
    conditions = {
        "page": 1,
        "data": [{"서비스ID": "A1", "서비스명": "어르신 교통비", "JA0110": 65, "JA0111": 120}],
    }
    rows = gov24.read_rows(
        [
            _write(tmp_path / n, d)
            for n, d in (("l.json", listing), ("d.json", detail), ("c.json", conditions))
        ]
    )
    assert len(rows) == 1
    service = gov24.to_service(rows[0])
    assert service.agency_type is AgencyType.CENTRAL
    assert service.legal_basis == ["노인복지법(제26조)"]
    assert service.life_events == [LifeEvent.OLD_AGE]
    assert service.support_conditions == {"JA0110": 65, "JA0111": 120}


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (make_gov24_row(id=""), "서비스ID"),
        (make_gov24_row(name=None), "서비스명"),
        (make_gov24_row(serviceField="우주개발"), "서비스분야"),
        (make_gov24_row(updateDate="어제"), "수정일시"),
        (make_gov24_row(viewCount="많음"), "조회수"),
        (make_gov24_row(name={"nested": True}), "글자"),
        (make_gov24_row(id="../../etc/passwd"), "id"),
        ({"_not_an_object": [1, 2]}, "JSON 객체"),
    ],
)
def test_malformed_rows_are_rejected_with_a_reason(row: dict[str, Any], reason: str) -> None:
    with pytest.raises(gov24.RowRejected, match=reason):
        gov24.to_service(row)


def test_rows_without_an_id_are_kept_to_be_reported(tmp_path: Path) -> None:
    rows = gov24.read_rows([_write(tmp_path / "x.json", [make_gov24_row(), {"name": "no id"}, 7])])
    assert len(rows) == 3


def test_trait_flags_for_everyone_do_not_make_a_life_event() -> None:
    everyone = {f"JA03{n:02d}": "Y" for n in (1, 2, 3, 13, 14, 17, 18, 28)}
    assert gov24.infer_life_events("일반 지원", everyone) == []
    assert gov24.infer_life_events("일반 지원", {"JA0328": "Y"}) == [LifeEvent.DISABILITY]
