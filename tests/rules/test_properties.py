"""Property tests: the per-person evaluator, the Polars plan and the DuckDB SQL plan agree, unknowns included.

Hypothesis builds valid situations: 1–6 members, exactly one of them ``self`` and the subject (the
population path finds the subject by that relation), the others of any relation or of unknown relation.
Every fact is independently unknown (absent) or known. The facts and their types are read from the
pydantic models, so a new fact is covered as soon as it is added to :mod:`nara.rules.situation`; the
values are drawn to land on the rules' thresholds often: every comparison in the rulebook whose other side
is a constant for the date and household size (numbers, parameters, ``household.size``, arithmetic of
those) gives its threshold, ±1 won (or a hair for decimals), as a candidate, and so do 기준 중위소득 ×
common ratios and every parameter in won; birth dates fall on and next to the birthdays that make the
ages in the rules (and 0–24 months, 6–8 years, 18 and 60–65 years).

The properties:

1. For every rule, the Polars household status equals the evaluator's status.
2. The same for the SQL plan run by DuckDB.
3. Kleene monotonicity of the evaluator: filling in unknown facts never changes a decided answer, and an
   undetermined answer's ``missing_facts`` only shrink; with every fact known every answer is decided, and
   an answer is undetermined exactly when it lists missing facts, all of them unknown in the situation.
4. ``missing_facts`` are exactly the facts that can still decide an undetermined answer: filling in any
   other facts (every listed fact left unknown) leaves it undetermined with the same ``missing_facts``,
   and filling in just the listed facts decides it.

4 is the true form of "a fact not listed never changes an undetermined answer" (filling a listed fact
may of course decide it). Its last part holds by the evaluator's design and is checked too: an undetermined
node lists the missing facts of every undetermined child, down to the comparisons, and a decided child stays
decided whatever is filled in (3), so once the listed facts are known nothing undetermined is left. Were a
needed fact left off the list, asking the citizen the listed facts would not settle the answer.

The frame given to the plans is :func:`situations_frame`, with the columns that no member of the batch
knows typed from the model instead of Polars' ``Null`` dtype: a population table has a schema, but a small
random batch often has a fact nobody knows, and on an untyped column DuckDB cannot bind ``year(birth_date)``
(Polars' ``.dt.year()`` raised too).

An engine that disagrees is reported with a minimal household (:func:`minimal`: no member and no fact can
be taken away) and the three answers; one that raises, with the rules that make it raise.
"""

from __future__ import annotations

import calendar
import functools
import json
import math
import operator
import typing
from bisect import bisect_left
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from enum import Enum
from functools import cache, lru_cache
from typing import Any

import duckdb
import polars as pl
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from nara.rules import Status, evaluate
from nara.rules.evaluate import EligibilityResult, evaluate_rule
from nara.rules.expressions import Arithmetic, Boolean, Comparison, Expr, FactRef, Number, ParamRef, Text
from nara.rules.parameters import median_income_table, parameters
from nara.rules.polars_plan import HOUSEHOLD, Plan, situations_frame
from nara.rules.rulebook import AllOf, AnyMember, AnyOf, Condition, CountMembers, NotOf, Rule, rulebook
from nara.rules.situation import Household, Member, Relation, Situation, sigungu_codes
from nara.rules.sql_plan import SqlPlan

MAX_MEMBERS = 6
BATCH = 16  # situations per hypothesis example, evaluated together in one frame
SIZES = range(1, MAX_MEMBERS + 1)
FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2026, 12, 31)
EDGE_DAYS = [date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1), date(2026, 12, 31), date(2025, 2, 28),
             date(2025, 3, 1), date(2026, 2, 28), date(2026, 3, 1), date(2025, 6, 30), date(2026, 8, 31)]  # fmt: skip
_STATUS = {True: Status.ELIGIBLE, False: Status.INELIGIBLE, None: Status.UNDETERMINED}
SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,  # like tests/web: nothing written into the checkout; the failing example is printed
    print_blob=True,
    report_multiple_bugs=False,  # shrink one failure, not every assertion that fails, each for minutes
)
# Comparing engines, one run compiles the whole rulebook (DuckDB plans it for about a second), so
# Hypothesis' shrinking would take many minutes; a failure is minimised by :func:`minimal` instead, one
# household and one rule at a time, and reported with all three answers.
ENGINE_SETTINGS = settings(SETTINGS, phases=[Phase.explicit, Phase.reuse, Phase.generate])

