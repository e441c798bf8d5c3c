"""Per-person evaluation: a situation and the rulebook in, a status, amount and explanation per service out.

Three-valued (Kleene): a service is eligible, ineligible, or undetermined; undetermined lists exactly
the missing facts that could change the answer.
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple, cast

from nara.rules import korean
from nara.rules.expressions import Arithmetic, Boolean, Comparison, Expr, FactRef, Number, ParamRef, Text
from nara.rules.facts import UNKNOWN, fact_reader, fact_spec, read_fact
from nara.rules.parameters import parameters
from nara.rules.reasons import decision_points, reason_code
from nara.rules.rulebook import (
    SCOPE_RELATION,
    AllOf,
    AnyMember,
    AnyOf,
    Condition,
    CountMembers,
    NotOf,
    Rule,
    rulebook,
)
from nara.rules.situation import Member, Situation
from nara.rules.truth import Truth, all_of, any_of


class Status(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    UNDETERMINED = "undetermined"


_STATUS_OF = {Truth.TRUE: Status.ELIGIBLE, Truth.FALSE: Status.INELIGIBLE, Truth.UNKNOWN: Status.UNDETERMINED}
_CONCLUSION = {
    Status.ELIGIBLE: "그래서 받을 수 있어요.",
    Status.INELIGIBLE: "그래서 받기 어려워요.",
    Status.UNDETERMINED: "알려 주신 정보만으로는 아직 판단할 수 없어요.",
}


@dataclass(frozen=True)
class Reason:
    """One condition that decided the answer, with the actual values.

    The Korean sentence is written only when read: most reasons of most answers are never shown."""

    condition: str
    holds: bool
    render: Callable[[], str] = field(repr=False, compare=False)
    member: str | None = None

    @cached_property
    def sentence(self) -> str:
        return self.render()


class Outcome(NamedTuple):  # a tuple: made tens of thousands of times per evaluation
    truth: Truth
    missing: frozenset[str] = frozenset()
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class AmountResult:
    value: int
    period: str
    computation: str
    unit: str = "KRW"


@dataclass(frozen=True)
class EligibilityResult:
    service_id: str
    name: str
    status: Status
    amount: AmountResult | None
    missing_facts: list[str]
    reasons: list[Reason]
    legal_basis: list[str]
    rule_kind: str = "full"
    notes: tuple[str, ...] = ()  # a written explanation (screening), instead of the reasons' sentences

    @cached_property
    def explanation(self) -> list[str]:
        """The decisive conditions as plain Korean sentences, then the conclusion."""
        if self.notes:
            return list(self.notes)
        return [_sentence(r) for r in self.reasons] + [_CONCLUSION[self.status]]


class _Value(NamedTuple):
    value: Any
    missing: frozenset[str]
    show: Callable[[], str]  # the value as a citizen reads it, written only when needed


class _Context(NamedTuple):
    situation: Situation
    member: Member | None = None


def evaluate(situation: Situation, rules: tuple[Rule, ...] | None = None) -> list[EligibilityResult]:
    """Every rule's answer for the situation's subject, in rulebook order.

    The cyclic garbage collector is paused meanwhile: an evaluation makes many short-lived objects and no
    cycles, and a collection in the middle of it would only add a pause (the p99 latency)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [evaluate_rule(rule, situation) for rule in (rules if rules is not None else rulebook())]
    finally:
        if collecting:
            gc.enable()


def evaluate_rule(rule: Rule, situation: Situation) -> EligibilityResult:
    """One rule's answer: status, amount, missing facts and explanation."""
    per_member = _per_member(rule, situation)
    truth = any_of([outcome.truth for _, outcome in per_member])
    status = _STATUS_OF[truth]
    if truth is Truth.TRUE:
        decisive = [o for _, o in per_member if o.truth is Truth.TRUE]
        missing: frozenset[str] = frozenset()
    elif truth is Truth.FALSE:
        decisive = [o for _, o in per_member]
        missing = frozenset()
    else:
        decisive = [o for _, o in per_member if o.truth is Truth.UNKNOWN]
        missing = frozenset().union(*(o.missing for o in decisive))
    reasons = [reason for outcome in decisive for reason in outcome.reasons]
    amount = _amount(rule, situation, [m for m, o in per_member if o.truth is Truth.TRUE])
    return EligibilityResult(
        service_id=rule.service_id,
        name=rule.name,
        status=status,
        amount=amount if status is Status.ELIGIBLE else None,
        missing_facts=sorted(missing),
        reasons=reasons,
        legal_basis=list(rule.legal_basis),
    )


