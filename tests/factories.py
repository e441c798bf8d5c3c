"""Factories: build valid objects with overrides, instead of fixtures copied around."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from nara.catalog.schemas import ServiceCreate
from nara.notices import BillDraft, NoticeDraft


def make_service(**overrides: Any) -> ServiceCreate:
    """A valid curated-style service (not written anywhere)."""
    fields: dict[str, Any] = {
        "id": "TEST-SERVICE-1",
        "name": "시험용 양육 지원금",
        "agency": "시험부",
        "agency_type": "중앙행정기관",
        "user_types": ["개인"],
        "field": "보육·교육",
        "life_events": ["infancy"],
        "benefit_forms": ["현금"],
        "summary": "시험을 위해 만든 서비스입니다.",
        "eligibility": "시험 대상자",
        "benefit": "매달 10만 원",
        "source_url": "https://example.org/source",
        "source_name": "시험 출처",
    }
    return ServiceCreate.model_validate(fields | overrides)


def make_gov24_row(**overrides: Any) -> dict[str, Any]:
    """A serviceList+serviceDetail+supportConditions row merged by 서비스ID, with English keys."""
    row: dict[str, Any] = {
        "id": "TEST000000001",
        "name": "시험구 출산축하금",
        "purpose": "시험구에서 아이를 낳은 가정에 축하금을 드립니다.",
        "target": "시험구에 사는 출산 가정",
        "details": "첫째 50만 원 현금 지급",
        "applyMethod": "방문신청||온라인신청",
        "deadline": "상시신청",
        "viewCount": 120,
        "agency": "서울특별시 시험구",
        "department": "가족정책과",
        "userType": "개인||가구",
        "serviceField": "임신·출산",
        "applyUrl": "https://www.gov.kr/portal/rcvfvrSvc/dtlEx/TEST000000001",
        "phone": "시험구청/02-000-0000",
        "updateDate": "20250301120000",
        "requiredDocs": "- 신청서\n- 신분증",
        "law": "시험구 출산장려 조례(제3조)",
        "condition": {"JA0101": "Y", "JA0102": "Y", "JA0303": "Y", "JA0110": 0, "JA0111": 1},
    }
    return row | overrides


def random_situation(rng: Any, on: str = "2025-06-01") -> dict[str, Any]:
    """A plausible household with every fact filled in (``rng`` is a random.Random)."""
    from datetime import date, timedelta

    day = date.fromisoformat(on)

    def born(years: int) -> str:
        return (day - timedelta(days=365 * years + rng.randint(0, 364))).isoformat()

    members: list[dict[str, Any]] = [
        {"id": "me", "relation": "self", "birth_date": born(rng.randint(20, 90)), "sex": rng.choice(["male", "female"]),
         "disability": rng.choice(["none"] * 8 + ["mild", "severe"]), "employment": rng.choice(["employed", "none"]),
         "school": "none"},
    ]  # fmt: skip
    if rng.random() < 0.6:
        members.append(
            {"id": "partner", "relation": "spouse", "birth_date": born(rng.randint(20, 90)), "school": "none"}
        )
    for n in range(rng.choice([0, 0, 1, 2, 3])):
        age = rng.randint(0, 18)
        school = "none" if age < 7 else "elementary" if age < 13 else "middle" if age < 16 else "high"
        members.append(
            {
                "id": f"kid{n}",
                "relation": "child",
                "birth_date": born(age),
                "birth_order": n + 1,
                "school": school,
            }
        )
    household = {"income_recognised_monthly": rng.randint(0, 6_000_000), "owns_home": rng.random() < 0.5}
    return {"on": on, "subject": "me", "household": household, "members": members}


def make_population(out: Path, households: int = 40, seed: int = 11) -> Path:
    """A small synthetic population (Parquet) for loading the registries."""
    from nara.population import generate
    from nara.rules import median_income_table

    on = date(2025, 1, 1)
    generate(households, seed, out, on=on, median_income=median_income_table(on))
    return out


def make_person_id() -> str:
    """A person id no other test uses (the notices domain needs no registry row behind it)."""
    return f"SYN-TEST-{uuid.uuid4().hex[:12]}"


def make_notice_draft(**overrides: Any) -> NoticeDraft:
    """A valid notice (a decision from a 행정복지센터) to a fresh person unless ``person_id`` is given."""
    fields: dict[str, Any] = {
        "person_id": make_person_id(),
        "kind": "decision",
        "title": "아동수당 신청이 승인되었습니다",
        "body": "매달 25일에 10만 원을 드립니다.",
        "sender": "서울특별시 종로구 청운효자동 행정복지센터",
        "link": "/me/applications/APP-1",
    }
    return NoticeDraft(**(fields | overrides))


def make_bill_draft(**overrides: Any) -> BillDraft:
    """A valid bill (자동차세, 145,600원) to a fresh person unless ``person_id`` is given; a new dedupe key."""
    fields: dict[str, Any] = {
        "person_id": make_person_id(),
        "agency": "서울특별시 종로구청",
        "title": "2025년 7월 자동차세",
        "amount_won": 145_600,
        "due_date": date(2025, 7, 31),
        "dedupe_key": f"tax:car:2025-07:{uuid.uuid4().hex[:8]}",
    }
    return BillDraft(**(fields | overrides))
