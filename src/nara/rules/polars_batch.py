"""Eligible (person, service, reason) pairs for a whole population with Polars — the fast path.

The rules are compiled once (``polars_plan.Plan`` with ``aggregated=True``). Then:

1. every household aggregate of every rule (``any_member``, ``count_members``) is computed in one
   ``group_by`` over households — once per household, not per rule;
2. the rules about the subject run on the heads of household only, the per-child rules on the children
   only (each with the household aggregates gathered in), so no rule walks rows it cannot concern;
3. each rule's eligible rows are filtered and only those get a reason code (``reasons.py``).

Ages are computed once per row, and only if a rule compares them with something that is not a constant. A fact the population does not hold is a
null column: unknown, so it never makes anyone eligible by itself.
"""

from __future__ import annotations

from datetime import date
from functools import reduce
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from nara.rules.facts import fact_spec
from nara.rules.polars_plan import HOUSEHOLD, HouseholdAggregate, Plan, kleene_at_least
from nara.rules.reasons import ALL_CONDITIONS, decision_points
from nara.rules.rulebook import SCOPE_RELATION, Rule, fact_names
from nara.rules.situation import MAX_MEMBERS

PERSON = "_person"  # row number of the person in the population frame
_HOUSEHOLD_NUMBER = "_household"
_TEXT_UNITS = ("text", "code")


def eligible_pairs(people: pl.DataFrame, rules: tuple[Rule, ...], on: date) -> pl.DataFrame:
    """``(_person, service_id, reason)`` for every eligible pair; ``_person`` is the row in ``people``."""
    plan = Plan(on, aggregated=True)
    compiled = [
        (rule, plan.condition(rule.when), _reason(rule, plan)) for rule in rules
    ]  # before aggregating
    base = _prepared(people, rules, plan).collect()
    base = base.with_columns(_size_lookups(base, plan))
    households = _household_aggregates(base, plan)
    service = pl.Enum([rule.service_id for rule in rules])
    found: list[pl.DataFrame] = []
    for scope in sorted({rule.for_each for rule in rules}):
        in_scope = [(rule, met, reason) for rule, met, reason in compiled if rule.for_each == scope]
        read = {PERSON, _HOUSEHOLD_NUMBER}.union(
            *(met.meta.root_names() for _, met, _ in in_scope),
            *(reason.meta.root_names() for _, _, reason in in_scope if not isinstance(reason, str)),
        )
        rows = base[[c for c in base.columns if c in read]].filter(_scope_filter(scope, base))
        if households is not None:
            rows = rows.with_columns(households[rows[_HOUSEHOLD_NUMBER]])
        flags = rows.select(
            *(met.fill_null(False).alias(f"met{i}") for i, (_, met, _) in enumerate(in_scope))
        )
        for i, (rule, _, reason) in enumerate(in_scope):
            mask = flags[f"met{i}"]
            if isinstance(reason, str):
                persons = rows[PERSON].filter(mask)
                found.append(
                    persons.to_frame().with_columns(
                        service_id=pl.lit(rule.service_id, dtype=service), reason=pl.lit(reason)
                    )
                )
                continue
            eligible = rows.lazy().filter(mask)  # reasons are worked out for eligible rows only
            found.append(
                eligible.select(
                    PERSON, pl.lit(rule.service_id, dtype=service).alias("service_id"), reason.alias("reason")
                ).collect()
            )
    if not found:
        return pl.DataFrame(schema={PERSON: pl.UInt32, "service_id": service, "reason": pl.String})
    return pl.concat(found, rechunk=False)


