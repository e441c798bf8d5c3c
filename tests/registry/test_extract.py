"""RegistryStore.extract: the registries' records reassembled into the population's shape, by person id."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from tests.factories import make_population

from nara import registry
from nara.rules import rulebook
from nara.rules.polars_batch import columns_needed


def test_the_extract_of_everyone_is_the_population_the_registries_were_loaded_from(
    registries: registry.RegistryStore, tmp_path: Path
) -> None:
    columns = columns_needed(rulebook())
    out = tmp_path / "extract.parquet"
    rows = registries.extract(out, None, columns)
    extracted = pl.read_parquet(out)
    population = pl.read_parquet(make_population(tmp_path / "population.parquet"))  # the fixture's own
    assert rows == extracted.height == population.height
    assert extracted.columns[:2] == ["person_id", "household_id"]
    assert set(extracted.columns) <= {
        "person_id",
        *columns,
    }  # only what the rules read (no registry holds all)
    assert {"relation", "birth_date", "income_recognised_monthly", "disability", "school"} <= set(
        extracted.columns
    )
    same = population.select(extracted.columns).sort("household_id", "person_id")
    for column in extracted.columns:
        assert extracted[column].cast(pl.String).to_list() == same[column].cast(pl.String).to_list(), column


def test_a_partial_registrys_silence_is_its_absent_value_and_households_come_whole(
    registries: registry.RegistryStore, tmp_path: Path
) -> None:
    everyone = tmp_path / "all.parquet"
    registries.extract(everyone, None)
    frame = pl.read_parquet(everyone)
    unlisted = frame.filter(pl.col("disability") == "none")["person_id"][
        0
    ]  # 장애인 등록 lists no such person
    household = registries.households_of([unlisted])
    ((household_id, people),) = household.items()
    assert unlisted in people
    out = tmp_path / "one.parquet"
    assert registries.extract(out, {household_id}) == len(people)
    one = pl.read_parquet(out)
    assert one["person_id"].to_list() == sorted(people)
    row = one.filter(pl.col("person_id") == unlisted).row(0, named=True)
    assert (row["disability"], row["veteran"]) == ("none", False)  # absent values, not unknown
    assert row["income_recognised_monthly"] is not None
    assert not {"name", "address"} & set(one.columns)  # the rules never read them
    assert registries.households_of(["SYN-NOBODY"]) == {}
