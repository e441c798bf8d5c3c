"""The proactive job as pure data: the same new pairs on every engine, members only, children to parents."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from nara.population import generate
from nara.proactive import find_new
from nara.rules import median_income_table

ON = date(2025, 1, 1)
LATER = date(2025, 7, 1)
CHILD_ALLOWANCE, BASIC_PENSION = "135200000120", "SSE000000170"


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("proactive") / "people.parquet"
    generate(4_000, 5, path, on=ON, median_income=median_income_table(ON))
    return path


@pytest.fixture(scope="module")
def members(population: Path) -> Path:
    """Four persons in ten, drawn at random."""
    path = population.with_name("members.parquet")
    pl.read_parquet(population, columns=["person_id"]).sample(fraction=0.4, seed=3).write_parquet(path)
    return path


def two_runs(population: Path, members: Path | None, engine: str, out: Path) -> list[pl.DataFrame]:
    """Snapshot and new pairs of a first run on ON and of a second on LATER, sorted for comparison."""
    snapshot, new, first = find_new(population, members, None, ON, engine, out / "1")
    frames = [pl.read_parquet(snapshot), pl.read_parquet(new)]
    again, later_new, second = find_new(population, members, snapshot, LATER, engine, out / "2")
    frames += [pl.read_parquet(again), pl.read_parquet(later_new)]
    assert (first.eligible, first.new, second.new) == (frames[0].height, frames[1].height, frames[3].height)
    return [frame.sort(frame.columns) for frame in frames]


def test_duckdb_and_polars_find_the_same_new_pairs(population: Path, members: Path, tmp_path: Path) -> None:
    by_duckdb = two_runs(population, members, "duckdb", tmp_path / "duckdb")
    by_polars = two_runs(population, members, "polars", tmp_path / "polars")
    for ours, theirs in zip(by_duckdb, by_polars, strict=True):
        assert ours.height > 0
        assert ours.equals(theirs)
    first_new, later_new = by_duckdb[1], by_duckdb[3]
    assert 0 < later_new.height < first_new.height / 5  # half a year later, few pairs are new
    snapshot, later = by_duckdb[0], by_duckdb[2]
    keys = ["person_id", "service_id", "beneficiary_id"]
    unseen = later.join(snapshot, on=keys, how="anti")
    assert unseen.group_by("person_id", "service_id").len().height == later_new.height


@pytest.mark.spark
def test_spark_finds_the_same_new_pairs_as_duckdb(population: Path, members: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless): Spark test skipped")
    by_spark = two_runs(population, members, "spark", tmp_path / "spark")
    by_duckdb = two_runs(population, members, "duckdb", tmp_path / "duckdb")
    for ours, theirs in zip(by_spark, by_duckdb, strict=True):
        assert ours.height > 0
        assert ours.equals(theirs)


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_only_members_are_told_and_only_their_households_are_read(
    population: Path, members: Path, tmp_path: Path, engine: str
) -> None:
    snapshot, new, report = find_new(population, members, None, ON, engine, tmp_path)
    chosen = set(pl.read_parquet(members)["person_id"])
    assert report.members == len(chosen)
    told = pl.read_parquet(new)
    assert set(told["person_id"]) <= chosen
    people = pl.read_parquet(population, columns=["person_id", "household_id"])
    with_members = set(people.filter(pl.col("person_id").is_in(list(chosen)))["household_id"])
    beneficiaries = people.filter(
        pl.col("person_id").is_in(pl.read_parquet(snapshot)["beneficiary_id"].implode())
    )
    assert set(beneficiaries["household_id"]) <= with_members
    everyone = find_new(population, None, None, ON, engine, tmp_path / "all")[2]
    assert everyone.members == everyone.persons > report.members
    assert everyone.eligible > report.eligible


def family(household: str, *people: tuple[str, str, date]) -> list[dict[str, object]]:
    return [
        {"household_id": household, "person_id": person, "relation": relation, "birth_date": born,
         "household_size": len(people), "income_recognised_monthly": 500_000}
        for person, relation, born in people
    ]  # fmt: skip


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_a_childs_benefit_goes_to_the_member_parents_and_the_subjects_to_the_subject(
    tmp_path: Path, engine: str
) -> None:
    baby, parent, old = date(2024, 3, 1), date(1990, 5, 5), date(1950, 2, 2)
    rows = [
        *family("H1", ("P1", "self", parent), ("P2", "spouse", parent), ("P3", "child", baby)),
        *family("H2", ("Q1", "self", parent), ("Q2", "spouse", parent), ("Q3", "child", baby)),
        *family("H3", ("R1", "self", parent), ("R2", "child", baby)),
        *family("H4", ("S1", "self", old), ("S2", "spouse", old)),
        *family("H5", ("T1", "self", old)),
    ]
    population, chosen = tmp_path / "people.parquet", tmp_path / "members.parquet"
    pl.DataFrame(rows).write_parquet(population)
    pl.DataFrame({"person_id": ["P1", "P2", "Q2", "R2", "S2", "T1"]}).write_parquet(chosen)
    snapshot, new, _ = find_new(population, chosen, None, ON, engine, tmp_path / "out")
    found = pl.read_parquet(snapshot)
    allowance = found.filter(pl.col("service_id") == CHILD_ALLOWANCE).sort("person_id")
    # both member parents of P3, the member spouse of Q3's non-member head; R2 is a member but a child
    assert allowance.select("person_id", "beneficiary_id").rows() == [
        ("P1", "P3"),
        ("P2", "P3"),
        ("Q2", "Q3"),
    ]
    pension = found.filter(pl.col("service_id") == BASIC_PENSION)
    # a rule about the subject is about the head: T1 is told; S2 (a member) is not told of S1's pension
    assert pension.select("person_id", "beneficiary_id").rows() == [("T1", "T1")]
    counted = pl.read_parquet(new).filter(pl.col("service_id") == CHILD_ALLOWANCE)
    assert counted["beneficiaries"].to_list() == [1, 1, 1]


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_no_members_means_nothing_read_and_nothing_new(population: Path, tmp_path: Path, engine: str) -> None:
    nobody = tmp_path / "nobody.parquet"
    pl.DataFrame(schema={"person_id": pl.String}).write_parquet(nobody)
    _, new, report = find_new(population, nobody, None, ON, engine, tmp_path / "out")
    assert (report.members, report.eligible, report.new) == (0, 0, 0)
    assert pl.read_parquet(new).columns == ["person_id", "service_id", "reason", "beneficiaries"]
