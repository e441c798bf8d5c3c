"""The rulebook compiled to Polars expressions, for whole populations (one row per person).

Columns expected: household_id, person_id, relation, birth_date, the other member facts by name, and the
household facts by name (``household_size``, ``income_recognised_monthly``, …), repeated on every member
row. A missing fact is null; Polars' boolean ``&``, ``|`` and ``~`` are Kleene's, so null is *unknown*
exactly as in the per-person evaluator (tests check that both agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import reduce
from typing import Any

import polars as pl

from nara.rules.ages import birth_date_cutoff
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
    """Compiles rules for one evaluation date.

    By default household aggregates (``any_member``, ``count_members``) are windows over the household,
    so a plan's expressions work on any frame of member rows. With ``aggregated=True`` they are instead
    collected in :attr:`aggregates` (expressions for one ``group_by`` over households, computed once for
    all rules) and referenced by column name, as the population batch does (``polars_batch.py``).
    """

    def __init__(self, on: date, *, aggregated: bool = False) -> None:
        self.on = on
        self.aggregated = aggregated
        self.aggregates: dict[Condition, HouseholdAggregate] = {}
        self.ages_used: set[str] = set()  # with aggregated=True: the age columns the batch must compute
        self.size_tables: dict[str, list[int | float | None]] = {}  # …and the household-size lookups

    def household_status(self, rule: Rule) -> pl.Expr:
        """Per row: the household's answer to ``rule`` (true / false / null = undetermined)."""
        met = self.condition(rule.when)
        if rule.for_each == "subject":
            return met.filter(pl.col("relation") == "self").first().over(HOUSEHOLD)
        return _kleene_count(_in_scope(rule.for_each) & met, 1)

    def condition(self, condition: Condition) -> pl.Expr:
        if isinstance(condition, Comparison):
            return self.comparison(condition)
        if isinstance(condition, AllOf):
            return reduce(lambda a, b: a & b, (self.condition(c) for c in condition.items))
        if isinstance(condition, AnyOf):
            return reduce(lambda a, b: a | b, (self.condition(c) for c in condition.items))
        if isinstance(condition, NotOf):
            return ~self.condition(condition.item)
        assert isinstance(condition, AnyMember | CountMembers)
        met = _in_scope(condition.scope) & self.condition(condition.where)
        at_least = condition.at_least if isinstance(condition, CountMembers) else 1
        if not self.aggregated:
            return _kleene_count(met, at_least)
        if condition not in self.aggregates:
            self.aggregates[condition] = HouseholdAggregate(
                f"_household_{len(self.aggregates)}", met, at_least, _relations(condition)
            )
        return pl.col(self.aggregates[condition].name)

    def comparison(self, comparison: Comparison) -> pl.Expr:
        cutoff = birth_date_cutoff(comparison, self.on)  # ages against a constant: one date comparison
        if cutoff is not None:
            op, born = cutoff
            return pl.col("birth_date") <= born if op == "<=" else pl.col("birth_date") > born
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
        if self.aggregated and field in ("age", "age_months"):
            self.ages_used.add(field)
            return pl.col(f"_{field}")  # computed once per row by the batch (see age_columns)
        return self.age_columns().get(field, pl.col(field))

    def age_columns(self) -> dict[str, pl.Expr]:
        """Age in full years and in full months on the plan's date, from the birth date."""
        born = pl.col("birth_date")
        later_in_year = (born.dt.month() > self.on.month) | (
            (born.dt.month() == self.on.month) & (born.dt.day() > self.on.day)
        )
        age = pl.lit(self.on.year) - born.dt.year().cast(pl.Int32) - later_in_year.cast(pl.Int32)
        months = (pl.lit(self.on.year) - born.dt.year().cast(pl.Int32)) * 12 + self.on.month
        age_months = months - born.dt.month().cast(pl.Int32) - (born.dt.day() > self.on.day).cast(pl.Int32)
        return {"age": age, "age_months": age_months}

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
        table = self.size_table(expr.name)
        if self.aggregated:  # looked up once per row by the batch (numpy), shared by every rule using it
            self.size_tables[expr.name] = table
            return pl.col(f"_table_{expr.name}")
        return pl.col("household_size").replace_strict(range(1, MAX_MEMBERS + 1), table[1:], default=None)

    def size_table(self, name: str) -> list[int | float | None]:
        """A household-size parameter on the plan's date as a list indexed by size (index 0 unused)."""
        parameter = parameters()[name]
        return [None, *(parameter.at(self.on, size) for size in range(1, MAX_MEMBERS + 1))]


def _in_scope(scope: str) -> pl.Expr:
    if scope == "members":
        return pl.lit(True)
    return pl.col("relation") == SCOPE_RELATION[scope]


@dataclass(frozen=True)
class HouseholdAggregate:
    """``any_member`` (at least 1) or ``count_members`` over a household, for the batch to compute once:
    ``met`` per member row, then :func:`kleene_at_least` of its sure and possible counts."""

    name: str
    met: pl.Expr
    at_least: int
    relations: tuple[str, ...] | None  # only members of these relations (or unknown) can count; None: all


def _relations(condition: AnyMember | CountMembers) -> tuple[str, ...] | None:
    """The relations a member must have to meet the aggregate: its scope's, or for ``members`` those a
    top-level ``member.relation == …`` / ``in [...]`` of its condition names (None: any relation)."""
    if condition.scope in SCOPE_RELATION:
        return (SCOPE_RELATION[condition.scope],)
    parts = condition.where.items if isinstance(condition.where, AllOf) else (condition.where,)
    for part in parts:
        if (
            isinstance(part, Comparison)
            and isinstance(part.left, FactRef)
            and part.left.name == "member.relation"
            and part.op in ("==", "in")
        ):
            values = part.right if isinstance(part.right, tuple) else (part.right,)
            if all(isinstance(value, Text) for value in values):
                return tuple(str(value.value) for value in values if isinstance(value, Text))
    return None


def kleene_at_least(sure: pl.Expr, possible: pl.Expr, at_least: int) -> pl.Expr:
    """True once ``at_least`` members surely meet it, false once fewer could, else unknown."""
    return pl.when(sure >= at_least).then(True).when(possible < at_least).then(False).otherwise(None)


def _kleene_count(expr: pl.Expr, at_least: int) -> pl.Expr:
    """Over the household (a window): Kleene "at least ``at_least`` rows are true" (1: any)."""
    sure = expr.fill_null(False).cast(pl.Int32).sum().over(HOUSEHOLD)
    possible = expr.fill_null(True).cast(pl.Int32).sum().over(HOUSEHOLD)
    return kleene_at_least(sure, possible, at_least)


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
