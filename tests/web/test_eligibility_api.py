"""POST /api/v1/eligibility and /next-question."""

from __future__ import annotations

from collections import Counter

from fastapi.testclient import TestClient

from nara.rules import rulebook

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
    results = client.post("/api/v1/eligibility", json=unsure).json()["results"]
    cash = {rule.service_id for rule in rulebook() if rule.amount is not None}
    weights: Counter[str] = Counter()
    for result in results:
        if result["status"] == "undetermined":
            weights.update(dict.fromkeys(result["missing_facts"], 2 if result["service_id"] in cash else 1))
    assert weights[first["fact"]] == max(weights.values())  # cash benefits count twice
    assert set(first["settles"]) == {r["service_id"] for r in results if first["fact"] in r["missing_facts"]}
    assert first["fact"] == "members.kid.birth_date"  # 아동수당 … and every 시·도's birth services wait on it
    answered = {
        **unsure,
        "members": [FAMILY["members"][0], {**unsure["members"][1], "birth_date": "2019-07-01"}],
    }
    second = client.post("/api/v1/eligibility/next-question", json=answered).json()
    assert second["fact"] != first["fact"]
    assert second["question"].endswith("?") or second["question"].endswith("요.")
