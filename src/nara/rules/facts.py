"""The facts rules may use: their names, Korean labels, units, and how each is read from a situation.

The same names are the registries' fact names (docs/rules/situation.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Any

from nara.rules.situation import Member, Situation


class Unknown:
    """The value of a fact nobody has given."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


@dataclass(frozen=True)
class FactSpec:
    name: str
    label: str
    unit: str  # KRW/month, years, months, persons, bool, code, text


HOUSEHOLD_FACTS = {
    "household.region": FactSpec("household.region", "사는 곳(시군구)", "code"),
    "household.income_recognised_monthly": FactSpec(
        "household.income_recognised_monthly", "가구 소득인정액", "KRW/month"
    ),
    "household.owns_home": FactSpec("household.owns_home", "자기 집 소유", "bool"),
    "household.size": FactSpec("household.size", "가구원 수", "persons"),
    "household.multicultural": FactSpec("household.multicultural", "다문화가족", "bool"),
    "household.north_korean_defector": FactSpec(
        "household.north_korean_defector", "북한이탈주민 가구", "bool"
    ),
    "household.single_parent": FactSpec("household.single_parent", "한부모·조손 가구", "bool"),
    "household.recently_moved_in": FactSpec("household.recently_moved_in", "신규 전입 가구", "bool"),
    "household.assets": FactSpec("household.assets", "가구 재산", "KRW"),
    "household.income_annual": FactSpec("household.income_annual", "가구 연간 총소득", "KRW/year"),
    "household.crisis": FactSpec("household.crisis", "갑작스러운 위기 사유", "bool"),
    "household.newlywed": FactSpec("household.newlywed", "혼인 7년 이내 신혼 가구", "bool"),
    "household.bereaved": FactSpec("household.bereaved", "최근 가족의 사망", "bool"),
    "household.deceased_pension_years": FactSpec(
        "household.deceased_pension_years", "돌아가신 분의 국민연금 가입 기간", "years_span"
    ),
    "household.child_support_unpaid_months": FactSpec(
        "household.child_support_unpaid_months", "양육비를 받지 못한 기간", "months"
    ),
    "household.medical_expenses_annual": FactSpec(
        "household.medical_expenses_annual", "1년간 낸 의료비 본인부담금", "KRW/year"
    ),
    "household.rent_monthly": FactSpec("household.rent_monthly", "월세", "KRW/month"),
    "household.rent_deposit": FactSpec("household.rent_deposit", "임차보증금", "KRW"),
}
MEMBER_FIELDS = {
    "relation": ("가구주와의 관계", "text"),
    "birth_date": ("생년월일", "date"),
    "sex": ("성별", "text"),
    "disability": ("장애 정도", "text"),
    "pregnant": ("임신 여부", "bool"),
    "employment": ("일하는 상태", "text"),
    "school": ("학교", "text"),
    "birth_order": ("출생 순위", "order"),
    "veteran": ("국가보훈대상자", "bool"),
    "industry": ("1차 산업 종사", "text"),
    "chronic_illness": ("질병·질환", "bool"),
    "preparing_pregnancy": ("예비부모·난임", "bool"),
    "disability_kind": ("장애 유형", "text"),
    "childcare": ("어린이집·유치원 이용", "text"),
    "health_insurance": ("건강보험 자격", "text"),
    "insured_days": ("고용보험 가입 기간", "days"),
    "left_job_involuntarily": ("본인 뜻이 아닌 퇴사", "bool"),
    "unemployed_months": ("일자리 없이 지낸 기간", "months"),
    "leave": ("지금 쓰는 휴가·휴직", "text"),
    "earned_income_annual": ("본인 연간 근로·사업소득", "KRW/year"),
    "monthly_wage": ("월평균 보수", "KRW/month"),
    "workplace_employees": ("사업장 상시 근로자 수", "persons"),
    "business": ("사업 상태", "text"),
    "dementia": ("치매 진단", "bool"),
    "geriatric_disease": ("노인성 질병", "bool"),
    "rare_disease": ("희귀·중증난치질환", "bool"),
    "activity_support_assessed": ("활동지원 대상 판정", "bool"),
    "infertility_diagnosed": ("난임 진단", "bool"),
    "mental_health_referral": ("심리상담 의뢰서·진단서", "bool"),
    "protected_child": ("보호대상아동", "bool"),
    "credits_last_term": ("직전 학기 이수 학점", "credits"),
    "grade_score": ("직전 학기 성적", "score"),
    "age": ("나이", "years"),
    "age_months": ("나이(개월)", "months"),
}
_DERIVED_FROM = {"age": "birth_date", "age_months": "birth_date"}


@lru_cache(maxsize=1024)
def fact_spec(name: str) -> FactSpec | None:
    """The fact called ``name`` (``household.*``, ``member.*`` for the member in scope, ``subject.*``)."""
    if name in HOUSEHOLD_FACTS:
        return HOUSEHOLD_FACTS[name]
    owner, _, field = name.partition(".")
    if owner in {"member", "subject"} and field in MEMBER_FIELDS:
        label, unit = MEMBER_FIELDS[field]
        return FactSpec(name, label, unit)
    return None


def read_fact(name: str, situation: Situation, member: Member | None) -> tuple[Any, str]:
    """The value of a fact (or UNKNOWN) and the situation field a citizen would fill in to know it."""
    return fact_reader(name)(situation, member)


Reader = Callable[[Situation, Member | None], tuple[Any, str]]


@lru_cache(maxsize=1024)
def fact_reader(name: str) -> Reader:
    """A function reading the fact ``name``, with the name's parsing done once (evaluation is hot)."""
    if name == "household.size":
        return lambda situation, member: (len(situation.members), "members")
    if name.startswith("household."):
        field = name.removeprefix("household.")

        def household_fact(situation: Situation, member: Member | None) -> tuple[Any, str]:
            value = getattr(situation.household, field)
            return (UNKNOWN if value is None else value), name

        return household_fact
    owner, _, field = name.partition(".")
    source = _DERIVED_FROM.get(field, field)

    def member_fact(situation: Situation, member: Member | None) -> tuple[Any, str]:
        person = situation.member(situation.subject) if owner == "subject" or member is None else member
        raw = getattr(person, source)
        where = f"members.{person.id}.{source}"
        if raw is None:
            return UNKNOWN, where
        if field == "age":
            return full_years(raw, situation.on), where
        if field == "age_months":
            return full_months(raw, situation.on), where
        return (raw.value if isinstance(raw, Enum) else raw), where

    return member_fact


def full_years(born: date, on: date) -> int:
    """Age in full years on a date (만 나이).

    >>> full_years(date(1960, 3, 15), date(2025, 3, 14)), full_years(date(1960, 3, 15), date(2025, 3, 15))
    (64, 65)
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def full_months(born: date, on: date) -> int:
    """Age in full months on a date.

    >>> full_months(date(2024, 1, 31), date(2024, 2, 29)), full_months(date(2024, 1, 15), date(2025, 1, 15))
    (0, 12)
    """
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