# ---------------------------------------------------------------------------------------------------------
# The facts, read from the model
# ---------------------------------------------------------------------------------------------------------


def _kind(field: FieldInfo) -> type:
    """The type of an optional fact (``X | None`` → ``X``)."""
    arguments = [a for a in typing.get_args(field.annotation) if a is not type(None)]
    kind = arguments[0] if len(arguments) == 1 else field.annotation
    assert isinstance(kind, type), f"unexpected fact type {field.annotation!r}: teach test_properties.py"
    return kind


def _bounds(field: FieldInfo) -> tuple[float | None, float | None]:
    low: float | None = None
    high: float | None = None
    for item in field.metadata:
        low = getattr(item, "ge", low)
        high = getattr(item, "le", high)
        if getattr(item, "gt", None) is not None:
            low = item.gt + 1
        if getattr(item, "lt", None) is not None:
            high = item.lt - 1
    return low, high


MEMBER_FIELDS = {name: f for name, f in Member.model_fields.items() if name not in ("id", "relation")}
HOUSEHOLD_FIELDS = dict(Household.model_fields)
# Every relation but self, children three times as often (most rules look at children).
OTHER_RELATIONS = [r for r in Relation if r is not Relation.SELF] + [Relation.CHILD] * 2
_POLARS_TYPE: dict[type, Any] = {
    date: pl.Date,
    bool: pl.Boolean,
    int: pl.Int64,
    float: pl.Float64,
    str: pl.String,
}


def _polars_type(kind: type) -> Any:
    if issubclass(kind, Enum):
        return pl.String
    return _POLARS_TYPE[kind]


COLUMN_TYPES = {
    name: _polars_type(_kind(f)) for name, f in {**Member.model_fields, **HOUSEHOLD_FIELDS}.items()
}


# ---------------------------------------------------------------------------------------------------------
# The thresholds the rules compare facts with, for a date and every household size
# ---------------------------------------------------------------------------------------------------------

_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _constant(expr: Expr, on: date, size: int) -> Any:
    """The value of an expression that needs no fact but the household size, else None."""
    if isinstance(expr, Number | Text | Boolean):
        return expr.value
    if isinstance(expr, FactRef):
        return size if expr.name == "household.size" else None
    if isinstance(expr, ParamRef):
        if expr.at is not None:
            return None
        index = _constant(expr.size, on, size) if expr.size is not None else None
        if expr.size is not None and not isinstance(index, int):
            return None
        try:
            return parameters()[expr.name].at(on, index)
        except KeyError:
            return None
    left, right = _constant(expr.left, on, size), _constant(expr.right, on, size)
    if not (_is_number(left) and _is_number(right)):
        return None
    try:
        return _ARITHMETIC[expr.op](left, right)
    except ZeroDivisionError:
        return None


def _solve(expr: Expr, target: Any, on: date, size: int) -> Iterator[tuple[str, Any]]:
    """The (fact, value) that makes ``expr`` equal ``target``, for a fact under simple arithmetic."""
    if isinstance(expr, FactRef) and expr.name != "household.size":
        yield expr.name, target
    if not isinstance(expr, Arithmetic) or not _is_number(target):
        return
    left, right = _constant(expr.left, on, size), _constant(expr.right, on, size)
    inverse = {"+": operator.sub, "-": operator.add, "*": operator.truediv, "/": operator.mul}
    if _is_number(right) and not (expr.op == "*" and right == 0):
        yield from _solve(expr.left, inverse[expr.op](target, right), on, size)
    elif _is_number(left):
        if expr.op == "+":
            yield from _solve(expr.right, target - left, on, size)
        elif expr.op == "-":
            yield from _solve(expr.right, left - target, on, size)
        elif expr.op == "*" and left != 0:
            yield from _solve(expr.right, target / left, on, size)
        elif expr.op == "/" and target != 0:
            yield from _solve(expr.right, left / target, on, size)


def _conditions(condition: Condition) -> Iterator[Comparison]:
    if isinstance(condition, Comparison):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for item in condition.items:
            yield from _conditions(item)
    elif isinstance(condition, NotOf):
        yield from _conditions(condition.item)
    else:
        assert isinstance(condition, AnyMember | CountMembers)
        yield from _conditions(condition.where)


