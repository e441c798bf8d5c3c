"""`nara eligibility batch`: every person of a population file against every full rule, with Polars.

Output: the eligible (person, service) pairs only — the head of household for rules about the subject,
each eligible child for per-child rules — never a persons × services matrix.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from nara.rules.polars_plan import HOUSEHOLD, Plan
from nara.rules.rulebook import rulebook


@dataclass(frozen=True)
class BatchReport:
    persons: int
    pairs: int
    seconds: float


ENGINES = ("polars", "duckdb", "spark")


def evaluate_population(population: Path, out: Path, on: date, engine: str = "polars") -> BatchReport:
    """Write the eligible (person_id, household_id, service_id) pairs of ``population`` to ``out``."""
    if engine == "duckdb":
        return _with_duckdb(population, out, on)
    if engine == "spark":
        return _with_spark(population, out, on)
    started = time.perf_counter()
    plan = Plan(on)
    rules = rulebook()
    flags = pl.scan_parquet(population).select(
        pl.col("person_id"),
        pl.col(HOUSEHOLD),
        *(plan.member_status(rule).fill_null(False).alias(rule.service_id) for rule in rules),
    )
    pairs = (
        flags.unpivot(index=["person_id", HOUSEHOLD], variable_name="service_id", value_name="eligible")
        .filter(pl.col("eligible"))
        .drop("eligible")
        .collect()
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    pairs.write_parquet(out, compression="zstd")
    persons = pl.scan_parquet(population).select(pl.len()).collect().item()
    return BatchReport(persons=persons, pairs=pairs.height, seconds=round(time.perf_counter() - started, 2))


def _with_duckdb(population: Path, out: Path, on: date) -> BatchReport:
    import duckdb

    from nara.rules.sql_plan import SqlPlan

    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    source = "read_parquet('" + str(population).replace("'", "''") + "')"
    query = SqlPlan(on).pairs_query(rulebook(), source)
    target = str(out).replace("'", "''")
    with duckdb.connect() as connection:
        connection.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        pairs = connection.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
        persons = connection.execute(f"SELECT count(*) FROM {source}").fetchone()
    assert pairs is not None
    assert persons is not None
    return BatchReport(
        persons=int(persons[0]), pairs=int(pairs[0]), seconds=round(time.perf_counter() - started, 2)
    )


def _with_spark(population: Path, out: Path, on: date) -> BatchReport:
    """The same SQL, transpiled by SQLGlot, on Apache Spark (local[2]: the path beyond one machine)."""
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    from nara.rules.sql_plan import SqlPlan

    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("nara-eligibility")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        people = spark.read.parquet(str(population))
        people.createOrReplaceTempView("people")
        pairs = spark.sql(SqlPlan(on).pairs_query(rulebook(), "people", dialect="spark")).toArrow()
        persons = people.count()
    finally:
        spark.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pairs, out, compression="zstd")
    return BatchReport(persons=persons, pairs=pairs.num_rows, seconds=round(time.perf_counter() - started, 2))
