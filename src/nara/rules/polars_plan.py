"""The rulebook compiled to Polars expressions, for whole populations (one row per person).

Columns expected: household_id, person_id, relation, birth_date, the other member facts by name, and the
household facts by name (``household_size``, ``income_recognised_monthly``, …), repeated on every member
row. A missing fact is null; Polars' boolean ``&``, ``|`` and ``~`` are Kleene's, so null is *unknown*
exactly as in the per-person evaluator (tests check that both agree).
"""

from __future__ import annotations

from datetime import date
from functools import reduce
from typing import Any

import polars as pl

from nara.rules.expressions import Arithmetic, Boolean, Comparison, Expr, FactRef, Number, ParamRef, Text
from nara.rules.parameters import parameters
from nara.rules.rulebook import (
    SCOPE_RELATION,
    AllOf,
    AnyMember,
    AnyOf,
    Condition,
    CountMembers,
    NotOf,
    Rule,
)
from nara.rules.situation import MAX_MEMBERS, Situation

HOUSEHOLD = "household_id"


class Plan:
    """Compiles rules for one evaluation date."""

    def __init__(self, on: date) -> None:
        self.on = on

    def household_status(self, rule: Rule) -> pl.Expr:
        """Per row: the household's answer to ``rule`` (true / false / null = undetermined)."""
        met = self.condition(rule.when)
        if rule.for_each == "subject":
            return met.filter(pl.col("relation") == "self").first().over(HOUSEHOLD)
        return _kleene_any(_in_scope(rule.for_each) & met)

    def member_status(self, rule: Rule) -> pl.Expr:
        """Per row: whether this person is the one the service is for (head, or each eligible child)."""
        met = self.condition(rule.when)
        if rule.for_each == "subject":
            return pl.when(pl.col("relation") == "self").then(met).otherwise(pl.lit(False))
        return _in_scope(rule.for_each) & met

    def condition(self, condition: Condition) -> pl.Expr:
        if isinstance(condition, Comparison):
            return self.comparison(condition)
        if isinstance(condition, AllOf):
            return reduce(lambda a, b: a & b, (self.condition(c) for c in condition.items))
        if isinstance(condition, AnyOf):
            return reduce(lambda a, b: a | b, (self.condition(c) for c in condition.items))
        if isinstance(condition, NotOf):
            return ~self.condition(condition.item)
        if isinstance(condition, CountMembers):
            met = _in_scope(condition.scope) & self.condition(condition.where)
            sure = met.fill_null(False).cast(pl.Int32).sum().over(HOUSEHOLD)
            possible = met.fill_null(True).cast(pl.Int32).sum().over(HOUSEHOLD)
            return (
                pl.when(sure >= condition.at_least)
                .then(True)
                .when(possible < condition.at_least)
                .then(False)
                .otherwise(None)
            )
        assert isinstance(condition, AnyMember)
        return _kleene_any(_in_scope(condition.scope) & self.condition(condition.where))

    def comparison(self, comparison: Comparison) -> pl.Expr:
        left = self.value(comparison.left)
        if comparison.op == "in":
            assert isinstance(comparison.right, tuple)
            allowed = [_literal(item) for item in comparison.right]
            return pl.when(left.is_null()).then(None).otherwise(left.is_in(allowed))
        assert not isinstance(comparison.right, tuple)
        right = self.value(comparison.right)
        operations = {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right,
                      "==": left == right, "!=": left != right}  # fmt: skip
        return operations[comparison.op]

    def value(self, expr: Expr) -> pl.Expr:
        if isinstance(expr, Number | Text | Boolean):
            return pl.lit(expr.value)
        if isinstance(expr, FactRef):
            return self.fact(expr.name)
        if isinstance(expr, ParamRef):
            return self.parameter(expr)
        assert isinstance(expr, Arithmetic)
        left, right = self.value(expr.left), self.value(expr.right)
        return {"+": left + right, "-": left - right, "*": left * right, "/": left / right}[expr.op]

    def fact(self, name: str) -> pl.Expr:
        if name == "household.size":
            return pl.col("household_size")
        if name.startswith("household."):
            return pl.col(name.removeprefix("household."))
        owner, _, field = name.partition(".")
        column = self._member_fact(field)
        if owner == "subject":
            return column.filter(pl.col("relation") == "self").first().over(HOUSEHOLD)
        return column

    def _member_fact(self, field: str) -> pl.Expr:
        born = pl.col("birth_date")
        later_in_year = (born.dt.month() > self.on.month) | (
            (born.dt.month() == self.on.month) & (born.dt.day() > self.on.day)
        )
        if field == "age":
            return pl.lit(self.on.year) - born.dt.year().cast(pl.Int32) - later_in_year.cast(pl.Int32)
        if field == "age_months":
            months = (pl.lit(self.on.year) - born.dt.year().cast(pl.Int32)) * 12 + self.on.month
            return months - born.dt.month().cast(pl.Int32) - (born.dt.day() > self.on.day).cast(pl.Int32)
        return pl.col(field)

    def parameter(self, expr: ParamRef) -> pl.Expr:
        parameter = parameters()[expr.name]
        if expr.at is not None:  # the value in force on a date taken from the row, e.g. the birth date
            when = self.fact(expr.at.name)
            chain: Any = None
            for start, value in sorted(zip(parameter.starts, parameter.values, strict=True), reverse=True):
                assert not isinstance(value, dict)
                chain = (pl.when(when >= start) if chain is None else chain.when(when >= start)).then(value)
            return chain.otherwise(None)  # type: ignore[no-any-return]
        if expr.size is None:
            return pl.lit(parameter.at(self.on))
        if not (isinstance(expr.size, FactRef) and expr.size.name == "household.size"):
            raise NotImplementedError("household-size tables are indexed by household.size only")
        sizes = list(range(1, MAX_MEMBERS + 1))
        return pl.col("household_size").replace_strict(
            sizes, [parameter.at(self.on, size) for size in sizes], default=None
        )


def _in_scope(scope: str) -> pl.Expr:
    if scope == "members":
        return pl.lit(True)
    return pl.col("relation") == SCOPE_RELATION[scope]


def _kleene_any(expr: pl.Expr) -> pl.Expr:
    """Over the household: true if any row is true, else unknown if any is unknown, else false."""
    return (
        pl.when(expr.fill_null(False).any().over(HOUSEHOLD))
        .then(True)
        .when(expr.is_null().any().over(HOUSEHOLD))
        .then(None)
        .otherwise(False)
    )


def _literal(item: Expr) -> Any:
    assert isinstance(item, Number | Text | Boolean)
    return item.value


def situations_frame(situations: list[Situation]) -> pl.DataFrame:
    """Situations as population rows (one per member), for checking the plan against the evaluator."""
    rows = []
    for number, situation in enumerate(situations):
        household = situation.household.model_dump(mode="python")
        for member in situation.members:
            fields = {k: (v.value if hasattr(v, "value") else v) for k, v in member.model_dump().items()}
            rows.append({**fields, **household, HOUSEHOLD: f"H{number}", "person_id": f"H{number}-{member.id}",
                         "household_size": len(situation.members)})  # fmt: skip
    return pl.DataFrame(rows, infer_schema_length=None)