def _rule_comparisons(rule: Rule) -> Iterator[Comparison]:
    yield from _conditions(rule.when)
    for case in rule.amount.cases if rule.amount else ():
        if case.when is not None:
            yield from _conditions(case.when)


@cache
def thresholds(on: date, size: int) -> dict[str, tuple[Any, ...]]:
    """Per fact (``household.x``, ``member.x``): the values the rulebook compares it with, on ``on`` in a
    household of ``size``."""
    found: dict[str, set[Any]] = {}
    for rule in rulebook():
        for comparison in _rule_comparisons(rule):
            rights = comparison.right if isinstance(comparison.right, tuple) else (comparison.right,)
            pairs: list[tuple[str, Any]] = []
            left = _constant(comparison.left, on, size)
            for right in rights:
                value = _constant(right, on, size)
                if left is None and value is not None:
                    pairs += _solve(comparison.left, value, on, size)
                elif left is not None and value is None:
                    pairs += _solve(right, left, on, size)
            for fact, value in pairs:
                if not isinstance(value, bool):
                    found.setdefault(fact.replace("subject.", "member.", 1), set()).add(value)
    return {fact: tuple(sorted(values, key=repr)) for fact, values in found.items()}


def _around(value: float) -> set[int]:
    """The integers on and next to a (possibly fractional) threshold."""
    return {math.floor(value) - 1, math.floor(value), math.ceil(value), math.ceil(value) + 1}


@cache
def money(on: date) -> tuple[int, ...]:
    """Amounts in won on and next to 기준 중위소득 × common ratios and every parameter in won (and × 12)."""
    ratios = (0.3, 0.32, 0.4, 0.43, 0.45, 0.48, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0, 1.2, 1.3, 1.5, 1.8, 2.0)
    base: list[float] = [m * r for m in median_income_table(on).values() for r in ratios]
    for parameter in parameters().values():
        if parameter.unit.startswith("KRW"):
            for size in range(1, 8) if parameter.by_household_size else (None,):
                value = parameter.at(on, size)
                if value is not None:
                    base.append(value)
    base += [b * 12 for b in base]
    return tuple(sorted({n for b in base for n in _around(b) if n >= 0}))


# ---------------------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------------------

EVALUATION_DATES = st.one_of(st.sampled_from(EDGE_DAYS), st.dates(FIRST_DAY, LAST_DAY))
# Ages in months worth hitting: 0–24 months, 6–8 years, 18, 60–65 years and a few more.
AGES_IN_MONTHS = sorted(
    {*range(26), 35, 36, 37, 47, 48, 59, 60, 61, *range(70, 99), 143, 144, 155, 156, 191, 192, *range(214, 230),
     228, 239, 240, 288, 348, 360, 420, 468, 480, 540, *range(12 * 60 - 1, 12 * 66 + 2, 3), 780, 840, 960, 1200}
)  # fmt: skip


def months_before(on: date, months: int) -> date:
    """The day ``months`` months before ``on`` (the last day of a shorter month)."""
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    return date(year, month + 1, min(on.day, calendar.monthrange(year, month + 1)[1]))


@cache
def birth_dates(on: date, size: int) -> st.SearchStrategy[date]:
    """Birth dates on and next to the birthdays that make the rules' ages, and any other up to 110 years."""
    found = thresholds(on, size)
    in_rules = {n for t in found.get("member.age_months", ()) if _is_number(t) for n in _around(t) if n >= 0}
    in_rules |= {12 * n for t in found.get("member.age", ()) if _is_number(t) for n in _around(t) if n >= 0}

    def near(months: set[int]) -> st.SearchStrategy[date]:
        return st.builds(
            lambda day, shift: min(day + timedelta(days=shift), on),
            st.sampled_from([months_before(on, n) for n in sorted(months)]),
            st.sampled_from([0, -1, 1, -2, 2, -31, 31]),
        )

    starts = {s + timedelta(days=d) for p in parameters().values() for s in p.starts for d in (-1, 0, 1)}
    special = {date(2024, 2, 29), date(2020, 2, 29), date(1960, 2, 29), *starts}
    return st.one_of(
        near(set(range(26))),  # 영아: 0–24 months
        near(in_rules or set(AGES_IN_MONTHS)),
        near(set(AGES_IN_MONTHS)),
        st.sampled_from(sorted(d for d in special if on - timedelta(days=110 * 366) <= d <= on)),
        st.dates(on - timedelta(days=110 * 366), on),
    )


