"""The situation: one household on a date, as the citizen or a registry describes it.

Every fact may be absent; absence means *unknown*, never *false*. See docs/rules/situation.md.
"""

from __future__ import annotations

import csv
from datetime import date
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nara.rules.errors import SituationInvalid


class Relation(StrEnum):
    SELF = "self"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    OTHER = "other"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Disability(StrEnum):
    NONE = "none"
    MILD = "mild"  # 장애의 정도가 심하지 않은
    SEVERE = "severe"  # 장애의 정도가 심한


class Employment(StrEnum):
    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED = "unemployed"
    STUDENT = "student"
    NONE = "none"


class School(StrEnum):
    NONE = "none"
    ELEMENTARY = "elementary"
    MIDDLE = "middle"
    HIGH = "high"
    UNIVERSITY = "university"


class Industry(StrEnum):
    """1차 산업 종사 (농업인·어업인·축산업인·임업인)."""

    NONE = "none"
    FARMING = "farming"
    FISHING = "fishing"
    LIVESTOCK = "livestock"
    FORESTRY = "forestry"


class Childcare(StrEnum):
    """How a young child is cared for: 어린이집 / 유치원 / 가정양육 (neither)."""

    NONE = "none"
    DAYCARE = "daycare"
    KINDERGARTEN = "kindergarten"


class Leave(StrEnum):
    """The leave a worker is on now (휴직·휴가)."""

    NONE = "none"
    PARENTAL = "parental"  # 육아휴직
    MATERNITY = "maternity"  # 출산전후휴가 (유산·사산휴가 포함)
    PATERNITY = "paternity"  # 배우자 출산휴가


class DisabilityKind(StrEnum):
    """The 15 kinds of registered disability (장애인복지법 시행령 별표 1)."""

    PHYSICAL = "physical"  # 지체
    BRAIN_LESION = "brain_lesion"  # 뇌병변
    VISUAL = "visual"  # 시각
    HEARING = "hearing"  # 청각
    SPEECH = "speech"  # 언어
    INTELLECTUAL = "intellectual"  # 지적
    AUTISM = "autism"  # 자폐성
    MENTAL = "mental"  # 정신
    KIDNEY = "kidney"  # 신장
    HEART = "heart"  # 심장
    RESPIRATORY = "respiratory"  # 호흡기
    LIVER = "liver"  # 간
    FACIAL = "facial"  # 안면
    OSTOMY = "ostomy"  # 장루·요루
    EPILEPSY = "epilepsy"  # 뇌전증


class HealthInsurance(StrEnum):
    """건강보험 자격: 직장가입자, 지역가입자, 피부양자, 의료급여 수급권자, 없음."""

    EMPLOYEE = "employee"
    REGIONAL = "regional"
    DEPENDENT = "dependent"
    MEDICAL_AID = "medical_aid"
    NONE = "none"


class Business(StrEnum):
    """The member's own business: 없음, 창업 준비, 운영 중, 폐업 예정, 폐업."""

    NONE = "none"
    PREPARING = "preparing"
    OPERATING = "operating"
    CLOSING = "closing"
    CLOSED = "closed"


MAX_MEMBERS = 30
# Birth dates further back are no one's (and the rules' dated parameters start in 1800: an older one found no
# value and the evaluator raised, found by tests/rules/test_properties.py with a birth date of 1799-12-31).
OLDEST_YEARS = 150


