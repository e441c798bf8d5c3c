"""맞춤형 안내 without sign-in: one question per screen, unknown allowed, back works, answers never in a
URL, results in three groups with amounts and totals."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.identity.journeys import csrf_of


def current_fact(html: str) -> str:
    match = re.search(r'name="fact" value="([^"]+)"', html)
    assert match, "no question on the page"
    return match.group(1)


def start(client: TestClient, **household: str) -> str:
    client.cookies.clear()
    page = client.get("/guide")
    assert page.status_code == 200
    question = client.post("/guide/start", data={"csrf_token": csrf_of(page.text)} | household)
    assert question.url.path == "/guide/question"
    return question.text


def send(client: TestClient, html: str, action: str, value: str = "") -> str:
    data = {"csrf_token": csrf_of(html), "fact": current_fact(html), "action": action, "value": value}
    response = client.post("/guide/answer", data=data)
    assert "value=" not in str(response.url.query), "answers must never travel in the URL"
    return response.text


def test_a_person_answers_a_few_questions_and_sees_grouped_results(client: TestClient) -> None:
    page = start(client, children="1")
    assert "질문 1/최대 8" in page
    assert "잘 모르겠어요" in page
    first = current_fact(page)
    page = send(client, page, "answer", "120" if "income" in first else "2020-03-01")
    assert "질문 2/최대 8" in page
    second = current_fact(page)
    page = send(client, page, "unknown")
    assert current_fact(page) not in {first, second}
    page = send(client, page, "back")
    assert current_fact(page) == second
    results = client.get("/guide/results").text
    for heading in ("받을 수 있어요", "확인이 더 필요해요", "받기 어려워요"):
        assert heading in results
    assert "신청하기" in results or "바로 받을 수 있다고 확정된 혜택이 없어요" in results


def test_a_household_with_a_baby_sees_amounts_and_totals(client: TestClient) -> None:
    page = start(client, children="1")
    for _ in range(8):
        fact = current_fact(page)
        if fact.endswith("child1.birth_date"):
            page = send(client, page, "answer", "2026-05-01")
        elif fact.endswith("me.birth_date"):
            page = send(client, page, "answer", "1994-02-02")
        elif fact == "household.region":
            page = send(client, page, "answer", "11110")
        elif fact == "household.income_recognised_monthly":
            page = send(client, page, "answer", "200")
        else:
            page = send(client, page, "unknown")
        if "질문" not in page or 'name="fact"' not in page:
            break
    results = client.get("/guide/results").text
    assert "부모급여" in results or "아동수당" in results
    assert re.search(r"한 달 [\d,]+원", results)


def test_a_bad_answer_is_explained_and_nothing_is_lost(client: TestClient) -> None:
    page = start(client)
    fact = current_fact(page)
    csrf = csrf_of(page)
    wrong = client.post(
        "/guide/answer", data={"csrf_token": csrf, "fact": fact, "action": "answer", "value": "많이"}
    )
    assert wrong.status_code == 422
    assert current_fact(wrong.text) == fact
    assert 'role="alert"' in wrong.text


def test_forms_need_the_csrf_token_and_odd_facts_are_ignored(client: TestClient) -> None:
    page = start(client)
    assert (
        client.post("/guide/answer", data={"fact": current_fact(page), "action": "unknown"}).status_code
        == 403
    )
    odd = client.post(
        "/guide/answer", data={"csrf_token": csrf_of(page), "fact": "household.shoe_size", "value": "1"}
    )
    assert current_fact(odd.text) == current_fact(page)


def test_a_signed_in_citizen_consents_once_and_sees_results_with_no_questions(client: TestClient) -> None:
    from tests.identity.journeys import signed_in

    with signed_in(client, "SYN15"):
        asked = client.get("/guide/me")
        assert "동의하고 혜택 찾기" in asked.text
        shown = client.post("/guide/me/consent", data={"csrf_token": csrf_of(asked.text)})
        assert shown.url.path == "/guide/me"
        page = shown.text
        assert "질문은 하지 않았어요" in page
        assert 'name="fact"' not in page  # no question on the page
        for heading in ("받을 수 있어요", "확인이 더 필요해요", "쓴 정보와 출처"):
            assert heading in page
        assert "주민등록 (행정안전부)" in page
        position = re.search(r'href="/me/access-log#access-(\d+)"', page)
        assert position
        log = client.get("/me/access-log").text
        assert f'id="access-{position.group(1)}"' in log
        assert "복지멤버십 가입하기" in page
        again = client.get("/guide/me").text
        assert "동의하고 혜택 찾기" not in again  # consent is asked once


def test_the_signed_in_guide_needs_sign_in(client: TestClient) -> None:
    client.cookies.clear()
    assert (
        client.get("/guide/me", follow_redirects=False).headers["location"] == "/sign-in?next=%2Fguide%2Fme"
    )


def test_the_guide_api_runs_the_same_journey(client: TestClient) -> None:
    first = client.post("/api/v1/guide/steps", json={"household": {"children": 1}})
    assert first.status_code == 200, first.text
    question = first.json()["question"]
    assert (question["number"], question["max_questions"]) == (1, 8)
    answers: dict[str, object] = {}
    unknown: list[str] = []
    known = {"members.child1.birth_date": "2026-05-01", "members.me.birth_date": "1994-02-02",
             "household.region": "11110", "household.income_recognised_monthly": 2_000_000}  # fmt: skip
    for _ in range(8):
        if question is None:
            break
        if question["fact"] in known:
            answers[question["fact"]] = known[question["fact"]]
        else:
            unknown.append(question["fact"])
        step = client.post(
            "/api/v1/guide/steps", json={"household": {"children": 1}, "answers": answers, "unknown": unknown}
        ).json()
        question = step["question"]
    results = step["results"]
    assert results["eligible"], results
    assert results["monthly_total"] > 0
    assert all(p["settle_with"] for p in results["undetermined"])
    bad = client.post("/api/v1/guide/steps", json={"answers": {"members.me.birth_date": "어제"}})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