@cache
def fact_values(owner: str, name: str, on: date, size: int) -> st.SearchStrategy[Any]:
    """The values a known fact takes, for ``owner`` "member" or "household", in a household of ``size``."""
    field = (MEMBER_FIELDS if owner == "member" else HOUSEHOLD_FIELDS)[name]
    kind, (low, high) = _kind(field), _bounds(field)
    own = thresholds(on, size).get(f"{owner}.{name}", ())
    if kind is date:
        return birth_dates(on, size)
    if kind is bool:
        return st.booleans()
    if issubclass(kind, Enum):
        return st.sampled_from(list(kind))
    if kind is str:
        texts = sorted({t for t in own if isinstance(t, str)})
        if owner == "household" and name == "region":  # the codes on either side of each code in the rules
            codes = sorted(sigungu_codes())
            edges = sorted({c for t in texts for c in codes[max(bisect_left(codes, t) - 1, 0) :][:2]})
            return (
                st.one_of(st.sampled_from(edges), st.sampled_from(codes)) if edges else st.sampled_from(codes)
            )
        return st.sampled_from(texts) if texts else st.text("abc", min_size=1, max_size=3)

    def inside(value: float) -> bool:
        return (low is None or value >= low) and (high is None or value <= high)

    options: list[st.SearchStrategy[Any]] = []
    numbers = [t for t in own if _is_number(t)]
    if kind is int:
        exact = sorted({n for t in numbers for n in {math.floor(t), math.ceil(t)} if inside(n)})
        near = sorted({n for t in numbers for n in _around(t) if inside(n)})
        if near:  # a threshold is worth more draws than any other value
            options += [st.sampled_from(exact), st.sampled_from(near)]
        lowest = int(low) if low is not None else 0
        options.append(
            st.integers(lowest, int(min(high, lowest + 400)) if high is not None else lowest + 400)
        )
        if high is None:  # amounts in won, without a cap in the model
            options.append(st.sampled_from([m for m in money(on) if inside(m)]))
        options.append(st.integers(lowest, int(high) if high is not None else 5_000_000_000))
    else:
        assert kind is float, f"{owner}.{name}: unexpected fact type {kind}: teach test_properties.py"
        steps = (lambda t: t, lambda t: math.nextafter(t, -math.inf), lambda t: math.nextafter(t, math.inf),
                 lambda t: t - 0.5, lambda t: t + 0.5)  # fmt: skip
        near_floats = sorted({float(s(t)) for t in numbers for s in steps if inside(s(t))})
        if near_floats:
            options += [st.sampled_from(near_floats)] * 2
        options.append(
            st.floats(low if low is not None else 0.0, high if high is not None else 1e9, allow_nan=False)
        )
    return st.one_of(options)


@st.composite
def situations(draw: st.DrawFn, on: date, subject_relation_always_known: bool = True) -> Situation:
    """A valid situation on ``on``: 1–6 members, exactly one ``self`` (the subject), facts known or not.

    Which facts are known is a bit mask per member (and one for the household), the OR or AND of a few
    random masks for the situation's own share of known facts (94, 75, 50 or 25 %): cheap to draw, and
    every mask shrinks to 0 (all unknown), so a minimal failing example keeps only the facts it needs.
    """
    rounds, combine = draw(st.sampled_from([(1, operator.or_), (4, operator.or_), (2, operator.or_),
                                            (2, operator.and_)]))  # fmt: skip
    relation_known_always = [True] if subject_relation_always_known else []

    def known(count: int) -> Iterator[bool]:
        masks = [draw(st.integers(0, 2**count - 1)) for _ in range(rounds)]
        mask = functools.reduce(combine, masks)
        return (bool(mask >> bit & 1) for bit in range(count))

    size = draw(st.integers(1, MAX_MEMBERS))
    subject = draw(st.integers(0, size - 1))
    members = []
    for number in range(size):
        member: dict[str, Any] = {"id": f"m{number}"}
        flags = known(len(MEMBER_FIELDS) + 1)
        if any([*relation_known_always, next(flags)] if number == subject else [next(flags)]):
            member["relation"] = (
                Relation.SELF if number == subject else draw(st.sampled_from(OTHER_RELATIONS))
            )
        for name, flag in zip(MEMBER_FIELDS, flags, strict=True):
            if flag:
                member[name] = draw(fact_values("member", name, on, size))
        members.append(member)
    flags = known(len(HOUSEHOLD_FIELDS))
    household = {
        name: draw(fact_values("household", name, on, size))
        for name, flag in zip(HOUSEHOLD_FIELDS, flags, strict=True)
        if flag
    }
    return Situation(on=on, subject=f"m{subject}", household=Household(**household),
                     members=[Member(**m) for m in members])  # fmt: skip