def _per_member(rule: Rule, situation: Situation) -> list[tuple[Member, Outcome]]:
    if rule.for_each == "subject":
        subject = situation.member(situation.subject)
        return [(subject, _condition(rule.when, _Context(situation, subject)))]
    results = []
    for member in situation.members:
        context = _Context(situation, member)
        in_scope = _in_scope(rule.for_each, member, situation)
        outcome = (
            _all([in_scope, _condition(rule.when, context)])
            if in_scope.truth is not Truth.FALSE
            else in_scope
        )
        results.append((member, _tagged(outcome, member.id)))
    return results or [(situation.member(situation.subject), Outcome(Truth.FALSE))]


def _tagged(outcome: Outcome, member_id: str) -> Outcome:
    reasons = tuple(Reason(r.condition, r.holds, r.render, member_id) for r in outcome.reasons)
    return Outcome(outcome.truth, outcome.missing, reasons)


def _in_scope(scope: str, member: Member, situation: Situation) -> Outcome:
    """Whether a member belongs to a scope (children, spouse, members); unknown if the relation is."""
    if scope == "members":
        return Outcome(Truth.TRUE)
    wanted = SCOPE_RELATION[scope]
    if member.relation is None:
        return Outcome(Truth.UNKNOWN, frozenset({f"members.{member.id}.relation"}))
    return Outcome(Truth.of(member.relation.value == wanted))


def _condition(condition: Condition, context: _Context) -> Outcome:
    if isinstance(condition, Comparison):
        return _comparison(condition, context)
    if isinstance(condition, AllOf | AnyOf):
        return _short_circuit(condition, context)
    if isinstance(condition, NotOf):
        inner = _condition(condition.item, context)
        flipped = tuple(Reason(r.condition, not r.holds, r.render, r.member) for r in inner.reasons)
        return Outcome(~inner.truth, inner.missing, flipped)
    if isinstance(condition, CountMembers):
        return _count_members(condition, context)
    return _any_member(condition, context)


def _short_circuit(condition: AllOf | AnyOf, context: _Context) -> Outcome:
    """``all`` stops at the first part that is false, ``any`` at the first that is true: that part alone
    decides (and is the explanation); otherwise every part is looked at, for the facts still missing."""
    decisive = Truth.FALSE if isinstance(condition, AllOf) else Truth.TRUE
    outcomes = []
    for item in condition.items:
        outcome = _condition(item, context)
        if outcome.truth is decisive:
            return Outcome(decisive, _NO_MISSING, outcome.reasons)
        outcomes.append(outcome)
    return _all(outcomes) if decisive is Truth.FALSE else _any(outcomes)


def _all(outcomes: list[Outcome]) -> Outcome:
    truth = all_of([o.truth for o in outcomes])
    return _combine(truth, outcomes, decisive=Truth.FALSE)


def _any(outcomes: list[Outcome]) -> Outcome:
    truth = any_of([o.truth for o in outcomes])
    return _combine(truth, outcomes, decisive=Truth.TRUE)


def _combine(truth: Truth, outcomes: list[Outcome], decisive: Truth) -> Outcome:
    """Keep the reasons that decided ``truth`` and, when unknown, the facts that could still decide it."""
    if truth is decisive:
        chosen = [o for o in outcomes if o.truth is decisive]
        return Outcome(truth, frozenset(), tuple(r for o in chosen for r in o.reasons))
    if truth is Truth.UNKNOWN:
        unknown = [o for o in outcomes if o.truth is Truth.UNKNOWN]
        missing = frozenset().union(*(o.missing for o in unknown))
        return Outcome(truth, missing, tuple(r for o in outcomes for r in o.reasons))
    return Outcome(truth, frozenset(), tuple(r for o in outcomes for r in o.reasons))


def _members_meeting(condition: AnyMember | CountMembers, context: _Context, enough: int) -> list[Outcome]:
    """Each member who may be in the condition's scope, and whether they meet its ``where``; stops once
    ``enough`` members surely do."""
    outcomes: list[Outcome] = []
    met = 0
    for member in context.situation.members:
        in_scope = _in_scope(condition.scope, member, context.situation)
        if in_scope.truth is Truth.FALSE:
            continue
        inner = _condition(condition.where, _Context(context.situation, member))
        outcome = _tagged(_all([in_scope, inner]), member.id)
        outcomes.append(outcome)
        met += outcome.truth is Truth.TRUE
        if met >= enough:
            break
    return outcomes


def _any_member(condition: AnyMember, context: _Context) -> Outcome:
    outcomes = _members_meeting(condition, context, enough=1)
    if outcomes and outcomes[-1].truth is Truth.TRUE:  # one member who surely meets it decides
        return outcomes[-1]
    return _any(outcomes) if outcomes else Outcome(Truth.FALSE)


