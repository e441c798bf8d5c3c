"""The 복지멤버십 job as pure data: a population file and the members in, newly eligible pairs out.

No database: ``find_new`` reads Parquet and writes Parquet, on DuckDB (one machine, out of core), Spark
(the path beyond one machine) or Polars (in memory). DuckDB and Spark run the same SQL (``sql.py``,
transpiled by SQLGlot); Polars runs the rulebook's Polars plan with the same recipient mapping. All three
write the same rows (tested).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from nara.proactive.sql import GUARDIANS, NEW_COLUMNS, SNAPSHOT_COLUMNS, chain, in_dialect, new_pairs
from nara.rules.rulebook import Rule, rulebook

ENGINES = ("duckdb", "spark", "polars")
SNAPSHOT_SCHEMA = pa.schema([(name, pa.string()) for name in SNAPSHOT_COLUMNS])
NEW_SCHEMA = pa.schema([*((name, pa.string()) for name in NEW_COLUMNS[:-1]), ("beneficiaries", pa.int64())])
DUCKDB_MEMORY = "3GB"  # DuckDB spills to disk past this: memory stays bounded at 10 million persons
Progress = Callable[[str], None]


@dataclass(frozen=True)
class JobReport:
    persons: int  # rows of the population file
    members: int  # members found in it
    eligible: int  # snapshot rows: (member, service, beneficiary)
    new: int  # newly eligible (member, service) pairs: one notice each
    seconds: float


def find_new(
    population: Path,
    members: Path | None,
    previous: Path | None,
    on: date,
    engine: str,
    out_dir: Path,
    progress: Progress = lambda step: None,
) -> tuple[Path, Path, JobReport]:
    """Evaluate every rule for the members' households on ``on`` and compare with ``previous``.

    ``members``: a Parquet file with ``person_id`` (None: everyone in ``population``). ``previous``:
    the last run's snapshot (None: the first run, everything is new). Writes ``snapshot.parquet``
    (person_id, service_id, beneficiary_id, reason) and ``new.parquet`` (person_id, service_id, reason,
    beneficiaries) under ``out_dir`` and returns their paths and the counts."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshot, new = out_dir / "snapshot.parquet", out_dir / "new.parquet"
    rules = rulebook()
    run = {"duckdb": _with_duckdb, "spark": _with_spark, "polars": _with_polars}[engine]
    members_found = run(population, members, previous, on, rules, snapshot, new, progress)
    report = JobReport(
        persons=pq.ParquetFile(population).metadata.num_rows,
        members=members_found,
        eligible=pq.ParquetFile(snapshot).metadata.num_rows,
        new=pq.ParquetFile(new).metadata.num_rows,
        seconds=round(time.perf_counter() - started, 2),
    )
    return snapshot, new, report


def _with_duckdb(
    population: Path,
    members: Path | None,
    previous: Path | None,
    on: date,
    rules: tuple[Rule, ...],
    snapshot: Path,
    new: Path,
    progress: Progress,
) -> int:
    import duckdb

    spill = snapshot.parent / ".duckdb-spill"
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": DUCKDB_MEMORY,
        "temp_directory": str(spill),
        "preserve_insertion_order": False,
    }
    try:
        with duckdb.connect(config=config) as db:
            db.execute(f"CREATE TEMP VIEW people AS SELECT * FROM read_parquet({_path(population)})")
            if members is not None:
                db.execute(
                    f"CREATE TEMP VIEW members AS SELECT person_id FROM read_parquet({_path(members)})"
                )
            for name, sql in chain(rules, on, _columns(population), all_members=members is None):
                db.execute(f"CREATE TEMP VIEW {name} AS {sql}")
            progress(f"DuckDB로 회원 가구에 규칙 {len(rules)}개를 평가하는 중")
            db.execute(
                f"COPY (SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM eligible) TO {_path(snapshot)} {_ZSTD}"
            )
            progress("지난 실행과 비교하는 중")
            db.execute(f"CREATE TEMP VIEW snapshot AS SELECT * FROM read_parquet({_path(snapshot)})")
            if previous is not None:
                db.execute(f"CREATE TEMP VIEW previous AS SELECT * FROM read_parquet({_path(previous)})")
            db.execute(f"COPY ({new_pairs(with_previous=previous is not None)}) TO {_path(new)} {_ZSTD}")
            counted = db.execute("SELECT count(*) FROM member_people").fetchone()
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    assert counted is not None
    return int(counted[0])


_ZSTD = "(FORMAT parquet, COMPRESSION zstd)"


