"""Eligible (person, service, reason) pairs for a whole population with Polars — the fast path.

The rules are compiled once (``polars_plan.Plan`` with ``aggregated=True``). Then:

1. every household aggregate of every rule (``any_member``, ``count_members``) is computed in one
   ``group_by`` over households — once per household, not per rule;
2. the rules about the subject run on the heads of household only, the per-child rules on the children
   only (each with the household aggregates gathered in), so no rule walks rows it cannot concern;
3. each rule's eligible rows are filtered and only those get a reason code (``reasons.py``).

Text facts are categorical and ages are computed once per row. A fact the population does not hold is a
null column: unknown, so it never makes anyone eligible by itself.
"""

from __future__ import annotations

from datetime import date
from functools import reduce
from typing import Any

import polars as pl

from nara.rules.facts import fact_spec
from nara.rules.polars_plan import HOUSEHOLD, Plan
from nara.rules.reasons import ALL_CONDITIONS, decision_points
from nara.rules.rulebook import SCOPE_RELATION, Rule, fact_names

PERSON = "_person"  # row number of the person in the population frame
_HOUSEHOLD_NUMBER = "_household"
_TEXT_UNITS = ("text", "code")


def eligible_pairs(people: pl.DataFrame, rules: tuple[Rule, ...], on: date) -> pl.DataFrame:
    """``(_person, service_id, reason)`` for every eligible pair; ``_person`` is the row in ``people``."""
    plan = Plan(on, aggregated=True)
    compiled = [
        (rule, plan.condition(rule.when), _reason(rule, plan)) for rule in rules
    ]  # before aggregating
    base = _prepared(people, rules, plan)
    households = (
        base.group_by(_HOUSEHOLD_NUMBER, maintain_order=True).agg(*plan.aggregates.values()).collect()
        if plan.aggregates
        else None
    )
    frames: list[pl.LazyFrame] = []
    for scope in sorted({rule.for_each for rule in rules}):
        rows = base.filter(_scope_filter(scope)).collect()
        if households is not None:
            rows = rows.with_columns(households.drop(_HOUSEHOLD_NUMBER)[rows[_HOUSEHOLD_NUMBER]])
        lazy = rows.lazy()
        frames += [
            lazy.filter(met.fill_null(False)).select(
                PERSON, pl.lit(rule.service_id).alias("service_id"), reason.alias("reason")
            )
            for rule, met, reason in compiled
            if rule.for_each == scope
        ]
    if not frames:
        return pl.DataFrame(schema={PERSON: pl.UInt32, "service_id": pl.String, "reason": pl.String})
    return pl.concat(frames).collect()


def _prepared(people: pl.DataFrame, rules: tuple[Rule, ...], plan: Plan) -> pl.LazyFrame:
    """Row numbers, a household number, ages once, text facts as categories, absent facts as nulls."""
    missing = [
        pl.lit(None, dtype=dtype).alias(column)
        for column, dtype in fact_columns(rules).items()
        if column not in people.columns
    ]
    texts = [
        pl.col(column).cast(pl.Categorical)
        for column, dtype in fact_columns(rules).items()
        if dtype == pl.String and column in people.columns
    ]
    ages = [expr.alias(f"_{name}") for name, expr in plan.age_columns().items() if name in plan.ages_used]
    needed = [HOUSEHOLD, "household_size", *(c for c in fact_columns(rules) if c in people.columns)]
    return (
        people.lazy()
        .select(list(dict.fromkeys(needed)))
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias(PERSON),
            pl.col(HOUSEHOLD).rle_id().alias(_HOUSEHOLD_NUMBER),  # rows of a household are contiguous
            *missing,
            *texts,
            *ages,
        )
    )


def fact_columns(rules: tuple[Rule, ...]) -> dict[str, pl.DataType]:
    """The population columns the rules read, with their Polars type."""
    columns: dict[str, pl.DataType] = {"relation": pl.String(), "birth_date": pl.Date()}
    for rule in rules:
        for name in fact_names(rule):
            spec = fact_spec(name)
            if spec is None or name in ("household.size",) or name.endswith((".age", ".age_months")):
                continue
            column = name.split(".", 1)[1]
            columns[column] = _dtype(spec.unit)
    return columns


def _dtype(unit: str) -> pl.DataType:
    if unit == "bool":
        return pl.Boolean()
    if unit == "date":
        return pl.Date()
    if unit in _TEXT_UNITS:
        return pl.String()
    if unit in ("score", "years_span"):
        return pl.Float64()
    return pl.Int64()


def _scope_filter(scope: str) -> pl.Expr:
    if scope == "subject":  # the population's subject is the head of household
        return pl.col("relation") == "self"
    if scope == "members":
        return pl.lit(True)
    return pl.col("relation") == SCOPE_RELATION[scope]


def _reason(rule: Rule, plan: Plan) -> pl.Expr:
    """The reason code of each (eligible) row, as ``reasons.reason_code`` writes it."""
    parts: list[pl.Expr] = []
    for point in decision_points(rule):
        chain: Any = None
        for number, branch in enumerate(point.branches, start=1):
            holds = pl.lit(True) if branch is None else plan.condition(branch).fill_null(False)
            code = pl.lit(f"{point.name}={number}")
            chain = pl.when(holds).then(code) if chain is None else chain.when(holds).then(code)
        assert chain is not None
        parts.append(chain.otherwise(pl.lit(f"{point.name}=0")))
    if not parts:
        return pl.lit(ALL_CONDITIONS)
    return reduce(lambda left, right: pl.concat_str([left, right], separator=","), parts)
