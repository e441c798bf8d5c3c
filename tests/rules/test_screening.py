"""Screening rules from JA support conditions: necessary conditions, three-valued, indexed."""

from __future__ import annotations

from datetime import date
from typing import Any

from nara.rules import ScreeningBook, ScreeningSource, Status, parse_situation

ALL_INCOME = {f"JA020{i}": "Y" for i in range(1, 6)}


def book(*conditions: dict[str, Any]) -> ScreeningBook:
    return ScreeningBook([ScreeningSource(f"S{i}", f"서비스 {i}", c) for i, c in enumerate(conditions)])


def screen(
    target: ScreeningBook, member: dict[str, Any], household: dict[str, Any] | None = None
) -> list[Status]:
    situation = parse_situation(
        {
            "on": "2025-03-15",
            "subject": "me",
            "household": household or {},
            "members": [{"id": "me", **member}],
        },
        today=date(2025, 3, 15),
    )
    return [r.status for r in target.screen(situation).results()]


def test_age_range_is_inclusive_and_unknown_without_a_birth_date() -> None:
    youth = book({"JA0110": 19, "JA0111": 34})
    assert screen(youth, {"birth_date": "1990-03-16"}) == [Status.ELIGIBLE]  # 34
    assert screen(youth, {"birth_date": "1990-03-15"}) == [Status.INELIGIBLE]  # 35 today
    assert screen(youth, {"birth_date": "2006-03-15"}) == [Status.ELIGIBLE]  # 19 today
    assert screen(youth, {"birth_date": "2006-03-16"}) == [Status.INELIGIBLE]  # 18
    assert screen(youth, {}) == [Status.UNDETERMINED]


def test_one_sex_flag_restricts_both_do_not() -> None:
    target = book({"JA0102": "Y"}, {"JA0101": "Y", "JA0102": "Y"})
    assert screen(target, {"sex": "male"}) == [Status.INELIGIBLE, Status.ELIGIBLE]
    assert screen(target, {}) == [Status.UNDETERMINED, Status.ELIGIBLE]


def test_income_bracket_uses_the_median_income_of_the_household_size() -> None:
    low_income = book({"JA0201": "Y", "JA0202": "Y"}, ALL_INCOME)
    median_one_person_2025 = 2_392_013
    at_75 = median_one_person_2025 * 3 // 4  # at or below 75 %
    assert screen(low_income, {}, {"income_recognised_monthly": at_75}) == [Status.ELIGIBLE, Status.ELIGIBLE]
    assert screen(low_income, {}, {"income_recognised_monthly": at_75 + 10}) == [
        Status.INELIGIBLE,
        Status.ELIGIBLE,
    ]
    assert screen(low_income, {}) == [Status.UNDETERMINED, Status.ELIGIBLE]


def test_personal_traits_are_an_inclusion_set_with_none_of_the_above() -> None:
    disabled_only = {"JA0328": "Y"}
    disabled_or_none = {"JA0328": "Y", "JA0322": "Y"}
    target = book(disabled_only, disabled_or_none)
    assert screen(target, {"disability": "severe"}) == [Status.ELIGIBLE, Status.ELIGIBLE]
    nothing_special = {
        "disability": "none", "pregnant": False, "preparing_pregnancy": False, "industry": "none",
        "school": "none", "employment": "none", "veteran": False, "chronic_illness": False, "relation": "self",
    }  # fmt: skip
    assert screen(target, nothing_special) == [Status.INELIGIBLE, Status.ELIGIBLE]
    result = book(disabled_only).screen(
        parse_situation(
            {"on": "2025-03-15", "subject": "me", "members": [{"id": "me"}]}, today=date(2025, 3, 15)
        )
    )
    undetermined = result.results()[0]
    assert undetermined.status is Status.UNDETERMINED
    assert undetermined.missing_facts == ["members.me.disability"]
    assert undetermined.rule_kind == "screening"


def test_household_traits_read_owns_home_and_size() -> None:
    target = book({"JA0412": "Y"}, {"JA0404": "Y"})
    assert screen(target, {}, {"owns_home": False}) == [Status.ELIGIBLE, Status.ELIGIBLE]
    assert screen(target, {}, {"owns_home": True}) == [Status.INELIGIBLE, Status.ELIGIBLE]
