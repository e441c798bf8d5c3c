"""Facts from the citizen's own words: only the unambiguous ones, ranges kept as ranges."""

from __future__ import annotations

from datetime import date

import pytest

from nara.assistant import AgeRange, BirthRange, OneOf, Role, extract
from nara.assistant.answers import DONT_KNOW, read_answer

TODAY = date(2026, 3, 1)


def facts(message: str) -> dict[tuple[str, Role | None], object]:
    return {(f.fact, f.about): f.value for f in extract(message, TODAY).found}


@pytest.mark.parametrize(
    ("message", "age"),
    [
        ("68살이에요", AgeRange(68, 68)),
        ("제 나이 68세", AgeRange(68, 68)),
        ("만 72세입니다", AgeRange(72, 72)),
        ("일흔 살이에요", AgeRange(70, 70)),
        ("일흔두 살", AgeRange(72, 72)),
        ("칠십이 세", AgeRange(72, 72)),
        ("70대예요", AgeRange(70, 79)),
        ("칠십대예요", AgeRange(70, 79)),
        ("여든 넘었어요", AgeRange(80, 110)),
        ("80세 이상이에요", AgeRange(80, 110)),
        ("내 나이 일흔둘인디", AgeRange(72, 72)),
    ],
)
def test_ages_are_ranges_never_birth_dates(message: str, age: AgeRange) -> None:
    assert facts(message)[("member.age", Role.SPEAKER)] == age


def test_infant_ages_are_in_months() -> None:
    assert facts("6개월 아기 키워요")[("member.age", Role.CHILD)] == AgeRange(6, 6, "months")


def test_a_birth_year_is_a_range_of_birth_dates() -> None:
    assert facts("1955년생이에요")[("member.birth_date", Role.SPEAKER)] == BirthRange(
        date(1955, 1, 1), date(1955, 12, 31)
    )
    assert facts("1955년 3월 2일생")[("member.birth_date", Role.SPEAKER)] == date(1955, 3, 2)


def test_the_elderly_mother_living_alone() -> None:
    extraction = extract("혼자 사는 70대 어머니가 받을 수 있는 거 알려줘", TODAY)
    assert extraction.subject == Role.PARENT
    assert facts("혼자 사는 70대 어머니가 받을 수 있는 거 알려줘") == {
        ("member.age", Role.PARENT): AgeRange(70, 79),
        ("household.size", None): 1,
        ("member.sex", Role.PARENT): "female",
    }


def test_each_age_goes_to_the_person_it_is_said_of() -> None:
    found = facts("저는 45살인데 어머니가 70대예요")
    assert found[("member.age", Role.SPEAKER)] == AgeRange(45, 45)
    assert found[("member.age", Role.PARENT)] == AgeRange(70, 79)


@pytest.mark.parametrize(
    ("message", "role"),
    [("엄마가 받을 수 있는 거", Role.PARENT), ("아버지 혜택", Role.PARENT), ("부모님", Role.PARENT),
     ("할머니가 받을 수 있는", Role.GRANDPARENT), ("아이가 받을 수 있는", Role.SPEAKER),
     ("딸이 받을 수 있는", Role.SPEAKER), ("어머니 모시고 사는데 제가 받을 수 있는 거", Role.SPEAKER)],
)  # fmt: skip
def test_whose_eligibility_is_asked(message: str, role: Role) -> None:
    assert extract(message, TODAY).subject == role


@pytest.mark.parametrize(
    "message", ["부모급여 받을 수 있나요", "자녀장려금", "배우자 출산휴가 급여", "아이돌봄 서비스"]
)
def test_service_names_are_not_people(message: str) -> None:
    assert extract(message, TODAY).people == ()


def test_pregnancy_is_the_speakers_unless_the_wife_is_named() -> None:
    assert facts("임신했어요")[("member.pregnant", Role.SPEAKER)] is True
    assert facts("아내가 임신 중이에요")[("member.pregnant", Role.SPOUSE)] is True
    assert ("member.pregnant", Role.SPEAKER) not in facts("아내가 임신 중이에요")
    assert facts("임신 준비 중이에요") == {("member.preparing_pregnancy", Role.SPEAKER): True}