def _count_members(condition: CountMembers, context: _Context) -> Outcome:
    """Kleene count: true once enough members surely meet it, false once too few could."""
    outcomes = _members_meeting(condition, context, enough=len(context.situation.members) + 1)
    met = sum(o.truth is Truth.TRUE for o in outcomes)
    possible = met + sum(o.truth is Truth.UNKNOWN for o in outcomes)
    reasons = tuple(r for o in outcomes if o.truth is Truth.TRUE for r in o.reasons)
    summary = Reason(
        f"count_members {condition.scope} >= {condition.at_least}",
        met >= condition.at_least,
        lambda: (
            f"조건에 맞는 가구원이 {met}명으로, {condition.at_least}명"
            + (" 이상입니다." if met >= condition.at_least else "보다 적습니다.")
        ),
    )
    if met >= condition.at_least:
        return Outcome(Truth.TRUE, frozenset(), (*reasons, summary))
    if possible < condition.at_least:
        return Outcome(Truth.FALSE, frozenset(), (*reasons, summary))
    missing = frozenset().union(*(o.missing for o in outcomes if o.truth is Truth.UNKNOWN))
    return Outcome(Truth.UNKNOWN, missing, tuple(r for o in outcomes for r in o.reasons))


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


_NO_MISSING: frozenset[str] = frozenset()


def _comparison(comparison: Comparison, context: _Context) -> Outcome:
    compiled = _COMPILED.get(id(comparison))
    if compiled is None:
        compiled = _COMPILED[id(comparison)] = (comparison, _compile(comparison))
    return compiled[1](context)


# Comparisons compiled once into closures, by id (holding the comparison so that its id is never reused):
# the fact names are parsed and the units found once, not on every evaluation.
_COMPILED: dict[int, tuple[Comparison, Callable[[_Context], Outcome]]] = {}


def _compile(comparison: Comparison) -> Callable[[_Context], Outcome]:
    rights = comparison.right if isinstance(comparison.right, tuple) else (comparison.right,)
    read_left = _reader(comparison.left, _unit_of(rights[0]))
    read_rights = [_reader(right, _unit_of(comparison.left)) for right in rights]
    op, source = comparison.op, comparison.source
    compare = _COMPARE.get(op)

    def run(context: _Context) -> Outcome:
        left = read_left(context)
        right_values = [read(context) for read in read_rights]
        if left.missing or any(r.missing for r in right_values):
            return Outcome(Truth.UNKNOWN, left.missing.union(*(r.missing for r in right_values)))
        if compare is None:  # in
            holds = left.value in [r.value for r in right_values]
        else:
            holds = compare(left.value, right_values[0].value)

        def render() -> str:
            right_shown = "·".join(r.show() for r in right_values)
            return korean.comparison_sentence(left.show(), op, right_shown, holds)

        return Outcome(Truth.TRUE if holds else Truth.FALSE, _NO_MISSING, (Reason(source, holds, render),))

    return run


def _reader(expr: Expr, unit: str) -> Callable[[_Context], _Value]:
    """How to read one side of a comparison: constants once, facts with their reader, the rest as is."""
    if isinstance(expr, Number | Boolean | Text):
        constant = _value(expr, _Context(cast(Situation, None)), unit)  # a constant needs no situation
        return lambda context: constant
    if isinstance(expr, FactRef):
        read = fact_reader(expr.name)
        spec = fact_spec(expr.name)
        assert spec is not None

        def fact(context: _Context) -> _Value:
            value, where = read(context.situation, context.member)
            if value is UNKNOWN:
                return _Value(UNKNOWN, frozenset((where,)), lambda: spec.label)
            return _Value(value, _NO_MISSING, lambda: f"{spec.label} {korean.with_unit(value, spec.unit)}")

        return fact
    if isinstance(expr, ParamRef) and expr.at is None and expr.size is None:
        in_force: dict[date, _Value] = {}  # an undated, unindexed parameter: one value per evaluation date

        def constant_parameter(context: _Context) -> _Value:
            on = context.situation.on
            found = in_force.get(on)
            if found is None:
                if len(in_force) >= 32:  # dates come from callers: keep only a few
                    in_force.clear()
                found = in_force[on] = _parameter(expr, context)
            return found

        return constant_parameter
    return lambda context: _value(expr, context, unit)


_UNITS: dict[int, tuple[Expr, str]] = {}  # by id(expr), holding expr so that its id is never reused


def _unit_of(expr: Expr) -> str:
    """The unit a number compared with ``expr`` is in (a fact's or a parameter's)."""
    known = _UNITS.get(id(expr))
    if known is not None:
        return known[1]
    unit = ""
    if isinstance(expr, FactRef):
        spec = fact_spec(expr.name)
        unit = spec.unit if spec else ""
    elif isinstance(expr, ParamRef):
        unit = parameters()[expr.name].unit
    _UNITS[id(expr)] = (expr, unit)
    return unit


