"""The rulebook compiled to SQL (DuckDB dialect), transpiled by SQLGlot for other engines (Spark).

Same input as the Polars plan: one row per person, household facts repeated on each row. SQL's NULL
logic for AND, OR and NOT is Kleene's; aggregates over the household are written to keep it so.
"""

from __future__ import annotations

from datetime import date

import sqlglot

from nara.rules.ages import birth_date_cutoff
from nara.rules.expressions import Arithmetic, Boolean, Comparison, Expr, FactRef, Number, ParamRef, Text
from nara.rules.parameters import parameters
from nara.rules.reasons import ALL_CONDITIONS, decision_points
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
from nara.rules.situation import MAX_MEMBERS

_WINDOW = "OVER (PARTITION BY household_id)"


class SqlPlan:
    """Compiles rules for one evaluation date into SQL expressions over a ``people`` table."""

    def __init__(self, on: date) -> None:
        self.on = on
        self._aggregates: list[str] = []  # household aggregates of any_member, computed in a first step

    def household_status(self, rule: Rule) -> str:
        """The household's answer to ``rule`` on every row: TRUE, FALSE or NULL (undetermined)."""
        met = self.condition(rule.when)
        if rule.for_each == "subject":
            return f"(MAX(CASE WHEN relation = 'self' THEN CAST({met} AS INTEGER) END) {_WINDOW} = 1)"
        return _kleene_any(f"({_in_scope(rule.for_each)} AND {met})")

    def member_status(self, rule: Rule) -> str:
        """Whether this row's person is the one the service is for (head, or each eligible child)."""
        met = self.condition(rule.when)
        if rule.for_each == "subject":
            return f"(relation = 'self' AND {met})"
        return f"({_in_scope(rule.for_each)} AND {met})"

    def pairs_query(
        self,
        rules: tuple[Rule, ...],
        table: str,
        dialect: str = "duckdb",
        columns: frozenset[str] | None = None,
    ) -> str:
        """The eligible (person_id, household_id, service_id, reason) rows, in ``dialect``.

        ``columns``: the columns ``table`` has; a fact the rules read that it lacks is NULL (unknown)."""
        self._aggregates = []
        flags = ", ".join(
            f'CASE WHEN {self.member_status(rule)} THEN {self.reason(rule)} END AS "{rule.service_id}"'
            for rule in rules
        )
        services = ", ".join(f'"{rule.service_id}"' for rule in rules)
        if columns is not None:
            table = _with_missing_facts(table, rules, columns)
        aggregates = "".join(f", {expr} AS _any_{i}" for i, expr in enumerate(self._aggregates))
        # one pass: every rule's reason (NULL unless eligible) as a column, then UNPIVOT (which drops NULLs)
        sql = (
            f"WITH household_facts AS (SELECT *{aggregates} FROM {table}), "
            f"flags AS (SELECT person_id, household_id, {flags} FROM household_facts) "
            f"SELECT person_id, household_id, service_id, reason FROM flags "
            f"UNPIVOT (reason FOR service_id IN ({services}))"
        )
        return sql if dialect == "duckdb" else sqlglot.transpile(sql, read="duckdb", write=dialect)[0]

    def query(self, rules: tuple[Rule, ...], table: str = "people", dialect: str = "duckdb") -> str:
        """One row per person with the household's status for every rule, in ``dialect``."""
        self._aggregates = []
        columns = ", ".join(f'{self.household_status(rule)} AS "{rule.service_id}"' for rule in rules)
        aggregates = "".join(f", {expr} AS _any_{i}" for i, expr in enumerate(self._aggregates))
        sql = (
            f"WITH household_facts AS (SELECT *{aggregates} FROM {table}) "
            f"SELECT household_id, person_id, {columns} FROM household_facts"
        )
        return sql if dialect == "duckdb" else sqlglot.transpile(sql, read="duckdb", write=dialect)[0]

    def reason(self, rule: Rule) -> str:
        """The reason code of an eligible row, as ``reasons.reason_code`` writes it."""
        parts = []
        for point in decision_points(rule):
            whens = " ".join(
                f"WHEN {'TRUE' if branch is None else self.condition(branch)} THEN '{point.name}={number}'"
                for number, branch in enumerate(point.branches, start=1)
            )
            parts.append(f"(CASE {whens} ELSE '{point.name}=0' END)")
        return f"CONCAT_WS(',', {', '.join(parts)})" if parts else f"'{ALL_CONDITIONS}'"

    def condition(self, condition: Condition) -> str:
        if isinstance(condition, Comparison):
            return self.comparison(condition)
        if isinstance(condition, AllOf):
            return "(" + " AND ".join(self.condition(c) for c in condition.items) + ")"
        if isinstance(condition, AnyOf):
            return "(" + " OR ".join(self.condition(c) for c in condition.items) + ")"
        if isinstance(condition, NotOf):
            return f"(NOT {self.condition(condition.item)})"
        assert isinstance(condition, AnyMember | CountMembers)
        inner = f"({_in_scope(condition.scope)} AND {self.condition(condition.where)})"
        if "_any_" in inner:
            raise NotImplementedError("a household aggregate inside another")
        aggregate = (
            _kleene_any(inner)
            if isinstance(condition, AnyMember)
            else _kleene_count(inner, condition.at_least)
        )
        self._aggregates.append(aggregate)  # windows cannot nest: computed first, then referenced
        return f"_any_{len(self._aggregates) - 1}"

    def comparison(self, comparison: Comparison) -> str:
        cutoff = birth_date_cutoff(comparison, self.on)  # ages against a constant: one date comparison
        if cutoff is not None:
            op, born = cutoff
            return f"(birth_date {op} DATE '{born.isoformat()}')"
        left = self.value(comparison.left)
        if comparison.op == "in":
            assert isinstance(comparison.right, tuple)
            return f"({left} IN ({', '.join(self.value(item) for item in comparison.right)}))"
        assert not isinstance(comparison.right, tuple)
        op = "<>" if comparison.op == "!=" else "=" if comparison.op == "==" else comparison.op
        return f"({left} {op} {self.value(comparison.right)})"

    def value(self, expr: Expr) -> str:
        if isinstance(expr, Boolean):
            return "TRUE" if expr.value else "FALSE"
        if isinstance(expr, Number):
            return repr(expr.value)
        if isinstance(expr, Text):
            return "'" + expr.value.replace("'", "''") + "'"
        if isinstance(expr, FactRef):
            return self.fact(expr.name)
        if isinstance(expr, ParamRef):
            return self.parameter(expr)
        assert isinstance(expr, Arithmetic)
        return f"({self.value(expr.left)} {expr.op} {self.value(expr.right)})"

    def fact(self, name: str) -> str:
        if name == "household.size":
            return "household_size"
        if name.startswith("household."):
            return name.removeprefix("household.")
        owner, _, field = name.partition(".")
        if owner == "subject":
            raise NotImplementedError("subject.* facts in SQL")
        on = f"DATE '{self.on.isoformat()}'"
        later_in_year = (
            f"(month(birth_date) > {self.on.month} OR (month(birth_date) = {self.on.month} "
            f"AND day(birth_date) > {self.on.day}))"
        )
        if field == "age":
            return f"(year({on}) - year(birth_date) - CAST({later_in_year} AS INTEGER))"
        if field == "age_months":
            return (
                f"((year({on}) - year(birth_date)) * 12 + {self.on.month} - month(birth_date)"
                f" - CAST(day(birth_date) > {self.on.day} AS INTEGER))"
            )
        return field

    def parameter(self, expr: ParamRef) -> str:
        parameter = parameters()[expr.name]
        if expr.at is not None:
            when = self.fact(expr.at.name)
            cases = " ".join(
                f"WHEN {when} >= DATE '{start.isoformat()}' THEN {value!r}"
                for start, value in sorted(zip(parameter.starts, parameter.values, strict=True), reverse=True)
            )
            return f"(CASE {cases} END)"
        if expr.size is None:
            return _number(parameter.at(self.on))  # NULL before its first date: unknown
        cases = " ".join(
            f"WHEN {size} THEN {_number(parameter.at(self.on, size))}" for size in range(1, MAX_MEMBERS + 1)
        )
        return f"(CASE household_size {cases} END)"