@pytest.mark.parametrize(
    ("message", "code"),
    [("서울 종로구 살아요", "11110"), ("부산 중구", "26110"), ("수원시 장안구에 살아요", "41111"),
     ("중구에 살아요", None), ("강서구청에 갔어요", None), ("서울에 살아요", None)],
)  # fmt: skip
def test_regions_only_when_one_place_fits(message: str, code: str | None) -> None:
    assert facts(message).get(("household.region", None)) == code


@pytest.mark.parametrize(
    ("message", "value"),
    [("장애가 있어요", OneOf(("mild", "severe"))), ("심한 장애가 있어요", "severe"),
     ("장애 정도가 심하지 않은 장애인이에요", "mild"), ("장애 2급이에요", "severe"), ("장애는 없어요", "none")],
)  # fmt: skip
def test_disability_degree_is_unknown_unless_said(message: str, value: object) -> None:
    assert facts(message)[("member.disability", Role.SPEAKER)] == value


@pytest.mark.parametrize("message", ["실직했어요", "일자리를 잃었어요", "구직 중이에요", "회사를 그만뒀어요"])
def test_unemployment(message: str) -> None:
    assert facts(message)[("member.employment", Role.SPEAKER)] == "unemployed"


def test_income_only_with_a_unit() -> None:
    assert facts("월 소득 150만원이에요")[("household.income_recognised_monthly", None)] == 1_500_000
    assert facts("한 달 소득이 1억 2천만 원")[("household.income_recognised_monthly", None)] == 120_000_000
    assert ("household.income_recognised_monthly", None) not in facts("소득은 150 정도")
    assert facts("소득이 없어요")[("household.income_recognised_monthly", None)] == 0


def test_living_alone_and_household_sizes() -> None:
    assert facts("저 혼자 살아요")[("household.size", None)] == 1
    assert facts("남편이랑 둘이 살아요")[("household.size", None)] == 2
    assert facts("3인 가구예요")[("household.size", None)] == 3
    assert ("household.size", None) not in facts("혼자 아이 키워요")
    assert facts("혼자 아이 키워요")[("household.single_parent", None)] is True


@pytest.mark.parametrize(
    ("fact", "answer", "value"),
    [
        ("household.income_recognised_monthly", "한 달에 120만 원쯤", 1_200_000),
        ("household.income_recognised_monthly", "없어요", 0),
        ("household.income_recognised_monthly", "120이요", None),
        ("household.assets", "1억 5천만원", 150_000_000),
        ("members.me.pregnant", "네", True),
        ("members.me.pregnant", "아니요", False),
        ("members.me.birth_date", "1950년 5월 3일", date(1950, 5, 3)),
        ("members.me.birth_date", "1950년생", BirthRange(date(1950, 1, 1), date(1950, 12, 31))),
        ("members.me.birth_date", "72세요", AgeRange(72, 72)),
        ("members.me.disability", "네 있어요", OneOf(("mild", "severe"))),
        ("members.me.disability", "심한 장애예요", "severe"),
        ("members.p1.relation", "딸이에요", "child"),
        ("members.me.health_insurance", "직장 다녀서 직장가입자예요", "employee"),
        ("members.me.insured_days", "300일", 300),
        ("members.me.unemployed_months", "1년", 12),
        ("household.members.count", "혼자 살아요", 1),
        ("household.members.count", "네 명이요", 4),
        ("household.members.count", "3", 3),
        ("household.region", "서울 종로구요", "11110"),
        ("members.me.relation", "잘 모르겠어요", DONT_KNOW),
    ],
)
def test_answers_to_the_question_asked(fact: str, answer: str, value: object) -> None:
    assert read_answer(fact, answer, TODAY) == value
