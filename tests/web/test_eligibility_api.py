"""POST /api/v1/eligibility and /next-question."""

from __future__ import annotations

from fastapi.testclient import TestClient

FAMILY = {
    "on": "2025-03-15",
    "subject": "me",
    "members": [
        {"id": "me", "relation": "self", "birth_date": "1990-04-02"},
        {"id": "kid", "relation": "child", "birth_date": "2019-07-01"},
    ],
}


def test_eligibility_returns_status_amount_and_explanation(client: TestClient) -> None:
    body = client.post("/api/v1/eligibility", json=FAMILY).json()
    assert body["on"] == "2025-03-15"
    allowance = next(r for r in body["results"] if r["service_id"] == "135200000120")
    assert allowance["status"] == "eligible"
    assert allowance["amount"] == {
        "value": 100000,
        "unit": "KRW",
        "period": "month",
        "computation": "아동수당 월 지급액 10만 원",
    }
    assert allowance["explanation"][-1] == "그래서 받을 수 있어요."


def test_bad_situation_is_problem_json_naming_the_field(client: TestClient) -> None:
    response = client.post("/api/v1/eligibility", json={**FAMILY, "subject": "ghost"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "rules.situation_invalid"
    assert problem["field"] == "subject"


def test_next_question_asks_what_settles_the_most_services_first(client: TestClient) -> None:
    unsure = {
        **FAMILY,
        "members": [FAMILY["members"][0], {"id": "kid", "relation": "child", "school": "none"}],
    }
    first = client.post("/api/v1/eligibility/next-question", json=unsure).json()
    assert first["fact"] == "household.income_recognised_monthly"  # 생계·의료·주거급여 all wait on it
    assert {"WII000001410", "999000000043", "336000000096"} <= set(first["settles"])
    answered = {**unsure, "household": {"income_recognised_monthly": 5_000_000}}
    second = client.post("/api/v1/eligibility/next-question", json=answered).json()
    assert second["fact"] == "members.kid.birth_date"
    assert "135200000120" in second["settles"]
    assert second["question"] == "kid의 생년월일을 알려 주세요."
    done = {
        **answered,
        "members": [
            FAMILY["members"][0],
            {
                "id": "kid",
                "relation": "child",
                "school": "none",
                "birth_date": "2019-07-01",
                "birth_order": 1,
            },
        ],
    }
    assert client.post("/api/v1/eligibility/next-question", json=done).json() == {
        "fact": None,
        "question": None,
        "settles": [],
    }
