"""`nara eligibility batch`: every person of a population file against every full rule, with Polars.

Output: the eligible (person, service, reason code) rows only — the head of household for rules about the
subject, each eligible child for per-child rules — never a persons × services matrix. The reason code
(``reasons.py``) says which branch of each ``any`` and which amount case decided it; every engine writes the
same codes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from nara.rules.polars_batch import PERSON, columns_needed, eligible_pairs
from nara.rules.polars_plan import HOUSEHOLD
from nara.rules.rulebook import rulebook


@dataclass(frozen=True)
class BatchReport:
    persons: int
    pairs: int
    seconds: float


ENGINES = ("polars", "duckdb", "spark")


def evaluate_population(
    population: Path,
    out: Path,
    on: date,
    engine: str = "polars",
    progress: Callable[[str], None] = lambda step: None,
) -> BatchReport:
    """Write the eligible (person_id, household_id, service_id, reason) rows of ``population`` to ``out``;
    ``progress`` hears each step as it starts (in Korean, for the person waiting)."""
    if engine == "duckdb":
        progress("DuckDB로 규칙을 평가하고 결과를 쓰는 중")
        return _with_duckdb(population, out, on)
    if engine == "spark":
        progress("Spark(local[2])를 시작하고 규칙을 평가하는 중 — 처음 몇 초는 JVM을 띄우는 시간입니다")
        return _with_spark(population, out, on)
    started = time.perf_counter()
    rules = rulebook()
    present = _columns(population)
    progress("1/3 인구 파일에서 규칙이 읽는 열만 읽는 중")
    people = pl.read_parquet(population, columns=[c for c in columns_needed(rules) if c in present])
    progress(f"2/3 {people.height:,}명에 규칙 {len(rules)}개를 평가하는 중")
    found = eligible_pairs(people, rules, on)
    persons = people.height
    del people  # the person ids are read only now, for the eligible rows: memory stays low at 10 million
    progress(f"3/3 받을 수 있는 {found.height:,}쌍을 쓰는 중")
    ids = pl.read_parquet(population, columns=["person_id", HOUSEHOLD])[found[PERSON]]
    pairs = pl.concat(
        [ids, found.drop(PERSON).with_columns(pl.col("service_id").cast(pl.String))], how="horizontal"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    pairs.write_parquet(out, compression="zstd")
    return BatchReport(persons=persons, pairs=pairs.height, seconds=round(time.perf_counter() - started, 2))


def _with_duckdb(population: Path, out: Path, on: date) -> BatchReport:
    import duckdb

    from nara.rules.sql_plan import SqlPlan

    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    source = "read_parquet('" + str(population).replace("'", "''") + "')"
    query = SqlPlan(on).pairs_query(rulebook(), source, columns=_columns(population))
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
    """The same SQL, transpiled by SQLGlot, on Apache Spark (local[2]: the path beyond one machine).

    Spark writes the pairs itself (they are never collected into the driver, which would not hold 23
    million rows); the part files are then joined into the one file asked for, batch by batch."""
    import shutil
    import tempfile

    import pyarrow.dataset as ds
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    from nara.rules.sql_plan import SqlPlan

    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("nara-eligibility")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    parts = Path(tempfile.mkdtemp(prefix="nara-spark-"))
    try:
        people = spark.read.parquet(str(population))
        people.createOrReplaceTempView("people")
        query = SqlPlan(on).pairs_query(rulebook(), "people", dialect="spark", columns=_columns(population))
        spark.sql(query).write.mode("overwrite").parquet(str(parts / "pairs"))
        persons = people.count()
        spark.stop()
        dataset = ds.dataset(str(parts / "pairs"), format="parquet")
        out.parent.mkdir(parents=True, exist_ok=True)
        pairs = 0
        with pq.ParquetWriter(out, dataset.schema, compression="zstd") as writer:
            for batch in dataset.to_batches():
                writer.write_batch(batch)
                pairs += batch.num_rows
    finally:
        spark.stop()
        shutil.rmtree(parts, ignore_errors=True)
    return BatchReport(persons=persons, pairs=pairs, seconds=round(time.perf_counter() - started, 2))


def _columns(population: Path) -> frozenset[str]:
    import pyarrow.parquet as pq

    return frozenset(pq.read_schema(population).names)
