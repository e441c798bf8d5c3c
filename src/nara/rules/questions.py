"""Which single fact to ask next: the one that could settle the most undetermined services."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from nara.rules.evaluate import EligibilityResult, Status
from nara.rules.rulebook import rulebook

_HOUSEHOLD_QUESTIONS = {
    "household.income_recognised_monthly": "가구의 한 달 소득인정액(소득과 재산을 소득으로 환산한 금액)은 얼마인가요?",
    "household.owns_home": "가구가 사는 집이 가구원 소유인가요?",
    "household.region": "어느 시·군·구에 사시나요?",
    "household.single_parent": "한부모 가족이거나 조부모가 손자녀를 키우는 가족인가요?",
    "household.multicultural": "다문화가족인가요?",
    "household.north_korean_defector": "북한이탈주민 가구인가요?",
    "household.recently_moved_in": "최근에 지금 사는 곳으로 이사(전입)하셨나요?",
    "household.assets": "가구의 재산(집·땅·예금·자동차 등, 빚을 빼지 않은 금액)은 모두 얼마인가요?",
    "household.income_annual": "가구원 모두의 지난해 총소득(근로·사업·이자 등)은 얼마인가요?",
    "household.crisis": "최근 주소득자의 사망·실직·중한 질병, 화재, 폐업 같은 갑작스러운 어려움이 있었나요?",
    "household.newlywed": "혼인한 지 7년이 안 된 부부인가요?",
    "household.bereaved": "최근 1년 안에 가족이 돌아가셨나요?",
    "household.deceased_pension_years": "돌아가신 분이 국민연금에 가입한 기간은 몇 년인가요?",
    "household.child_support_unpaid_months": "양육비를 받기로 정해졌는데 몇 달째 받지 못하고 있나요?",
    "household.medical_expenses_annual": "지난 1년 동안 가구가 낸 병원비(본인부담금)는 모두 얼마인가요?",
    "household.rent_monthly": "월세는 한 달에 얼마인가요?",
    "household.rent_deposit": "임차보증금(전세금 포함)은 얼마인가요?",
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
    "veteran": "{who}은(는) 국가보훈대상자인가요?",
    "industry": "{who}은(는) 농업·어업·축산업·임업에 종사하나요?",
    "chronic_illness": "{who}은(는) 오래 치료받아야 하는 질병이 있나요?",
    "preparing_pregnancy": "{who}은(는) 아이를 가지려고 준비하고 있나요?",
    "disability_kind": "{who}의 장애 유형은 무엇인가요?",
    "childcare": "{who}은(는) 어린이집이나 유치원에 다니나요?",
    "health_insurance": "{who}의 건강보험 자격은 무엇인가요? (직장·지역가입자, 피부양자, 의료급여)",
    "insured_days": "{who}이(가) 고용보험에 가입해 일한 기간은 모두 며칠인가요?",
    "left_job_involuntarily": "{who}은(는) 권고사직·계약 만료·해고처럼 본인 뜻과 달리 일을 그만두었나요?",
    "unemployed_months": "{who}은(는) 일자리 없이 지낸 지 몇 달이 되었나요?",
    "leave": "{who}은(는) 지금 육아휴직이나 출산휴가 중인가요?",
    "earned_income_annual": "{who}의 지난해 근로·사업소득은 얼마인가요?",
    "monthly_wage": "{who}이(가) 받는 한 달 평균 보수는 얼마인가요?",
    "workplace_employees": "{who}이(가) 일하는(운영하는) 곳의 상시 근로자는 몇 명인가요?",
    "business": "{who}은(는) 사업을 하고 있나요? (준비 중, 운영 중, 폐업 예정, 폐업)",
    "dementia": "{who}은(는) 치매 진단을 받았나요?",
    "geriatric_disease": "{who}은(는) 치매·뇌혈관질환·파킨슨병 같은 노인성 질병이 있나요?",
    "rare_disease": "{who}은(는) 희귀질환이나 중증난치질환이 있나요?",
    "activity_support_assessed": "{who}은(는) 국민연금공단 종합조사에서 활동지원 대상으로 판정받았나요?",
    "infertility_diagnosed": "{who}은(는) 의사에게 난임 진단을 받았나요?",
    "mental_health_referral": "{who}은(는) 심리상담이 필요하다는 의뢰서나 진단서를 받았나요?",
    "protected_child": "{who}은(는) 시설이나 가정위탁에서 보호받는 아이인가요?",
    "credits_last_term": "{who}은(는) 직전 학기에 몇 학점을 들었나요?",
    "grade_score": "{who}의 직전 학기 성적은 100점 만점에 몇 점인가요?",
}


@dataclass(frozen=True)
class NextQuestion:
    fact: str
    question: str
    settles: list[str]  # services whose answer this fact could change


def next_question(
    results: list[EligibilityResult], asked: frozenset[str] = frozenset()
) -> NextQuestion | None:
    """The missing fact that could settle the most undetermined services, weighted by what they are worth
    (a service that pays money counts twice); None when everything is decided or every missing fact was
    already asked and left unanswered. Ties go to the fact named first alphabetically (stable answers)."""
    weights = _cash_weights()
    counts: Counter[str] = Counter()
    for result in results:
        if result.status is Status.UNDETERMINED:
            weight = weights.get(result.service_id, 1)
            counts.update({fact: weight for fact in result.missing_facts if fact not in asked})
    if not counts:
        return None
    fact = min(counts, key=lambda f: (-counts[f], f))
    settles = [r.service_id for r in results if fact in r.missing_facts]
    return NextQuestion(fact=fact, question=question_for(fact), settles=settles)


@lru_cache(maxsize=1)
def _cash_weights() -> dict[str, int]:
    return {rule.service_id: 2 if rule.amount is not None else 1 for rule in rulebook()}


def question_for(fact: str) -> str:
    """The plain-Korean question for a missing fact.

    >>> question_for("members.kid.birth_date")
    'kid의 생년월일을 알려 주세요.'
    """
    if fact in _HOUSEHOLD_QUESTIONS:
        return _HOUSEHOLD_QUESTIONS[fact]
    _, member, field = fact.split(".", 2)
    return _MEMBER_QUESTIONS.get(field, "{who}의 " + field + "을(를) 알려 주세요.").format(who=member)
