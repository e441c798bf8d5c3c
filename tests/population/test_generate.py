"""The synthetic population: matches the published marginals, is reproducible, and feeds the rules."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from nara.population import check_marginals, generate
from nara.rules import median_income_table
from nara.rules.batch import evaluate_population

ON = date(2025, 1, 1)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("population") / "people.parquet"
    report = generate(60_000, 7, path, on=ON, median_income=median_income_table(ON))
    assert report.persons > report.households
    return path


def test_generated_marginals_match_published_statistics(population: Path) -> None:
    far = [check.line() for check in check_marginals(population, ON, median_income_table(ON)) if not check.ok]
    assert far == []


def test_same_seed_same_population(tmp_path: Path) -> None:
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    generate(2_000, 42, first, on=ON, median_income=median_income_table(ON))
    generate(2_000, 42, second, on=ON, median_income=median_income_table(ON))
    assert pl.read_parquet(first).equals(pl.read_parquet(second))


def test_people_look_like_people(population: Path) -> None:
    people = pl.read_parquet(population)
    assert people["person_id"].is_unique().all()
    assert not people["person_id"].str.contains(r"^\d{6}-?\d{7}$").any()  # never a 주민등록번호 pattern
    heads = people.filter(pl.col("relation") == "self")
    assert heads.height == people["household_id"].n_unique()
    assert people.filter(pl.col("school") == "elementary")["birth_date"].min() > date(2011, 1, 1)
    assert people["region"].str.len_chars().eq(5).all()


def test_batch_gives_eligible_pairs_for_the_population(population: Path, tmp_path: Path) -> None:
    out = tmp_path / "pairs.parquet"
    report = evaluate_population(population, out, ON)
    pairs = pl.read_parquet(out)
    assert report.pairs == pairs.height > 0
    people = pl.read_parquet(population)
    allowance = pairs.filter(pl.col("service_id") == "135200000120").join(people, on="person_id")
    assert allowance["relation"].unique().to_list() == ["child"]
    assert (allowance["birth_date"] > date(2016, 12, 31)).all()  # under 96 months on 2025-01-01


def test_polars_and_duckdb_give_the_same_pairs(population: Path, tmp_path: Path) -> None:
    by_polars, by_duckdb = tmp_path / "polars.parquet", tmp_path / "duckdb.parquet"
    evaluate_population(population, by_polars, ON, "polars")
    evaluate_population(population, by_duckdb, ON, "duckdb")
    order = ["person_id", "service_id"]
    columns = ["person_id", "household_id", "service_id", "reason"]
    first = pl.read_parquet(by_polars).select(columns).sort(order)
    second = pl.read_parquet(by_duckdb).select(columns).sort(order)
    assert first.height > 0
    assert first.equals(second)


@pytest.mark.spark
def test_spark_gives_the_same_pairs_as_duckdb(population: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless): Spark test skipped")
    by_spark, by_duckdb = tmp_path / "spark.parquet", tmp_path / "duckdb.parquet"
    evaluate_population(population, by_spark, ON, "spark")
    evaluate_population(population, by_duckdb, ON, "duckdb")
    columns, order = ["person_id", "household_id", "service_id", "reason"], ["person_id", "service_id"]
    first = pl.read_parquet(by_spark).select(columns).sort(order)
    assert first.height > 0
    assert first.equals(pl.read_parquet(by_duckdb).select(columns).sort(order))