_SQL_TYPES = {
    "Boolean": "BOOLEAN",
    "Date": "DATE",
    "String": "VARCHAR",
    "Float64": "DOUBLE",
    "Int64": "BIGINT",
}


def _with_missing_facts(table: str, rules: tuple[Rule, ...], columns: frozenset[str]) -> str:
    """``table`` with a typed NULL column for every fact the rules read that it does not hold."""
    from nara.rules.polars_batch import fact_columns

    missing = {name: dtype for name, dtype in fact_columns(rules).items() if name not in columns}
    if not missing:
        return table
    nulls = ", ".join(f"CAST(NULL AS {_SQL_TYPES[str(dtype)]}) AS {name}" for name, dtype in missing.items())
    return f"(SELECT *, {nulls} FROM {table})"


def _number(value: int | float | None) -> str:
    return "NULL" if value is None else repr(value)


def _in_scope(scope: str) -> str:
    return "TRUE" if scope == "members" else f"(relation = '{SCOPE_RELATION[scope]}')"


def _kleene_any(expr: str) -> str:
    """Over the household: TRUE if any row is TRUE, else NULL if any is NULL, else FALSE."""
    return (
        f"(CASE WHEN BOOL_OR(COALESCE({expr}, FALSE)) {_WINDOW} THEN TRUE "
        f"WHEN BOOL_OR({expr} IS NULL) {_WINDOW} THEN NULL ELSE FALSE END)"
    )


def _kleene_count(expr: str, at_least: int) -> str:
    """Over the household: TRUE if at least ``at_least`` rows are TRUE, FALSE if too few could be."""
    sure = f"SUM(CASE WHEN {expr} THEN 1 ELSE 0 END) {_WINDOW}"
    possible = f"SUM(CASE WHEN {expr} IS NOT FALSE THEN 1 ELSE 0 END) {_WINDOW}"
    return f"(CASE WHEN {sure} >= {at_least} THEN TRUE WHEN {possible} < {at_least} THEN FALSE ELSE NULL END)"
