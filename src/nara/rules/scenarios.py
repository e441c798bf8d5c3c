"""YAML scenarios for the rules (``scenarios/<service id>.yaml``), in the spirit of OpenFisca's tests.

    - name: 만 8세 생일 전날까지 받아요
      on: 2025-03-15                     # or `period:` as in OpenFisca
      situation: {subject: me, members: [...], household: {...}}   # or `input:`
      expect: {status: eligible, amount: 100000, period: month}
      # optional in expect: missing: [members.kid.birth_date], reasons_include: ["..."]

Beyond OpenFisca's period / input / output, a scenario may say:

- ``unknown: [household.income_recognised_monthly, members.kid.birth_date]`` — facts taken out of the
  situation before evaluating (a partial situation written next to the full one);
- ``expect_status: undetermined`` (the same as ``expect.status``);
- ``expect_reasons: ["member.age >= basic_pension.age"]`` — the conditions (as written in the rule file)
  that decided the answer, each must be among the result's reasons;
- ``max_questions: 2`` — from the partial situation, the greedy next question (over this service alone),
  answered from the full situation, settles the service in at most this many questions.

A scenario's service is its file's name unless ``expect.service`` says otherwise.
"""

from __future__ import annotations

import copy
import dataclasses
import operator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from nara.rules.evaluate import EligibilityResult, Status, evaluate_rule, threshold_value
from nara.rules.expressions import Comparison, FactRef, Number
from nara.rules.questions import next_question
from nara.rules.rulebook import AllOf, AnyOf, Condition, NotOf, Rule, rulebook
from nara.rules.situation import Member, Situation, parse_situation


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    service_id: str
    on: date
    situation: dict[str, Any]
    expect: dict[str, Any]
    unknown: tuple[str, ...] = ()


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
            expect = dict(item.get("expect") or {})
            for key in ("expect_status", "expect_reasons", "max_questions"):
                if key in item:
                    expect[key.removeprefix("expect_")] = item[key]
            found.append(
                Scenario(
                    file=f"scenarios/{entry.name}",
                    name=item["name"],
                    service_id=str(expect.get("service", entry.name.removesuffix(".yaml"))),
                    on=_on(item),
                    situation=item.get("situation", item.get("input")),
                    expect=expect,
                    unknown=tuple(item.get("unknown", ())),
                )
            )
    return tuple(found)


def _on(item: dict[Any, Any]) -> date:
    # YAML 1.1 reads the key `on:` as true; OpenFisca calls it `period:`
    value = item["on"] if "on" in item else item[True] if True in item else item["period"]
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def run(scenario: Scenario, rules: dict[str, Rule]) -> ScenarioFailure | None:
    """Evaluate one scenario; None when every expectation holds."""
    rule = rules.get(scenario.service_id)
    if rule is None:
        return ScenarioFailure(scenario, [f"규칙이 없는 서비스입니다: {scenario.service_id}"])
    if "status" not in scenario.expect:
        return ScenarioFailure(scenario, ["expect.status(또는 expect_status)가 없습니다."])
    full = parse_situation({**scenario.situation, "on": scenario.on}, today=scenario.on)
    try:
        situation = _without(full, scenario.unknown)
    except KeyError as error:
        return ScenarioFailure(scenario, [f"unknown: 상황에 없는 사실입니다: {error.args[0]}"])
    problems = _compare(evaluate_rule(rule, situation), scenario.expect)
    if "max_questions" in scenario.expect:
        asked = questions_to_settle(rule, situation, full)
        if asked is None or asked > scenario.expect["max_questions"]:
            problems.append(
                f"max_questions: expected at most {scenario.expect['max_questions']}, took {asked}"
            )
    return ScenarioFailure(scenario, problems) if problems else None


def _without(situation: Situation, facts: tuple[str, ...]) -> Situation:
    """The situation with ``facts`` (``household.x``, ``members.<id>.x``) made unknown."""
    if not facts:
        return situation
    document = situation.model_dump(mode="json", exclude_none=True)
    for fact in facts:
        if fact.startswith("household."):
            del document.setdefault("household", {})[fact.removeprefix("household.")]
            continue
        _, member_id, field = fact.split(".", 2)
        member = next((m for m in document["members"] if m["id"] == member_id), None)
        if member is None or field not in member:
            raise KeyError(fact)
        del member[field]
    return parse_situation(document, today=situation.on)


