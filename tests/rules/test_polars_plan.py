"""The Polars plan and the per-person evaluator agree, household by household, including unknowns."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import polars as pl
import pytest
from tests.factories import random_situation

from nara.rules import Status, evaluate, parse_situation, rulebook
from nara.rules.evaluate import eligible_members, reason_code_for
from nara.rules.polars_batch import PERSON, eligible_pairs
from nara.rules.polars_plan import HOUSEHOLD, Plan, situations_frame

ON = date(2025, 6, 1)
_STATUS = {True: Status.ELIGIBLE.value, False: Status.INELIGIBLE.value, None: Status.UNDETERMINED.value}


def with_unknowns(document: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Drop facts at random (never the head's id or relation), as a partial interview would leave them."""
    household = {k: v for k, v in document["household"].items() if rng.random() < 0.7}
    members = []
    for member in document["members"]:
        keep = {"id", "relation"} if member["relation"] == "self" else {"id"}
        members.append({k: v for k, v in member.items() if k in keep or rng.random() < 0.7})
    return {**document, "household": household, "members": members}


def test_plan_agrees_with_the_evaluator_on_random_households() -> None:
    rng = random.Random(21)
    situations = [
        parse_situation(with_unknowns(random_situation(rng, ON.isoformat()), rng), today=ON)
        for _ in range(400)
    ]
    frame = situations_frame(situations)
    plan = Plan(ON)
    rules = rulebook()
    statuses = frame.select(
        pl.col(HOUSEHOLD), *(plan.household_status(rule).alias(rule.service_id) for rule in rules)
    ).unique(HOUSEHOLD, keep="first")
    by_household = {row[HOUSEHOLD]: row for row in statuses.iter_rows(named=True)}
    disagreements = []
    for number, situation in enumerate(situations):
        row = by_household[f"H{number}"]
        for result in evaluate(situation):
            if _STATUS[row[result.service_id]] != result.status.value:
                disagreements.append((number, result.service_id, result.status.value, row[result.service_id]))
    assert disagreements == []


def test_duckdb_sql_agrees_with_the_evaluator_on_random_households() -> None:
    duckdb = pytest.importorskip("duckdb", reason="duckdb is a test dependency (pip install -e '.[dev]')")
    from nara.rules.sql_plan import SqlPlan

    rng = random.Random(22)
    situations = [
        parse_situation(with_unknowns(random_situation(rng, ON.isoformat()), rng), today=ON)
        for _ in range(300)
    ]
    people = situations_frame(situations).to_arrow()  # noqa: F841 (read by DuckDB by name)
    rules = rulebook()
    rows = duckdb.sql(SqlPlan(ON).query(rules)).pl().unique(HOUSEHOLD, keep="first")
    by_household = {row[HOUSEHOLD]: row for row in rows.iter_rows(named=True)}
    disagreements = [
        (number, result.service_id, result.status.value, by_household[f"H{number}"][result.service_id])
        for number, situation in enumerate(situations)
        for result in evaluate(situation)
        if _STATUS[by_household[f"H{number}"][result.service_id]] != result.status.value
    ]
    assert disagreements == []


def test_sql_transpiles_to_spark() -> None:
    from nara.rules.sql_plan import SqlPlan

    spark_sql = SqlPlan(ON).query(rulebook(), dialect="spark")
    assert "PARTITION BY household_id" in spark_sql
    assert "`135200000120`" in spark_sql


def test_population_pairs_and_reason_codes_agree_with_the_evaluator() -> None:
    """The batch's fast path (one group-by for household aggregates, heads and children apart, ages as
    birth-date cut-offs) gives exactly the evaluator's eligible members and reason codes."""
    rng = random.Random(23)
    situations = [
        parse_situation(with_unknowns(random_situation(rng, ON.isoformat()), rng), today=ON)
        for _ in range(400)
    ]
    frame = situations_frame(situations)
    found = eligible_pairs(frame, rulebook(), ON)
    got = {
        (frame["person_id"][row[PERSON]], row["service_id"], row["reason"])
        for row in found.iter_rows(named=True)
    }
    expected = {
        (f"H{number}-{member.id}", rule.service_id, reason_code_for(rule, situation, member))
        for number, situation in enumerate(situations)
        for rule in rulebook()
        for member in eligible_members(rule, situation)
    }
    assert len(expected) > 100
    assert got == expected