@st.composite
def batches(draw: st.DrawFn, at_least: int = 1) -> tuple[date, list[Situation]]:
    """Situations on one date, to evaluate together in one frame."""
    on = draw(EVALUATION_DATES)
    return on, draw(st.lists(situations(on), min_size=at_least, max_size=BATCH))


# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


def population_frame(situations: list[Situation]) -> pl.DataFrame:
    """:func:`situations_frame`, with columns nobody in the batch knows typed as the model types them."""
    frame = situations_frame(situations)
    return frame.with_columns(
        pl.col(name).cast(COLUMN_TYPES[name]) for name, dtype in frame.schema.items() if dtype == pl.Null
    )


def compact(situation: Situation) -> str:
    return json.dumps(situation.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


Engine = Callable[[date, list[Situation], tuple[Rule, ...]], pl.DataFrame]


@lru_cache(maxsize=16)
def _polars_expressions(on: date, service_ids: tuple[str, ...]) -> list[pl.Expr]:
    plan, rules = Plan(on), {rule.service_id: rule for rule in rulebook()}
    return [plan.household_status(rules[service_id]).alias(service_id) for service_id in service_ids]


def polars_statuses(on: date, situations: list[Situation], rules: tuple[Rule, ...]) -> pl.DataFrame:
    """Per row: the household's answer to every rule, from the Polars plan."""
    expressions = _polars_expressions(on, tuple(rule.service_id for rule in rules))
    return population_frame(situations).select(pl.col(HOUSEHOLD), *expressions)


def duckdb_statuses(on: date, situations: list[Situation], rules: tuple[Rule, ...]) -> pl.DataFrame:
    """Per row: the household's answer to every rule, from the SQL plan run by DuckDB."""
    connection = duckdb.connect(config={"threads": 1})  # a few dozen rows: threads only cost
    try:
        connection.register("people", population_frame(situations).to_arrow())
        result: pl.DataFrame = connection.sql(SqlPlan(on).query(rules, "people")).pl()
        return result
    finally:
        connection.close()


ENGINES: dict[str, Engine] = {"polars": polars_statuses, "duckdb": duckdb_statuses}


def per_household(rows: pl.DataFrame, rules: tuple[Rule, ...]) -> dict[str, dict[str, Status]]:
    """Household → rule → status, checking that every row of a household carries the same answer."""
    found: dict[str, dict[str, set[Status]]] = {}
    for row in rows.iter_rows(named=True):
        answers = found.setdefault(row[HOUSEHOLD], {})
        for rule in rules:
            answers.setdefault(rule.service_id, set()).add(_STATUS[row[rule.service_id]])
    split = {(h, r): s for h, answers in found.items() for r, s in answers.items() if len(s) != 1}
    assert not split, f"rows of one household disagree: {split}"
    return {h: {r: next(iter(s)) for r, s in answers.items()} for h, answers in found.items()}


def engine_answers(engine: str, on: date, situations: list[Situation]) -> dict[str, dict[str, Status]]:
    """Household → rule → status from ``engine``; if it raises, which rules make it raise."""
    try:
        return per_household(ENGINES[engine](on, situations, rulebook()), rulebook())
    except Exception as error:
        culprits = [
            rule.service_id for rule in rulebook() if "raised" in _answers(engine, on, situations, rule)
        ]
        raise AssertionError(f"{engine} raised {error!r}; alone, these rules raise: {culprits}") from error


def evaluator_answers(situation: Situation) -> list[EligibilityResult]:
    """Every rule's result; if the evaluator raises, the rule it raises on."""
    try:
        return evaluate(situation)
    except Exception as error:
        culprits = [
            r.service_id for r in rulebook() if "raised" in answer("evaluator", situation.on, situation, r)
        ]
        raise AssertionError(
            f"the evaluator raised {error!r} on {culprits} for {compact(situation)}"
        ) from error


def _answers(engine: str, on: date, situations: list[Situation], rule: Rule) -> str:
    try:
        return str(per_household(ENGINES[engine](on, situations, (rule,)), (rule,)))
    except Exception as error:
        return f"raised {error!r}"


def answer(engine: str, on: date, situation: Situation, rule: Rule) -> str:
    """One engine's answer to one rule for one situation alone, or what it raised."""
    try:
        if engine == "evaluator":
            return evaluate_rule(rule, situation).status.value
        return per_household(ENGINES[engine](on, [situation], (rule,)), (rule,))["H0"][rule.service_id].value
    except Exception as error:
        return f"raised {error!r}"


def simpler(situation: Situation) -> Iterator[Situation]:
    """The situation with one member (not the subject) or one known fact (not the subject's relation) less."""
    document = situation.model_dump()
    for number, member in enumerate(document["members"]):
        if member["id"] != situation.subject:
            yield Situation.model_validate(
                {**document, "members": document["members"][:number] + document["members"][number + 1 :]}
            )
    for name, value in document["household"].items():
        if value is not None:
            yield Situation.model_validate({**document, "household": {**document["household"], name: None}})
    for number, member in enumerate(document["members"]):
        for name, value in member.items():
            if (
                value is not None
                and name != "id"
                and not (name == "relation" and member["id"] == situation.subject)
            ):
                members = [*document["members"]]
                members[number] = {**member, name: None}
                yield Situation.model_validate({**document, "members": members})


def minimal(situation: Situation, rule: Rule, engine: str) -> Situation | None:
    """A smallest situation (greedily: no member, no fact can go) on which ``engine`` and the evaluator
    differ; None if they agree on the household alone (then households leak into each other in a batch)."""

    def differs(candidate: Situation) -> bool:
        return answer("evaluator", candidate.on, candidate, rule) != answer(
            engine, candidate.on, candidate, rule
        )

    if not differs(situation):
        return None
    while smaller := next((candidate for candidate in simpler(situation) if differs(candidate)), None):
        situation = smaller
    return situation


def assert_agrees(on: date, situations: list[Situation], engine: str) -> None:
    """The engine answers every rule for every household as the evaluator does, else a minimal example."""
    theirs = engine_answers(engine, on, situations)
    disagreements = [
        (number, result)
        for number, situation in enumerate(situations)
        for result in evaluator_answers(situation)
        if theirs[f"H{number}"][result.service_id] is not result.status
    ]
    if not disagreements:
        return
    rules = {rule.service_id: rule for rule in rulebook()}
    lines = [f"{engine} and the evaluator disagree {len(disagreements)} times on {on}:"]
    lines += [f"  H{n} {r.service_id}: evaluator {r.status.value}, {engine} {theirs[f'H{n}'][r.service_id].value}"
              for n, r in disagreements]  # fmt: skip
    for service_id in sorted({result.service_id for _, result in disagreements})[:3]:
        number = next(n for n, result in disagreements if result.service_id == service_id)
        small = minimal(situations[number], rules[service_id], engine)
        if small is None:
            lines.append(
                f"{service_id}: H{number} alone agrees, only the batch differs: {compact(situations[number])}"
            )
            continue
        said = {e: answer(e, on, small, rules[service_id]) for e in ("evaluator", *ENGINES)}
        missing = evaluate_rule(rules[service_id], small).missing_facts
        lines.append(f"minimal example for {service_id}: {compact(small)} → {said}, missing_facts={missing}")
    raise AssertionError("\n".join(lines))


def unknown_facts(situation: Situation) -> list[str]:
    """The situation fields nobody has given, named as ``missing_facts`` names them."""
    found = [f"household.{name}" for name in HOUSEHOLD_FIELDS if getattr(situation.household, name) is None]
    for member in situation.members:
        for name in ("relation", *MEMBER_FIELDS):
            if getattr(member, name) is None:
                found.append(f"members.{member.id}.{name}")
    return found


def fill(situation: Situation, values: dict[str, Any]) -> Situation:
    """The situation with the facts named (``household.x``, ``members.<id>.x``) given these values."""
    document = situation.model_dump()
    for path, value in values.items():
        parts = path.split(".")
        if parts[0] == "household":
            document["household"][parts[1]] = value
        else:
            next(m for m in document["members"] if m["id"] == parts[1])[parts[2]] = value
    return Situation.model_validate(document)


@st.composite
def completions(draw: st.DrawFn, situation: Situation) -> dict[str, Any]:
    """A value for every unknown fact of ``situation`` (the subject stays ``self``)."""
    values: dict[str, Any] = {}
    for path in unknown_facts(situation):
        parts = path.split(".")
        if parts[0] == "household":
            values[path] = draw(fact_values("household", parts[1], situation.on, len(situation.members)))
        elif parts[2] != "relation":
            values[path] = draw(fact_values("member", parts[2], situation.on, len(situation.members)))
        elif parts[1] == situation.subject:
            values[path] = Relation.SELF
        else:
            values[path] = draw(st.sampled_from(OTHER_RELATIONS))
    return values


@st.composite
def partial_and_completion(draw: st.DrawFn) -> tuple[Situation, dict[str, Any], frozenset[str]]:
    """A situation, a value for each of its unknown facts, and a random subset of those facts."""
    on = draw(EVALUATION_DATES)
    situation = draw(situations(on, subject_relation_always_known=False))
    values = draw(completions(situation))
    chosen = frozenset(path for path in sorted(values) if draw(st.booleans()))
    return situation, values, chosen


# ---------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------


@settings(ENGINE_SETTINGS, max_examples=25)
@given(batch=batches())
def test_polars_plan_agrees_with_the_evaluator(batch: tuple[date, list[Situation]]) -> None:
    on, situations = batch
    assert_agrees(on, situations, "polars")


@settings(ENGINE_SETTINGS, max_examples=8)
@given(batch=batches(at_least=6))  # a DuckDB query costs ~0.5 s however few the rows: fill it
def test_duckdb_sql_agrees_with_the_evaluator(batch: tuple[date, list[Situation]]) -> None:
    on, situations = batch
    assert_agrees(on, situations, "duckdb")


def _decided_answers_stay(before: list[EligibilityResult], after: list[EligibilityResult], how: str) -> None:
    for old, new in zip(before, after, strict=True):
        if old.status is Status.UNDETERMINED:
            if new.status is Status.UNDETERMINED:
                assert set(new.missing_facts) <= set(old.missing_facts), (old.service_id, how)
        else:
            assert new.status is old.status, (old.service_id, how, old.status, new.status)


@settings(SETTINGS, max_examples=50)
@given(drawn=partial_and_completion())
def test_filling_in_unknown_facts_never_changes_a_decided_answer(
    drawn: tuple[Situation, dict[str, Any], frozenset[str]],
) -> None:
    situation, values, chosen = drawn
    before = evaluator_answers(situation)
    unknown = set(unknown_facts(situation))
    for result in before:
        assert (result.status is Status.UNDETERMINED) == bool(result.missing_facts), result.service_id
        assert set(result.missing_facts) <= unknown, (result.service_id, compact(situation))
    some = fill(situation, {path: values[path] for path in chosen})
    everything = fill(situation, values)
    _decided_answers_stay(
        before, evaluator_answers(some), f"filled {sorted(chosen)} into {compact(situation)}"
    )
    _decided_answers_stay(
        before, evaluator_answers(everything), f"filled everything into {compact(situation)}"
    )
    assert all(r.status is not Status.UNDETERMINED for r in evaluator_answers(everything))


@settings(SETTINGS, max_examples=50)
@given(drawn=partial_and_completion())
def test_missing_facts_are_exactly_the_facts_that_can_still_decide(
    drawn: tuple[Situation, dict[str, Any], frozenset[str]],
) -> None:
    situation, values, chosen = drawn
    rules = {rule.service_id: rule for rule in rulebook()}
    for result in evaluator_answers(situation):
        if result.status is not Status.UNDETERMINED:
            continue
        rule, listed = rules[result.service_id], set(result.missing_facts)
        for subset in (chosen, frozenset(values)):
            unlisted = {path: values[path] for path in subset if path not in listed}
            after = evaluate_rule(rule, fill(situation, unlisted))
            assert after.status is Status.UNDETERMINED, (
                rule.service_id,
                sorted(unlisted),
                compact(situation),
            )
            assert after.missing_facts == result.missing_facts, (rule.service_id, compact(situation))
        given = {path: values[path] for path in listed}
        after = evaluate_rule(rule, fill(situation, given))
        assert after.status is not Status.UNDETERMINED, (rule.service_id, given, compact(situation))
