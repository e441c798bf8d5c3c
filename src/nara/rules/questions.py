"""Which single fact to ask next: the one that could settle the most undetermined services."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from nara.rules.evaluate import EligibilityResult, Status

_HOUSEHOLD_QUESTIONS = {
    "household.income_recognised_monthly": "가구의 한 달 소득인정액(소득과 재산을 소득으로 환산한 금액)은 얼마인가요?",
    "household.owns_home": "가구가 사는 집이 가구원 소유인가요?",
    "household.region": "어느 시·군·구에 사시나요?",
}
_MEMBER_QUESTIONS = {
    "relation": "{who}은(는) 신청하시는 분과 어떤 관계인가요?",
    "birth_date": "{who}의 생년월일을 알려 주세요.",
    "sex": "{who}의 성별을 알려 주세요.",
    "disability": "{who}에게 등록된 장애가 있나요? 있다면 정도는 어떤가요?",
    "pregnant": "{who}은(는) 임신 중인가요?",
    "employment": "{who}은(는) 지금 일을 하고 있나요?",
    "school": "{who}은(는) 학교에 다니나요?",
    "birth_order": "{who}은(는) 몇째 아이인가요?",
}


@dataclass(frozen=True)
class NextQuestion:
    fact: str
    question: str
    settles: list[str]  # services whose answer this fact could change


def next_question(
    results: list[EligibilityResult], asked: frozenset[str] = frozenset()
) -> NextQuestion | None:
    """The missing fact shared by the most undetermined services (None when everything is decided or
    every missing fact was already asked and left unanswered)."""
    counts: Counter[str] = Counter()
    for result in results:
        if result.status is Status.UNDETERMINED:
            counts.update(fact for fact in result.missing_facts if fact not in asked)
    if not counts:
        return None
    fact = min(counts, key=lambda f: (-counts[f], f))
    settles = [r.service_id for r in results if fact in r.missing_facts]
    return NextQuestion(fact=fact, question=question_for(fact), settles=settles)


def question_for(fact: str) -> str:
    """The plain-Korean question for a missing fact.

    >>> question_for("members.kid.birth_date")
    'kid의 생년월일을 알려 주세요.'
    """
    if fact in _HOUSEHOLD_QUESTIONS:
        return _HOUSEHOLD_QUESTIONS[fact]
    _, member, field = fact.split(".", 2)
    return _MEMBER_QUESTIONS.get(field, "{who}의 " + field + "을(를) 알려 주세요.").format(who=member)
