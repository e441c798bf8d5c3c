"""YAML scenarios for the rules (``scenarios/<service id>.yaml``), in the spirit of OpenFisca's tests.

    - name: 만 8세 생일 전날까지 받아요
      on: 2025-03-15
      situation: {subject: me, members: [...], household: {...}}
      expect: {status: eligible, amount: 100000, period: month}
      # optional: missing: [members.kid.birth_date], reasons_include: ["..."]

A scenario's service is its file's name unless ``expect.service`` says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from nara.rules.evaluate import EligibilityResult, evaluate_rule
from nara.rules.rulebook import Rule, rulebook
from nara.rules.situation import parse_situation


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    service_id: str
    on: date
    situation: dict[str, Any]
    expect: dict[str, Any]


@dataclass(frozen=True)
class ScenarioFailure:
    scenario: Scenario
    problems: list[str]


@lru_cache(maxsize=1)
def scenarios() -> tuple[Scenario, ...]:
    """Every scenario in ``nara/rules/scenarios/*.yaml``."""
    folder = resources.files("nara.rules").joinpath("scenarios")
    found: list[Scenario] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for item in yaml.safe_load(entry.read_text("utf-8")) or []:
            expect = item["expect"]
            found.append(
                Scenario(
                    file=f"scenarios/{entry.name}",
                    name=item["name"],
                    service_id=str(expect.get("service", entry.name.removesuffix(".yaml"))),
                    on=_on(item),
                    situation=item["situation"],
                    expect=expect,
                )
            )
    return tuple(found)


def _on(item: dict[Any, Any]) -> date:
    value = item["on"] if "on" in item else item[True]  # YAML 1.1 reads the key `on:` as true
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def run(scenario: Scenario, rules: dict[str, Rule]) -> ScenarioFailure | None:
    """Evaluate one scenario; None when every expectation holds."""
    rule = rules.get(scenario.service_id)
    if rule is None:
        return ScenarioFailure(scenario, [f"규칙이 없는 서비스입니다: {scenario.service_id}"])
    situation = parse_situation({**scenario.situation, "on": scenario.on}, today=scenario.on)
    problems = _compare(evaluate_rule(rule, situation), scenario.expect)
    return ScenarioFailure(scenario, problems) if problems else None


def run_all() -> tuple[int, list[ScenarioFailure]]:
    """How many scenarios ran, and the ones that failed."""
    rules = {rule.service_id: rule for rule in rulebook()}
    everything = scenarios()
    failures = [failure for s in everything if (failure := run(s, rules))]
    return len(everything), failures


def _compare(result: EligibilityResult, expect: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    if result.status.value != expect["status"]:
        problems.append(
            f"status: expected {expect['status']}, got {result.status.value} ({result.explanation})"
        )
    if "amount" in expect:
        got = result.amount.value if result.amount else None
        if got != expect["amount"]:
            problems.append(f"amount: expected {expect['amount']}, got {got}")
    if "period" in expect and (result.amount is None or result.amount.period != expect["period"]):
        problems.append(f"period: expected {expect['period']}")
    if "missing" in expect and sorted(expect["missing"]) != result.missing_facts:
        problems.append(f"missing: expected {sorted(expect['missing'])}, got {result.missing_facts}")
    for fragment in expect.get("reasons_include", []):
        if not any(fragment in sentence for sentence in result.explanation):
            problems.append(f"explanation lacks {fragment!r}: {result.explanation}")
    return problems
