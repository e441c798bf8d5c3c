"""The evaluator: three-valued answers, only the facts that matter, Korean explanations, amounts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from nara.rules import RuleFileInvalid, Status, parse_situation
from nara.rules.evaluate import evaluate_rule
from nara.rules.rulebook import Rule, load_rule

LOW_INCOME_OR_SEVERE = """
service: TEST-1
name: 시험 급여
legal_basis: 시험법 제1조
when:
  all:
    - member.age >= 65
    - any:
        - household.income_recognised_monthly <= 1000000
        - member.disability == "severe"
amount:
  value: 300000 - household.income_recognised_monthly / 10
  period: month
"""


def rule(text: str = LOW_INCOME_OR_SEVERE) -> Rule:
    return load_rule(text, "test.yaml")


def evaluate(members: list[dict[str, Any]], household: dict[str, Any] | None = None, on: str = "2025-03-15"):  # type: ignore[no-untyped-def]
    situation = parse_situation(
        {"on": on, "subject": "me", "members": members, "household": household or {}}, today=date(2025, 3, 15)
    )
    return evaluate_rule(rule(), situation)


def test_eligible_with_amount_and_korean_explanation() -> None:
    result = evaluate([{"id": "me", "birth_date": "1950-01-01"}], {"income_recognised_monthly": 800_000})
    assert result.status is Status.ELIGIBLE
    assert result.amount is not None
    assert result.amount.value == 220_000
    assert result.amount.period == "month"
    assert "가구 소득인정액 80만 원이 100만 원 이하입니다." in result.explanation
    assert result.explanation[-1] == "그래서 받을 수 있어요."


def test_a_false_condition_decides_without_asking_anything() -> None:
    result = evaluate([{"id": "me", "birth_date": "1990-01-01"}])  # 35, income unknown
    assert result.status is Status.INELIGIBLE
    assert result.missing_facts == []
    assert result.explanation[0] == "나이 35세가 65세보다 적습니다."


def test_undetermined_lists_only_facts_that_could_change_the_answer() -> None:
    result = evaluate([{"id": "me", "birth_date": "1950-01-01"}])
    assert result.status is Status.UNDETERMINED
    assert result.missing_facts == ["household.income_recognised_monthly", "members.me.disability"]
    settled = evaluate([{"id": "me", "birth_date": "1950-01-01", "disability": "severe"}])
    assert settled.status is Status.ELIGIBLE
    assert settled.missing_facts == []
    assert settled.amount is None  # eligible, but the amount needs the income


def test_birthday_boundary_is_full_years() -> None:
    assert (
        evaluate([{"id": "me", "birth_date": "1960-03-16", "disability": "severe"}]).status
        is Status.INELIGIBLE
    )
    assert (
        evaluate([{"id": "me", "birth_date": "1960-03-15", "disability": "severe"}]).status is Status.ELIGIBLE
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (LOW_INCOME_OR_SEVERE.replace("member.age >= 65", "member.shoe_size >= 65"), "member.shoe_size"),
        (LOW_INCOME_OR_SEVERE.replace("<= 1000000", "<= no_such.parameter"), "no_such.parameter"),
        (LOW_INCOME_OR_SEVERE.replace("period: month", "period: fortnight"), "period"),
        (LOW_INCOME_OR_SEVERE.replace("member.age >= 65", "member.age >>= 65"), "test.yaml:"),
        ("service: X\nname: Y\nwhen: []\n", "legal_basis"),
    ],
)
def test_rule_file_errors_name_file_line_and_cause(text: str, message: str) -> None:
    with pytest.raises(RuleFileInvalid) as raised:
        rule(text)
    assert message in raised.value.detail
    assert "test.yaml" in raised.value.detail
