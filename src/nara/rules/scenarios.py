"""YAML scenarios for the rules (``scenarios/<service id>.yaml``), in the spirit of OpenFisca's tests.

    - name: 만 8세 생일 전날까지 받아요
      on: 2025-03-15
      situation: {subject: me, members: [...], household: {...}}
      expect: {status: eligible, amount: 100000, period: month}
      # optional: missing: [members.kid.birth_date], reasons_include: ["..."]

A scenario's service is its file's name unless ``expect.service`` says otherwise.
"""

from __future__ import annotations

import copy
import operator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from nara.rules.evaluate import EligibilityResult, evaluate_rule, threshold_value
from nara.rules.expressions import Comparison, FactRef
from nara.rules.rulebook import AllOf, Rule, rulebook
from nara.rules.situation import Member, Situation, parse_situation


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
    """How many scenarios ran (written and generated), and the ones that failed."""
    rules = {rule.service_id: rule for rule in rulebook()}
    written = scenarios()
    everything = list(written) + [
        generated
        for scenario in written
        if scenario.expect.get("boundary_base") and scenario.service_id in rules
        for generated in boundary_scenarios(scenario, rules[scenario.service_id])
    ]
    failures = [failure for s in everything if (failure := run(s, rules))]
    return len(everything), failures


_BOUNDARY_FACTS = ("household.income_recognised_monthly", "member.age", "member.age_months")
_ORDERINGS = ("<", "<=", ">", ">=")


def boundary_scenarios(base: Scenario, rule: Rule) -> list[Scenario]:
    """For an eligible base scenario, one scenario at t − 1, t and t + 1 around every threshold of the
    rule's top-level conditions on income or age; the expected status follows the rule's own operator."""
    situation = parse_situation({**base.situation, "on": base.on}, today=base.on)
    member = _member_in_scope(rule, situation)
    generated: list[Scenario] = []
    for comparison in _top_level_comparisons(rule):
        left = comparison.left
        if (
            not isinstance(left, FactRef)
            or left.name not in _BOUNDARY_FACTS
            or comparison.op not in _ORDERINGS
        ):
            continue
        assert not isinstance(comparison.right, tuple)
        threshold = threshold_value(comparison.right, situation, member)
        for value in (threshold - 1, threshold, threshold + 1):
            if value < 0:
                continue
            holds = _ORDER[comparison.op](value, threshold)
            generated.append(
                Scenario(
                    file=base.file,
                    name=f"{base.name} — 생성된 경계: {left.name} = {value} (기준 {threshold})",
                    service_id=base.service_id,
                    on=base.on,
                    situation=_with_value(base.situation, left.name, value, member.id, base.on),
                    expect={"status": "eligible" if holds else "ineligible"},
                )
            )
    return generated


def _top_level_comparisons(rule: Rule) -> list[Comparison]:
    if isinstance(rule.when, Comparison):
        return [rule.when]
    if isinstance(rule.when, AllOf):
        return [item for item in rule.when.items if isinstance(item, Comparison)]
    return []


def _member_in_scope(rule: Rule, situation: Situation) -> Member:
    if rule.for_each == "children":
        return next(m for m in situation.members if m.relation is not None and m.relation.value == "child")
    return situation.member(situation.subject)


def _with_value(document: dict[str, Any], fact: str, value: int, member_id: str, on: date) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    if fact.startswith("household."):
        changed.setdefault("household", {})[fact.removeprefix("household.")] = value
        return changed
    born = _years_before(on, value) if fact == "member.age" else _months_before(on, value)
    for member in changed["members"]:
        if member["id"] == member_id:
            member["birth_date"] = born.isoformat()
    return changed


def _years_before(on: date, years: int) -> date:
    return date(on.year - years, on.month, min(on.day, 28))


def _months_before(on: date, months: int) -> date:
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    return date(year, month + 1, min(on.day, 28))


_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


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
