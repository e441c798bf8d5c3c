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
from nara.rules.parameters import parameters

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


def test_money_cover_and_childcare_are_checked_against_their_sources(population: Path) -> None:
    names = " ".join(check.name for check in check_marginals(population, ON, median_income_table(ON)))
    for expected in (
        "평균 소득",
        "1억 원 이상",
        "평균 자산",
        "가구주 60+세",
        "소득 5분위",
        "의료급여",
        "피부양자",
        "유치원",
    ):
        assert expected in names


def test_money_is_a_household_fact_in_won(population: Path) -> None:
    people = pl.read_parquet(population)
    assert people.schema["assets"] == pl.Int64
    assert people.schema["income_annual"] == pl.Int64
    assert people.select(pl.col("assets", "income_annual").min()).row(0) >= (0, 0)
    assert people.select(pl.col("assets", "income_annual").null_count()).row(0) == (0, 0)
    per_household = people.group_by("household_id").agg(pl.col("assets", "income_annual").n_unique())
    assert per_household.select(pl.col("assets", "income_annual").max()).row(0) == (1, 1)
    heads = people.filter(pl.col("relation") == "self")
    # income ranks households as 소득인정액 does; assets rise with income
    assert heads.select(pl.corr("income_annual", "income_recognised_monthly", method="spearman")).item() > 0.9
    assert heads.select(pl.corr("assets", "income_annual", method="spearman")).item() > 0.3


def test_health_insurance_follows_work_and_the_medical_aid_line(population: Path) -> None:
    people = pl.read_parquet(population)
    assert set(people["health_insurance"].unique()) <= {
        "employee",
        "regional",
        "dependent",
        "medical_aid",
        "none",
    }
    assert people["health_insurance"].null_count() == 0
    assert (people.filter(pl.col("health_insurance") == "employee")["employment"] == "employed").all()
    dependents = people.filter(pl.col("health_insurance") == "dependent")
    assert not dependents["employment"].is_in(["employed", "self_employed"]).any()
    threshold = parameters()["basic_livelihood.medical_threshold"]
    aid = people.filter(pl.col("health_insurance") == "medical_aid")
    assert aid.height > 0
    for size, recognised in aid.select("household_size", "income_recognised_monthly").iter_rows():
        assert recognised <= threshold.at(ON, size)
    whole_households = (
        aid.group_by("household_id")
        .len()
        .join(people.group_by("household_id").len(), on="household_id", suffix="_all")
    )
    assert (whole_households["len"] == whole_households["len_all"]).all()  # 의료급여 covers the household


def test_childcare_only_for_children_under_six(population: Path) -> None:
    people = pl.read_parquet(population)
    under_six = pl.col("birth_date") > date(ON.year - 6, ON.month, ON.day)  # 만 나이 < 6 on ON
    young, older = people.filter(under_six), people.filter(~under_six)
    assert young.height > 0
    assert young["childcare"].null_count() == 0
    assert set(young["childcare"].unique()) == {"none", "daycare", "kindergarten"}
    assert older["childcare"].null_count() == older.height
    under_three = young.filter(pl.col("birth_date") > date(ON.year - 3, ON.month, ON.day))
    assert under_three["childcare"].is_in(["none", "daycare"]).all()  # 유치원 from 3


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