def _with_spark(
    population: Path,
    members: Path | None,
    previous: Path | None,
    on: date,
    rules: tuple[Rule, ...],
    snapshot: Path,
    new: Path,
    progress: Progress,
) -> int:
    """The same SQL on Spark local[2]. Spark writes its results itself (nothing but counts reaches the
    driver); the part files are then joined into one file each, batch by batch."""
    import pyarrow.dataset as ds

    parts = snapshot.parent / ".spark-parts"
    progress("Spark(local[2])를 시작하는 중 — 처음 몇 초는 JVM을 띄우는 시간입니다")
    spark = _spark_session()
    try:
        spark.read.parquet(str(population)).createOrReplaceTempView("people")
        if members is not None:
            spark.read.parquet(str(members)).select("person_id").createOrReplaceTempView("members")
        for name, sql in chain(rules, on, _columns(population), all_members=members is None):
            spark.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {in_dialect(sql, 'spark')}")
        progress(f"Spark로 회원 가구에 규칙 {len(rules)}개를 평가하는 중")
        spark.table("eligible").select(*SNAPSHOT_COLUMNS).write.mode("overwrite").parquet(
            str(parts / "snapshot")
        )
        progress("지난 실행과 비교하는 중")
        spark.read.parquet(str(parts / "snapshot")).createOrReplaceTempView("snapshot")
        if previous is not None:
            spark.read.parquet(str(previous)).createOrReplaceTempView("previous")
        query = in_dialect(new_pairs(with_previous=previous is not None), "spark")
        spark.sql(query).write.mode("overwrite").parquet(str(parts / "new"))
        found = spark.table("member_people").count()
        spark.stop()
        for name, target, schema in (("snapshot", snapshot, SNAPSHOT_SCHEMA), ("new", new, NEW_SCHEMA)):
            dataset = ds.dataset(str(parts / name), format="parquet", schema=schema)
            with pq.ParquetWriter(target, schema, compression="zstd") as writer:
                for batch in dataset.to_batches():
                    writer.write_batch(batch)
    finally:
        spark.stop()
        shutil.rmtree(parts, ignore_errors=True)
    return int(found)


def _spark_session() -> Any:  # pyspark ships no types
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("nara-proactive")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.shuffle.partitions", "16")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _with_polars(
    population: Path,
    members: Path | None,
    previous: Path | None,
    on: date,
    rules: tuple[Rule, ...],
    snapshot: Path,
    new: Path,
    progress: Progress,
) -> int:
    from nara.rules.polars_batch import PERSON, columns_needed, eligible_pairs

    present = _columns(population)
    wanted = ["person_id", *(c for c in columns_needed(rules) if c in present and c != "person_id")]
    people = pl.read_parquet(population, columns=list(dict.fromkeys(wanted)))
    everyone = members is None
    member_people = people.select("person_id", "household_id", pl.col("relation").cast(pl.String))
    if members is not None:
        ids = pl.read_parquet(members, columns=["person_id"])["person_id"].unique()
        member_people = member_people.filter(pl.col("person_id").is_in(ids.implode()))
        households = member_people["household_id"].unique().implode()
        people = people.filter(pl.col("household_id").is_in(households))  # order kept: households contiguous
    if people.is_empty():  # no member in the population: nothing to evaluate, nothing new
        pl.DataFrame(schema=dict.fromkeys(SNAPSHOT_COLUMNS, pl.String)).write_parquet(snapshot)
        pl.DataFrame(NEW_SCHEMA.empty_table()).write_parquet(new)
        return 0
    progress(f"Polars로 회원 가구 {people.height:,}명에 규칙 {len(rules)}개를 평가하는 중")
    found = eligible_pairs(people, rules, on)
    pairs = pl.concat(
        [
            people.select("person_id", "household_id")[found[PERSON]],
            found.select(pl.col("service_id").cast(pl.String), "reason"),
        ],
        how="horizontal",
    )
    del people
    about_subject = [rule.service_id for rule in rules if rule.for_each == "subject"]
    own = pairs.filter(pl.col("service_id").is_in(about_subject))
    if not everyone:
        own = own.filter(pl.col("person_id").is_in(member_people["person_id"].implode()))
    guardians = member_people.filter(pl.col("relation").is_in(GUARDIANS)).select(
        "household_id", pl.col("person_id").alias("recipient")
    )
    cared = pairs.filter(~pl.col("service_id").is_in(about_subject)).join(guardians, on="household_id")
    eligible = pl.concat(
        [
            own.select("person_id", "service_id", pl.col("person_id").alias("beneficiary_id"), "reason"),
            cared.select(
                pl.col("recipient").alias("person_id"),
                "service_id",
                pl.col("person_id").alias("beneficiary_id"),
                "reason",
            ),
        ]
    )
    eligible.write_parquet(snapshot, compression="zstd")
    progress("지난 실행과 비교하는 중")
    if previous is not None:
        before = pl.read_parquet(previous, columns=["person_id", "service_id", "beneficiary_id"])
        eligible = eligible.join(before, on=["person_id", "service_id", "beneficiary_id"], how="anti")
    fresh = eligible.group_by("person_id", "service_id").agg(
        pl.col("reason").min(), pl.len().cast(pl.Int64).alias("beneficiaries")
    )
    fresh.write_parquet(new, compression="zstd")
    return member_people.height


def _columns(population: Path) -> frozenset[str]:
    return frozenset(pq.read_schema(population).names)


def _path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
