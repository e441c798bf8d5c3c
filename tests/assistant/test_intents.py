"""What the citizen wants, from keyword cues and Kiwi lemmas, with a confidence."""

from __future__ import annotations

import pytest

from nara.assistant import CONFIDENT, Intent, classify


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("어떤 지원이 있나요", Intent.FIND_SERVICE),
        ("노인 복지 서비스 뭐가 있어요", Intent.FIND_SERVICE),
        ("출산 지원금", Intent.FIND_SERVICE),
        ("혼자 사는 70대 어머니가 받을 수 있는 거 알려줘", Intent.CHECK_ELIGIBILITY),
        ("나도 기초연금 받을수있을까", Intent.CHECK_ELIGIBILITY),
        ("기초년금 바들수 있나여", Intent.CHECK_ELIGIBILITY),
        ("첫만남이용권 저도 해당되나요", Intent.CHECK_ELIGIBILITY),
        ("에너지바우처 대상자인지 알고싶어요", Intent.CHECK_ELIGIBILITY),
        ("기초연금 신청 방법 알려주세요", Intent.HOW_TO_APPLY),
        ("실업급여 신청할라면 어케해요", Intent.HOW_TO_APPLY),
        ("아동수당은 어디서 신청해요?", Intent.HOW_TO_APPLY),
        ("필요한 서류가 뭐예요", Intent.HOW_TO_APPLY),
        ("신청한 거 어떻게 됐나요", Intent.APPLICATION_STATUS),
        ("내가신청한거진행상황알려줘", Intent.APPLICATION_STATUS),
        ("기초연금 신청했는데 결과는 언제 나와요?", Intent.APPLICATION_STATUS),
        ("상담원 연결해 주세요", Intent.HUMAN),
        ("사람이랑 통화하고 싶어요", Intent.HUMAN),
        ("기계 말고 직접 물어볼 사람 없어요?", Intent.HUMAN),
    ],
)
def test_examples(message: str, intent: Intent) -> None:
    guess = classify(message)
    assert guess.intent == intent
    assert guess.confident


@pytest.mark.parametrize("message", ["안녕하세요", "ㅁㄴㅇㄹ", "오늘 날씨 어때요", "150만원", "네"])
def test_no_cue_is_unknown_with_no_confidence(message: str) -> None:
    guess = classify(message)
    assert guess.intent == Intent.UNKNOWN
    assert guess.confidence == 0.0


def test_two_intents_at_once_are_not_confident() -> None:
    guess = classify("기초연금 받을 수 있나요? 신청 방법도요")
    assert guess.confidence < CONFIDENT


def test_confidence_is_between_zero_and_one() -> None:
    for message in ["상담원", "기초연금", "받을 수 있나요", "어떤 혜택", "신청했는데 결과"]:
        assert 0.0 <= classify(message).confidence <= 1.0