class Member(BaseModel):
    """One person of the household. Only ``id`` is required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    relation: Relation | None = None
    birth_date: date | None = None
    sex: Sex | None = None
    disability: Disability | None = None
    pregnant: bool | None = None
    employment: Employment | None = None
    school: School | None = None
    birth_order: int | None = Field(default=None, ge=1, le=20)
    veteran: bool | None = None  # 국가보훈대상자
    industry: Industry | None = None
    chronic_illness: bool | None = None  # 질병/질환자
    preparing_pregnancy: bool | None = None  # 예비부모/난임
    disability_kind: DisabilityKind | None = None
    childcare: Childcare | None = None
    health_insurance: HealthInsurance | None = None
    insured_days: int | None = Field(default=None, ge=0, le=20_000)  # 고용보험 피보험 단위기간(일)
    left_job_involuntarily: bool | None = None  # 비자발적 이직 (권고사직·계약만료·해고 등)
    unemployed_months: int | None = Field(default=None, ge=0, le=1_200)  # 일자리 없이 지낸 개월
    leave: Leave | None = None
    earned_income_annual: int | None = Field(default=None, ge=0)  # 본인 연간 근로·사업소득(원)
    monthly_wage: int | None = Field(default=None, ge=0)  # 월평균 보수(원)
    workplace_employees: int | None = Field(default=None, ge=0)  # 일하거나 운영하는 사업장 상시 근로자 수
    business: Business | None = None
    dementia: bool | None = None  # 치매 진단
    geriatric_disease: bool | None = None  # 노인성 질병 (치매·뇌혈관질환·파킨슨병 등)
    rare_disease: bool | None = None  # 희귀·중증난치질환
    activity_support_assessed: bool | None = None  # 종합조사에서 활동지원 대상으로 판정
    infertility_diagnosed: bool | None = None  # 난임 진단
    mental_health_referral: bool | None = None  # 심리상담 의뢰서·진단서
    protected_child: bool | None = None  # 보호대상아동 (시설·가정위탁 등)
    credits_last_term: int | None = Field(default=None, ge=0, le=40)  # 직전 학기 이수 학점
    grade_score: float | None = Field(default=None, ge=0, le=100)  # 직전 학기 성적(100점 만점)


class Household(BaseModel):
    """What is known of the household as a whole."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str | None = None  # 시군구 code, 5 digits
    income_recognised_monthly: int | None = Field(default=None, ge=0)  # 소득인정액, KRW per month
    owns_home: bool | None = None
    multicultural: bool | None = None  # 다문화가족
    north_korean_defector: bool | None = None  # 북한이탈주민
    single_parent: bool | None = None  # 한부모가정/조손가정
    recently_moved_in: bool | None = None  # 신규전입
    assets: int | None = Field(default=None, ge=0)  # 가구 재산 합계(원)
    income_annual: int | None = Field(default=None, ge=0)  # 가구 연간 총소득(원)
    crisis: bool | None = None  # 위기 사유 발생 (긴급복지지원법 제2조)
    newlywed: bool | None = None  # 혼인 7년 이내
    bereaved: bool | None = None  # 1년 안에 가족이 돌아가심
    deceased_pension_years: float | None = Field(default=None, ge=0, le=60)  # 돌아가신 분 국민연금 가입(년)
    child_support_unpaid_months: int | None = Field(default=None, ge=0, le=300)  # 양육비를 못 받은 개월
    medical_expenses_annual: int | None = Field(default=None, ge=0)  # 1년간 낸 의료비 본인부담금(원)
    rent_monthly: int | None = Field(default=None, ge=0)  # 월세(원)
    rent_deposit: int | None = Field(default=None, ge=0)  # 임차보증금(원)

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        if value is not None and value not in sigungu_codes():
            raise ValueError(f"알 수 없는 시군구 코드입니다: {value}")
        return value


class Situation(BaseModel):
    """A household on a date, and whose eligibility is asked."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    on: date
    subject: str
    household: Household = Field(default_factory=Household)
    members: list[Member] = Field(min_length=1, max_length=MAX_MEMBERS)

    @model_validator(mode="after")
    def _consistent(self) -> Situation:
        ids = [m.id for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("members: 같은 id를 가진 구성원이 둘 이상입니다.")
        if self.subject not in ids:
            raise ValueError(f"subject: '{self.subject}'라는 구성원이 members에 없습니다.")
        for member in self.members:
            if member.birth_date and member.birth_date > self.on:
                raise ValueError(f"members.{member.id}.birth_date: 생년월일이 평가일({self.on}) 뒤입니다.")
            if member.birth_date and member.birth_date.year < self.on.year - OLDEST_YEARS:
                raise ValueError(
                    f"members.{member.id}.birth_date: 생년월일이 평가일보다 {OLDEST_YEARS}년 넘게 앞섭니다."
                )
        return self

    def member(self, member_id: str) -> Member:
        return next(m for m in self.members if m.id == member_id)


def parse_situation(document: Any, *, today: date) -> Situation:
    """A situation from a parsed JSON/YAML document; ``on`` defaults to ``today``.

    Raises :class:`SituationInvalid` naming the field at fault.
    """
    if not isinstance(document, dict):
        raise SituationInvalid("상황은 JSON 객체여야 합니다.", field="")
    if True in document:  # YAML 1.1 reads the key `on:` as the boolean true
        document = {("on" if key is True else key): value for key, value in document.items()}
    data = {"on": today, **document}
    try:
        return Situation.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = _field_path(first["loc"], data)
        message = str(first.get("ctx", {}).get("error", first["msg"]))
        if not field and ": " in message:  # whole-situation checks name their field first
            field, message = message.split(": ", 1)
        raise SituationInvalid(f"{field or '상황'}: {message}", field=field) from error


def _field_path(location: tuple[Any, ...], data: dict[str, Any]) -> str:
    """A readable path: members.<id>.birth_date rather than members.2.birth_date."""
    parts: list[str] = []
    for position, part in enumerate(location):
        if isinstance(part, int) and position > 0 and location[position - 1] == "members":
            members = data.get("members") or []
            member = members[part] if part < len(members) and isinstance(members[part], dict) else {}
            parts.append(str(member.get("id", part)))
        else:
            parts.append(str(part))
    return ".".join(parts)


@lru_cache(maxsize=1)
def sigungu_table() -> tuple[tuple[str, str, str], ...]:
    """(code, 시·도, 시군구) of every region a household may have (data/sigungu.csv, see data/SOURCE.md)."""
    text = resources.files("nara.rules").joinpath("data", "sigungu.csv").read_text("utf-8")
    return tuple((row["code"], row["sido"], row["name"]) for row in csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def sigungu_codes() -> frozenset[str]:
    """The 시군구 codes a household's region may take."""
    return frozenset(code for code, _, _ in sigungu_table())
