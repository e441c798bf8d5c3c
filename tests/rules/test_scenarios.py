"""Every YAML scenario passes; a wrong expectation is reported with the service and the difference."""

from __future__ import annotations

import dataclasses

from nara.rules import run_scenarios
from nara.rules.rulebook import rulebook
from nara.rules.scenarios import run, scenarios


def test_every_scenario_passes() -> None:
    total, failures = run_scenarios()
    assert total >= 7
    assert [(f.scenario.file, f.scenario.name, f.problems) for f in failures] == []


def test_every_rule_has_scenarios_and_a_legal_basis() -> None:
    covered = {s.service_id for s in scenarios()}
    for rule in rulebook():
        assert rule.service_id in covered, rule.file
        assert rule.legal_basis, rule.file


def test_a_wrong_expectation_is_reported() -> None:
    scenario = scenarios()[0]
    wrong = dataclasses.replace(scenario, expect={**scenario.expect, "status": "ineligible", "amount": 1})
    failure = run(wrong, {rule.service_id: rule for rule in rulebook()})
    assert failure is not None
    assert any(problem.startswith("status:") for problem in failure.problems)
    assert any(problem.startswith("amount:") for problem in failure.problems)


def test_boundaries_are_generated_from_the_rules_own_thresholds() -> None:
    from nara.rules.scenarios import boundary_scenarios

    rules = {rule.service_id: rule for rule in rulebook()}
    base = next(s for s in scenarios() if s.service_id == "WII000001410" and s.expect.get("boundary_base"))
    generated = boundary_scenarios(base, rules["WII000001410"])
    incomes = [g.situation["household"]["income_recognised_monthly"] for g in generated]
    assert incomes == [765_443, 765_444, 765_445]  # 2025 생계급여 선정기준, 1인
    assert [g.expect["status"] for g in generated] == ["eligible", "eligible", "ineligible"]
    allowance = next(
        s for s in scenarios() if s.service_id == "135200000120" and s.expect.get("boundary_base")
    )
    ages = boundary_scenarios(allowance, rules["135200000120"])
    assert [g.expect["status"] for g in ages] == ["eligible", "ineligible", "ineligible"]  # 95, 96, 97 months


def test_boundaries_inside_any_branches_follow_the_branch_that_decides() -> None:
    from nara.rules.scenarios import boundary_scenarios

    rules = {rule.service_id: rule for rule in rulebook()}
    base = next(s for s in scenarios() if s.service_id == "SSE000000170" and s.expect.get("boundary_base"))
    generated = boundary_scenarios(base, rules["SSE000000170"])
    single = [g for g in generated if "= 227" in g.name or "= 228" in g.name]
    assert [g.expect["status"] for g in single][:3] == ["eligible", "eligible", "ineligible"]  # 단독 228만 원
    couple = [
        g for g in generated if "(기준 3648000)" in g.name
    ]  # a single household: that branch never decides
    assert [g.expect["status"] for g in couple] == ["ineligible", "ineligible", "ineligible"]


def test_unknown_facts_and_max_questions_are_checked() -> None:
    scenario = next(s for s in scenarios() if s.unknown and "max_questions" in s.expect)
    rules = {rule.service_id: rule for rule in rulebook()}
    assert run(scenario, rules) is None
    too_few = dataclasses.replace(scenario, expect={**scenario.expect, "max_questions": 0})
    failure = run(too_few, rules)
    assert failure is not None
    assert failure.problems[0].startswith("max_questions")
    wrong_reason = dataclasses.replace(scenario, expect={**scenario.expect, "reasons": ["member.age >= 1"]})
    failure = run(wrong_reason, rules)
    assert failure is not None
    assert "expect_reasons" in failure.problems[0]