def _value(expr: Expr, context: _Context, unit: str = "") -> _Value:
    if isinstance(expr, FactRef):
        value, where = read_fact(expr.name, context.situation, context.member)
        spec = fact_spec(expr.name)
        assert spec is not None
        if value is UNKNOWN:
            return _Value(UNKNOWN, frozenset({where}), lambda: spec.label)
        return _Value(value, _NO_MISSING, lambda: f"{spec.label} {korean.with_unit(value, spec.unit)}")
    if isinstance(expr, Number | Boolean):
        return _Value(expr.value, _NO_MISSING, lambda: korean.with_unit(expr.value, unit))
    if isinstance(expr, Text):
        return _Value(expr.value, _NO_MISSING, lambda: f"'{expr.value}'")
    if isinstance(expr, ParamRef):
        return _parameter(expr, context)
    return _arithmetic(expr, context)


def _parameter(expr: ParamRef, context: _Context) -> _Value:
    parameter = parameters()[expr.name]
    size: _Value | None = _value(expr.size, context) if expr.size else None
    when: _Value | None = _value(expr.at, context) if expr.at else None
    missing = (size.missing if size else _NO_MISSING) | (when.missing if when else _NO_MISSING)
    if missing:
        return _Value(UNKNOWN, missing, lambda: parameter.label)
    value = parameter.at(when.value if when else context.situation.on, int(size.value) if size else None)
    if value is None:
        raise LookupError(f"{expr.name}: {context.situation.on}에 적용할 값이 없습니다.")

    def show() -> str:
        short = parameter.label.split(" (")[0].split(" — ")[
            0
        ]  # "생계급여 선정기준 (…)" → "생계급여 선정기준"
        label = f"{short}({size.value}인 가구)" if size else short
        return f"{label} {korean.with_unit(value, parameter.unit)}"

    return _Value(value, _NO_MISSING, show)


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


def _arithmetic(expr: Arithmetic, context: _Context) -> _Value:
    left, right = _value(expr.left, context), _value(expr.right, context)
    missing = left.missing | right.missing
    if missing:
        return _Value(UNKNOWN, missing, lambda: "")
    value = _ARITHMETIC[expr.op](left.value, right.value)
    return _Value(value, _NO_MISSING, lambda: f"({left.show()} {expr.op} {right.show()})")


def _amount(rule: Rule, situation: Situation, eligible: list[Member]) -> AmountResult | None:
    if rule.amount is None or not eligible:
        return None
    found = [_member_amount(rule, _Context(situation, member)) for member in eligible]
    values = [v for v in found if v is not None and not v.missing]
    if len(values) < len(found):
        return None
    total = sum(max(int(v.value), 0) for v in values)
    each = "; ".join(v.show() for v in values)
    computation = each if len(values) == 1 else f"{each} — {len(values)}명 합계 {korean.won(total)}"
    return AmountResult(value=total, period=rule.amount.period, computation=computation)


def _member_amount(rule: Rule, context: _Context) -> _Value | None:
    """The value of the first amount case whose condition holds; None while that is unknown."""
    assert rule.amount is not None
    for case in rule.amount.cases:
        applies = _condition(case.when, context).truth if case.when else Truth.TRUE
        if applies is Truth.UNKNOWN:
            return None
        if applies is Truth.TRUE:
            return _value(case.value, context)
    return _Value(0, _NO_MISSING, lambda: korean.won(0))


def eligible_members(rule: Rule, situation: Situation) -> list[Member]:
    """Whom the rule surely holds for: the subject, or each child (spouse, member) of a per-member rule."""
    return [member for member, outcome in _per_member(rule, situation) if outcome.truth is Truth.TRUE]


def reason_code_for(rule: Rule, situation: Situation, member: Member) -> str:
    """The reason code (``reasons.py``) of an eligible answer for ``member`` (the subject or a child)."""
    context = _Context(situation, member)
    branches = []
    for point in decision_points(rule):
        taken = next(
            (
                number
                for number, branch in enumerate(point.branches, start=1)
                if branch is None or _condition(branch, context).truth is Truth.TRUE
            ),
            0,
        )
        branches.append((point.name, taken))
    return reason_code(branches)


def threshold_value(expr: Expr, situation: Situation, member: Member) -> int:
    """The value of a threshold expression for one member of a situation (for generated scenarios)."""
    value = _value(expr, _Context(situation, member))
    if value.missing:
        raise LookupError(f"threshold needs {sorted(value.missing)}")
    return int(value.value)


def _sentence(reason: Reason) -> str:
    return f"[{reason.member}] {reason.sentence}" if reason.member else reason.sentence
