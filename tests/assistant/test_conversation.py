"""The dialogue end to end over the curated catalog: what it shows, what it asks, when it hands over."""

from __future__ import annotations

import json
from datetime import date

from tests.assistant.conftest import TODAY, talk

from nara import assistant
from nara.assistant.templates import amount_text
from nara.rules import EligibilityResult, Status, evaluate, parse_situation

INCOME = "household.income_recognised_monthly"


def _alone(born: date) -> list[EligibilityResult]:
    """The engine's answers for a woman living alone, born on ``born``, told directly (no assistant)."""
    document = {
        "subject": "m",
        "members": [{"id": "m", "relation": "self", "sex": "female", "birth_date": born}],
    }
    return evaluate(parse_situation(document, today=TODAY))


def _alone_with_income(born: date, income: int) -> list[EligibilityResult]:
    document = {
        "subject": "m",
        "household": {"income_recognised_monthly": income},
        "members": [{"id": "m", "relation": "self", "sex": "female", "birth_date": born}],
    }
    return evaluate(parse_situation(document, today=TODAY))


# the two ends of "70대" on TODAY: 70 today, and 79 until tomorrow
SEVENTY, SEVENTY_NINE = date(1956, 3, 1), date(1946, 3, 2)


def test_mother_in_her_seventies_living_alone(search: assistant.SearchFn) -> None:
    (answer,), state = talk(search, "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘")
    assert answer.intent == "check_eligibility"
    assert answer.confidence >= assistant.CONFIDENT
    assert state.subject == "parent"
    assert state.household_complete
    assert list(state.members) == ["parent"]
    assert "70대" in answer.text
    assert "혼자 사심" in answer.text
    shown = {item.service_id: item for item in answer.services}
    assert shown["SSE000000170"].status == "undetermined"  # 기초연금: the income is not known
    assert shown["SSE000000050"].status == "undetermined"  # 노인맞춤돌봄서비스
    assert state.pending == INCOME
    assert answer.question is not None
    assert "소득인정액" in answer.question
    young, old = ({r.service_id: r.status for r in _alone(born)} for born in (SEVENTY, SEVENTY_NINE))
    for item in answer.services:
        if item.status == "eligible":
            assert young[item.service_id] is Status.ELIGIBLE
            assert old[item.service_id] is Status.ELIGIBLE
        assert (
            young[item.service_id] is not Status.INELIGIBLE or old[item.service_id] is not Status.INELIGIBLE
        )


def test_the_mothers_income_settles_the_basic_pension(search: assistant.SearchFn) -> None:
    replies, _ = talk(search, "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘", "한 달에 100만 원이요")
    shown = {item.service_id: item for item in replies[-1].services}
    engine = {r.service_id: r for r in _alone_with_income(SEVENTY, 1_000_000)}
    pension = engine["SSE000000170"]
    assert pension.status is Status.ELIGIBLE
    assert pension.amount is not None
    assert shown["SSE000000170"].status == "eligible"
    assert shown["SSE000000170"].amount == amount_text(pension.amount.value, "month")
    assert shown["SSE000000170"].amount in replies[-1].text
    assert "소득인정액으로 보고" in replies[-1].text  # the stated income is taken as 소득인정액, and said so


def test_slot_filling_until_the_engine_decides(search: assistant.SearchFn) -> None:
    replies, state = talk(
        search, "기초연금 받을 수 있나요?", "한 달에 150만원이요", "혼자 살아요", "1950년 3월 2일이에요"
    )
    assert [r.intent for r in replies] == ["check_eligibility"] * 4
    asked = [r.question for r in replies]
    assert asked[0] is not None
    assert "소득인정액" in asked[0]
    assert asked[1] is not None
    assert "몇 명" in asked[1]
    assert asked[2] is not None
    assert "생년월일" in asked[2]
    assert asked[3] is None  # decided: nothing left to ask
    assert [(s.service_id, s.status) for s in replies[-1].services] == [("SSE000000170", "eligible")]
    assert state.facts["members.me.birth_date"] == "1950-03-02"
    assert state.household_complete
    assert state.facts[INCOME] == 1_500_000


