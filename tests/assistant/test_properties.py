"""Whatever is said, the assistant answers without failing and without inventing."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests.assistant.conftest import TODAY

from nara import assistant
from nara.assistant.evaluation import inventions

_WORDS = [
    "어머니", "아버지가", "제가", "아이", "딸", "남편이랑", "혼자", "사는", "둘이 살아요", "70대", "68살", "일흔",
    "3개월", "1955년생", "1950년 3월 2일", "월 소득", "150만원", "0원", "1억", "서울 종로구", "중구", "장애가 있어요",
    "심한", "임신했어요", "실직했어요", "기초연금", "실업급여", "부모급여", "받을 수 있나요", "어떤 지원이 있나요",
    "신청 방법", "어디서 신청해요", "신청한 거 어떻게 됐나요", "상담원", "네", "아니요", "모르겠어요", "3명", "?",
]  # fmt: skip
_MESSAGES = st.one_of(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join),
    st.text(max_size=40),
)


# Random pairs, and the ones they found before. The pair below (found 2026-12-07) had "함께 사는 분 1
# 1955년생" in the reply: a placeholder's label with a number nobody said.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(
    first="둘이 살아요 신청한 거 어떻게 됐나요 아니요 받을 수 있나요 신청한 거 어떻게 됐나요 어디서 신청해요",
    second="1955년생 월 소득",
)
@given(first=_MESSAGES, second=_MESSAGES)
def test_any_two_messages(search: assistant.SearchFn, first: str, second: str) -> None:
    state = assistant.State()
    said: list[str] = []
    for message in (first, second):
        said.append(message)
        answer, state = assistant.reply(state, message, search=search, today=TODAY)
        assert answer.text
        assert 0.0 <= answer.confidence <= 1.0
        assert inventions(answer, state, said, _all_cards(search, answer), TODAY) == []


def _all_cards(search: assistant.SearchFn, answer: assistant.Reply) -> list[assistant.ServiceHit]:
    """The catalog cards of the services the reply names (found again by their names)."""
    return [
        hit for item in answer.services for hit in search(item.name, 5) if hit.service_id == item.service_id
    ]
