"""The eligibility API: a situation in, every service's status, amount and explanation out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request

from nara import guide, identity, registry, rules
from nara.kernel.clock import today
from nara.web.access import allow
from nara.web.api import PROBLEM_RESPONSES
from nara.web.deps import app_state

router = APIRouter(prefix="/api/v1/eligibility", tags=["eligibility"], responses=PROBLEM_RESPONSES)
Open = allow("public", purpose="eligibility_check", csrf=False)
Delegated = Annotated[
    identity.Principal, allow("citizen", purpose="eligibility_check", scopes=("eligibility",), csrf=False)
]

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


@router.post("", dependencies=[Open], summary="받을 수 있는 혜택 판정", response_model=rules.EvaluationPublic)
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


@router.post(
    "/next-question",
    dependencies=[Open],
    summary="다음에 물어볼 한 가지",
    response_model=rules.NextQuestionPublic,
)
def next_question(situation: Situation) -> rules.NextQuestionPublic:
    found = rules.next_question(rules.evaluate(rules.parse_situation(situation, today=today())))
    if found is None:
        return rules.NextQuestionPublic(fact=None, question=None, settles=[])
    return rules.NextQuestionPublic(fact=found.fact, question=found.question, settles=found.settles)


@router.get(
    "/me",
    summary="내 정보로 받을 수 있는 혜택 판정 (시민이 동의한 앱)",
    response_model=rules.EvaluationPublic,
    responses={403: PROBLEM_RESPONSES[404] | {"description": "시민의 동의(scope eligibility) 없음"}},
)
def evaluate_me(request: Request, principal: Delegated) -> rules.EvaluationPublic:
    """The signed-in citizen's eligibility from what the registries hold, read under the consent the
    citizen gave this app (scope ``eligibility``); every read is in the citizen's 이용내역."""
    if principal.consent_id is None or principal.person_id is None or principal.client_id is None:
        raise identity.AccessDenied("access.no_consent", "시민의 동의(eligibility)로 받은 토큰이 필요합니다.")
    exchange = app_state(request).exchange
    result = exchange.request(
        registry.ExchangeRequest(
            caller=f"third_party:{principal.client_id}",
            subject=principal.person_id,
            facts=identity.ELIGIBILITY_FACTS,
            purpose="eligibility_check",
            basis=f"consent:{principal.consent_id}",
        )
    )
    values = registry.verify_responses(result, exchange.keys.jwks())
    situation = guide.situation_from_registry({name: fact.value for name, fact in values.items()}, today())
    parsed = rules.parse_situation(situation, today=today())
    return rules.evaluation_public(parsed, rules.evaluate(parsed), None, 0)