def questions_to_settle(rule: Rule, partial: Situation, full: Situation) -> int | None:
    """Greedy next questions (over this rule alone), answered from ``full``, until the rule is decided;
    None if it never is."""
    known, asked = partial, frozenset[str]()
    while True:
        result = evaluate_rule(rule, known)
        if result.status is not Status.UNDETERMINED:
            return len(asked)
        question = next_question([result], asked)
        if question is None:
            return None
        asked |= {question.fact}
        known = _with_fact(known, full, question.fact)


def _with_fact(known: Situation, full: Situation, fact: str) -> Situation:
    document = known.model_dump(mode="json", exclude_none=True)
    source = full.model_dump(mode="json", exclude_none=True)
    if fact.startswith("household."):
        field = fact.removeprefix("household.")
        document.setdefault("household", {})[field] = source.get("household", {}).get(field)
    else:
        _, member_id, field = fact.split(".", 2)
        target = next(m for m in document["members"] if m["id"] == member_id)
        target[field] = next(m for m in source["members"] if m["id"] == member_id).get(field)
    return parse_situation(document, today=known.on)


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
    """For an eligible base scenario, one scenario at t − 1, t and t + 1 around every threshold on income
    or age in the rule's conditions (also inside ``any`` and ``not``, not inside household aggregates).

    The expected status follows the rule's own operator: it is the status of the rule with that one
    comparison replaced by the truth the operator gives at the generated value (so a threshold inside an
    ``any`` matters only when its branch decides)."""
    situation = parse_situation({**base.situation, "on": base.on}, today=base.on)
    member = _member_in_scope(rule, situation)
    generated: list[Scenario] = []
    for comparison in _comparisons(rule.when):
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
            changed = _with_value(base.situation, left.name, value, member.id, base.on)
            forced = replace_condition(rule, comparison, holds)
            expected = evaluate_rule(forced, parse_situation({**changed, "on": base.on}, today=base.on))
            generated.append(
                Scenario(
                    file=base.file,
                    name=f"{base.name} — 생성된 경계: {left.name} = {value} (기준 {threshold})",
                    service_id=base.service_id,
                    on=base.on,
                    situation=changed,
                    expect={"status": expected.status.value},
                )
            )
    return generated


def _comparisons(condition: Condition) -> list[Comparison]:
    """The comparisons of a condition tree, not those inside household aggregates (per member)."""
    if isinstance(condition, Comparison):
        return [condition]
    if isinstance(condition, AllOf | AnyOf):
        return [found for item in condition.items for found in _comparisons(item)]
    if isinstance(condition, NotOf):
        return _comparisons(condition.item)
    return []


def replace_condition(rule: Rule, target: Comparison, holds: bool) -> Rule:
    """The rule with ``target`` (that very object) replaced by a condition that is always ``holds``."""
    constant = Comparison("==", Number(1), Number(1 if holds else 0), "참" if holds else "거짓")

    def swap(condition: Condition) -> Condition:
        if condition is target:
            return constant
        if isinstance(condition, AllOf):
            return AllOf(tuple(swap(item) for item in condition.items))
        if isinstance(condition, AnyOf):
            return AnyOf(tuple(swap(item) for item in condition.items))
        if isinstance(condition, NotOf):
            return NotOf(swap(condition.item))
        return condition

    return dataclasses.replace(rule, when=swap(rule.when))


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
    decided_by = {reason.condition for reason in result.reasons}
    for condition in expect.get("reasons", []):
        if condition not in decided_by:
            problems.append(
                f"expect_reasons: {condition!r} did not decide it; decided by {sorted(decided_by)}"
            )
    for fragment in expect.get("reasons_include", []):
        if not any(fragment in sentence for sentence in result.explanation):
            problems.append(f"explanation lacks {fragment!r}: {result.explanation}")
    return problems
