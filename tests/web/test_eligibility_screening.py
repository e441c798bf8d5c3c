"""Screening over the imported national catalog, through the API (its own small database)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.factories import make_gov24_row

from nara import catalog
from nara.app import create_app
from nara.kernel.db import make_engine, session_factory, transaction
from nara.schema import upgrade
from nara.settings import Settings

ELDERLY_ONLY = {"JA0101": "Y", "JA0102": "Y", "JA0110": 65, "JA0111": 120}
WOMEN_ONLY = {"JA0102": "Y"}
BUSINESS_ONLY = {"JA1102": "Y"}


@pytest.fixture(scope="module")
def screening_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("screening")
    url = f"sqlite:///{folder / 'nara.db'}"
    upgrade(url)
    rows = [
        make_gov24_row(id="OLD1", name="어르신 교통비", condition=ELDERLY_ONLY, viewCount=10),
        make_gov24_row(id="WOMAN1", name="여성 건강검진", condition=WOMEN_ONLY, viewCount=99),
        make_gov24_row(id="SHOP1", name="가게 지원", condition=BUSINESS_ONLY, userType="소상공인"),
    ]
    dump = folder / "rows.json"
    dump.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    with transaction(session_factory(make_engine(url))) as session:
        catalog.do_seed_catalog(session)
        catalog.do_import_gov24(session, [dump])
    with TestClient(create_app(Settings(env="test", database_url=url, secret_key="s" * 40))) as client:
        yield client


def test_screening_adds_possible_services_with_their_missing_facts(screening_client: TestClient) -> None:
    situation = {"on": "2025-03-15", "subject": "me", "members": [{"id": "me", "birth_date": "1950-01-01"}]}
    body = screening_client.post("/api/v1/eligibility?screening=true", json=situation).json()
    screening = body["screening"]
    assert (screening["eligible"], screening["undetermined"], screening["ineligible"]) == (1, 1, 0)
    first, second = screening["results"]
    assert first["service_id"] == "OLD1"
    assert first["status"] == "eligible"
    assert first["rule_kind"] == "screening"
    assert first["explanation"][0] == "나이 75세가 대상 나이에 들어요."
    assert first["explanation"][-1].endswith("실제 선정은 담당 기관이 판단해요.")
    assert second["service_id"] == "WOMAN1"
    assert second["missing_facts"] == ["members.me.sex"]
    assert all(r["service_id"] != "SHOP1" for r in screening["results"])  # not for persons


def test_screening_is_off_unless_asked(screening_client: TestClient) -> None:
    situation = {"on": "2025-03-15", "subject": "me", "members": [{"id": "me"}]}
    assert screening_client.post("/api/v1/eligibility", json=situation).json()["screening"] is None