def _household_aggregates(base: pl.DataFrame, plan: Plan) -> pl.DataFrame | None:
    """Every household aggregate of every rule at once, one row per household in household-number order
    (so a member row finds its household by position).

    For each group of aggregates only the rows that can count are read (members of the relations the
    aggregate is about — its scope's, or those its condition names — or of unknown relation). Per row, whether
    it surely and whether it possibly meets each condition (the same when the columns read have no nulls)
    is packed 8 bits per count into one integer, and one ``numpy.add.reduceat`` over each household's
    contiguous rows sums them all: a household has at most 30 members, so no count spills into the next."""
    if not plan.aggregates:
        return None
    households = int(base[_HOUSEHOLD_NUMBER][-1]) + 1  # household numbers are 0, 1, … in row order
    counts: dict[str, npt.NDArray[np.uint8]] = {}
    groups: dict[tuple[str, ...] | None, list[HouseholdAggregate]] = {}
    for aggregate in plan.aggregates.values():
        groups.setdefault(aggregate.relations, []).append(aggregate)
    for relations, aggregates in groups.items():
        read = {_HOUSEHOLD_NUMBER, "relation"}.union(*(a.met.meta.root_names() for a in aggregates))
        rows = base[[c for c in base.columns if c in read]]
        if relations is not None:
            rows = rows.filter(pl.col("relation").is_in(relations) | pl.col("relation").is_null())
        flags: list[tuple[str, pl.Expr]] = []
        for a in aggregates:
            flags.append((f"{a.name}_sure", a.met.fill_null(False)))
            if any(rows[c].null_count() for c in a.met.meta.root_names() if c in rows.columns):
                flags.append((f"{a.name}_maybe", a.met.fill_null(True)))
        number = rows[_HOUSEHOLD_NUMBER].to_numpy()
        starts = np.flatnonzero(np.r_[True, number[1:] != number[:-1]]) if len(number) else number[:0]
        for first in range(0, len(flags), 8):
            chunk = flags[first : first + 8]
            packed = (
                rows.select(
                    pl.sum_horizontal(
                        flag.cast(pl.UInt64) * (1 << (8 * k)) for k, (_, flag) in enumerate(chunk)
                    )
                )
                .to_series()
                .to_numpy()
            )
            sums = np.add.reduceat(packed, starts) if len(starts) else packed[:0]
            for k, (name, _) in enumerate(chunk):
                column = np.zeros(households, dtype=np.uint8)
                column[number[starts]] = (sums >> np.uint64(8 * k)) & np.uint64(0xFF)
                counts[name] = column
    sums_by_household = pl.DataFrame(counts)
    return sums_by_household.select(
        kleene_at_least(
            pl.col(f"{a.name}_sure"),
            pl.col(f"{a.name}_maybe" if f"{a.name}_maybe" in counts else f"{a.name}_sure"),
            a.at_least,
        ).alias(a.name)
        for a in plan.aggregates.values()
    )


def _size_lookups(base: pl.DataFrame, plan: Plan) -> list[pl.Series]:
    """Each household-size parameter the rules use, looked up once per row (a numpy take; 32-bit when
    the values fit, to keep 10 million rows small)."""
    size = base["household_size"]
    sizes = size.fill_null(0).to_numpy().astype(np.intp)
    odd = (
        bool(size.null_count())
        or not 1 <= int(sizes.min(initial=1)) <= int(sizes.max(initial=1)) <= MAX_MEMBERS
    )
    lookups = []
    for name, table in plan.size_tables.items():
        known = [v for v in table if v is not None]
        integral = all(float(v).is_integer() and abs(v) < 2**31 for v in known)
        values = np.array([0 if v is None else v for v in table], dtype=np.int32 if integral else np.float64)
        series = pl.Series(f"_table_{name}", values[np.clip(sizes, 0, len(values) - 1)])
        if odd:  # an unknown (or impossible) size: an unknown value
            series = (
                pl.select(pl.when(size.is_in(range(1, len(table)))).then(series))
                .to_series()
                .alias(series.name)
            )
        lookups.append(series)
    return lookups


def _prepared(people: pl.DataFrame, rules: tuple[Rule, ...], plan: Plan) -> pl.LazyFrame:
    """The columns the rules read, row numbers, a household number, ages once, absent facts as nulls."""
    missing = [
        pl.lit(None, dtype=dtype).alias(column)
        for column, dtype in fact_columns(rules).items()
        if column not in people.columns
    ]
    ages = [expr.alias(f"_{name}") for name, expr in plan.age_columns().items() if name in plan.ages_used]
    needed = [c for c in columns_needed(rules) if c in people.columns]
    return (
        people.lazy()
        .select(list(dict.fromkeys(needed)))
        .with_columns(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias(PERSON),
            pl.col(HOUSEHOLD).rle_id().alias(_HOUSEHOLD_NUMBER),  # rows of a household are contiguous
            *missing,
            *ages,
        )
    )


def columns_needed(rules: tuple[Rule, ...]) -> list[str]:
    """The population columns the batch reads for ``rules`` (to read nothing else from the file)."""
    return [HOUSEHOLD, "household_size", *fact_columns(rules)]


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


def _scope_filter(scope: str, base: pl.DataFrame) -> pl.Series:
    if scope == "members":
        return pl.Series([True]).new_from_index(0, base.height)
    relation = "self" if scope == "subject" else SCOPE_RELATION[scope]  # the population's subject: the head
    return base["relation"] == relation


def _reason(rule: Rule, plan: Plan) -> pl.Expr | str:
    """The reason code of each (eligible) row, as ``reasons.reason_code`` writes it (a plain string when
    the rule has no choices)."""
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
        return ALL_CONDITIONS
    return reduce(lambda left, right: pl.concat_str([left, right], separator=","), parts)
