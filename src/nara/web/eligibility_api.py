"""The eligibility API: a situation in, every service's status, amount and explanation out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from nara import rules
from nara.kernel.clock import today
from nara.web.api import PROBLEM_RESPONSES
from nara.web.deps import app_state

router = APIRouter(prefix="/api/v1/eligibility", tags=["eligibility"], responses=PROBLEM_RESPONSES)

_EXAMPLE = {
    "on": "2025-03-15",
    "subject": "me",
    "household": {"region": "11680", "income_recognised_monthly": 1800000},
    "members": [
        {"id": "me", "relation": "self", "birth_date": "1990-04-02"},
        {"id": "kid", "relation": "child", "birth_date": "2019-07-01"},
    ],
}
Situation = Annotated[
    dict[str, Any],
    Body(description="상황 (docs/rules/situation.md). 모르는 사실은 빼면 됩니다.", examples=[_EXAMPLE]),
]


@router.post("", summary="받을 수 있는 혜택 판정", response_model=rules.EvaluationPublic)
def evaluate(
    situation: Situation,
    request: Request,
    screening: Annotated[bool, Query(description="전국 공공서비스 지원조건으로 가능성도 살펴보기")] = False,
    screening_limit: Annotated[
        int, Query(ge=0, le=500, description="가능성 결과를 몇 개까지 보여 줄지")
    ] = 50,
) -> rules.EvaluationPublic:
    parsed = rules.parse_situation(situation, today=today())
    screened = app_state(request).search.screening_book().screen(parsed) if screening else None
    return rules.evaluation_public(parsed, rules.evaluate(parsed), screened, screening_limit)


@router.post("/next-question", summary="다음에 물어볼 한 가지", response_model=rules.NextQuestionPublic)
def next_question(situation: Situation) -> rules.NextQuestionPublic:
    found = rules.next_question(rules.evaluate(rules.parse_situation(situation, today=today())))
    if found is None:
        return rules.NextQuestionPublic(fact=None, question=None, settles=[])
    return rules.NextQuestionPublic(fact=found.fact, question=found.question, settles=found.settles)