def test_an_age_range_across_a_threshold_asks_for_the_birth_date(search: assistant.SearchFn) -> None:
    replies, state = talk(search, "저 60대인데 기초연금 받을 수 있나요", "월 소득 100만원이요", "혼자 살아요")
    last = replies[-1]
    assert [(s.service_id, s.status) for s in last.services] == [("SSE000000170", "undetermined")]
    assert state.pending == "members.me.birth_date"  # 60 and 69 disagree: the age decides
    assert last.question == "본인의 생년월일을 알려 주세요."


def test_placeholders_take_the_people_named_later(search: assistant.SearchFn) -> None:
    replies, state = talk(search, "아동수당 받을 수 있어요?", "2명이요", "아들이에요", "2023년 5월 1일이요")
    assert list(state.members) == ["me", "child"]
    assert state.facts["members.child.birth_date"] == "2023-05-01"
    assert "members.me.birth_date" not in state.facts  # the answer was the child's, not the speaker's
    assert replies[-1].services[0].status == "eligible"


def test_an_unreadable_answer_is_asked_again_then_skipped(search: assistant.SearchFn) -> None:
    replies, state = talk(search, "기초연금 받을 수 있나요", "음 그게요", "음")
    assert replies[1].question == replies[0].question
    assert "금액" in replies[1].text
    assert replies[2].text.startswith("괜찮아요")
    assert INCOME in state.asked
    assert INCOME not in state.facts


def test_low_confidence_hands_over_to_the_call_centre(search: assistant.SearchFn) -> None:
    for message in ["안녕하세요", "기초연금 받을 수 있나요? 신청 방법도요", "ㅁㄴㅇㄹ"]:
        (answer,), _ = talk(search, message)
        assert answer.handoff == assistant.Handoff(name="정부민원안내콜센터", phone="110")
        assert "110" in answer.text
        assert "잘 알아듣지 못했어요" in answer.text
    (answer,), _ = talk(search, "기초연금 받을 수 있나요? 신청 방법도요")
    assert "SSE000000170" in [s.service_id for s in answer.services]  # what search found, offered


def test_a_person_and_an_applications_progress_go_to_110_or_my_applications(search: assistant.SearchFn) -> None:
    (human,), _ = talk(search, "상담원 연결해 주세요")
    (status,), _ = talk(search, "기초연금 신청했는데 결과는 언제 나와요?")
    assert (human.intent, status.intent) == ("human", "application_status")
    assert human.handoff is not None
    assert status.handoff is not None
    assert not human.services
    assert not status.services
    assert "/me/applications" in status.text  # 내 신청 현황: every step with its time and office


def test_how_to_apply_is_the_catalogs(search: assistant.SearchFn) -> None:
    (answer,), _ = talk(search, "실업급여 신청할라면 어케해요")
    assert answer.intent == "how_to_apply"
    assert answer.services[0].service_id == "SD0000015536"
    assert "https://www.work24.go.kr/" in answer.text
    assert assistant.Source("SD0000015536", "agency", "고용노동부") in answer.sources


def test_how_to_apply_follows_the_conversation(search: assistant.SearchFn) -> None:
    replies, _ = talk(search, "첫만남이용권 받을 수 있나요", "어디서 신청해요")
    assert replies[1].intent == "how_to_apply"
    assert replies[1].services[0].service_id == "135200005015"


def test_find_service_lists_catalog_cards(search: assistant.SearchFn) -> None:
    (answer,), _ = talk(search, "임신했어요 어떤 지원이 있나요")
    assert answer.intent == "find_service"
    assert answer.services[0].service_id == "SD0000007672"
    assert all(item.agency for item in answer.services)


def test_the_state_is_json_and_the_callers_copy_is_not_changed(search: assistant.SearchFn) -> None:
    _, state = talk(search, "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘")
    stored = json.loads(json.dumps(state.to_json()))
    before = json.dumps(stored, sort_keys=True)
    restored = assistant.State.from_json(stored)
    answer, after = assistant.reply(restored, "한 달에 100만 원이요", search=search, today=TODAY)
    assert json.dumps(restored.to_json(), sort_keys=True) == before
    assert after.turns == 2
    assert INCOME in after.facts
    assert json.dumps(answer.to_json(), ensure_ascii=False)


def test_prepare_loads_everything_once() -> None:
    assistant.prepare(TODAY)
