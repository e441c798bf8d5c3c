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
