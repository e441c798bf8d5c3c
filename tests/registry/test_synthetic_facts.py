"""Registry facts the synthetic population has no column for (체납 여부, the photo's hash) are made up at
load, deterministically; a population that has the column is loaded as it is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from tests.factories import make_population

from nara import registry
from nara.registry import synthetic

ARREARS = "member.tax_arrears"
PHOTO = "member.photo_hash"


def read(store: registry.RegistryStore, person: str, name: str) -> object:
    fact = store.catalogue.facts[name]
    return (store.read(fact.registry, person, [fact]) or {}).get(name)


@pytest.fixture
def population(tmp_path: Path) -> pl.DataFrame:
    return pl.read_parquet(make_population(tmp_path / "population.parquet", households=12))


def load(tmp_path: Path, people: pl.DataFrame) -> registry.RegistryStore:
    path = tmp_path / "with-column.parquet"
    people.write_parquet(path)
    store = registry.RegistryStore(f"sqlite:///{tmp_path}/{{agency}}.db")
    store.load(path)
    return store


def test_the_tax_registry_lists_only_people_with_arrears(registries: registry.RegistryStore) -> None:
    counts = registries.counts()
    assert registries.catalogue.is_partial("tax")
    assert counts["tax"] < counts["resident"] // 10  # about 2 % of adults
    listed = [p for p in (f"SYN{n}" for n in range(100)) if read(registries, p, ARREARS) is True]
    assert counts["tax"] == len(listed)
    assert read(registries, "SYN0", ARREARS) in (True, False)  # no record is an answer: no arrears


def test_the_drawn_arrears_and_photo_hash_depend_on_the_person_only() -> None:
    adults = [f"SYN{n}" for n in range(5_000)]
    drawn = sum(synthetic.tax_arrears(p, date(1980, 1, 1), date(2026, 1, 1)) for p in adults)
    assert 50 < drawn < 150  # 2 % of 5,000, give or take
    assert not any(synthetic.tax_arrears(p, date(2010, 1, 1), date(2026, 1, 1)) for p in adults)
    assert synthetic.photo_hash("SYN1") == synthetic.photo_hash("SYN1") != synthetic.photo_hash("SYN2")


def test_every_resident_has_a_photo_hash(registries: registry.RegistryStore) -> None:
    assert read(registries, "SYN0", PHOTO) == synthetic.photo_hash("SYN0")


def test_a_populations_own_arrears_column_is_loaded_as_it_is(
    tmp_path: Path, population: pl.DataFrame
) -> None:
    first, second = population["person_id"][0], population["person_id"][1]
    people = population.with_columns((pl.col("person_id") == first).alias("tax_arrears"))
    store = load(tmp_path, people)
    try:
        assert store.counts()["tax"] == 1
        assert (read(store, first, ARREARS), read(store, second, ARREARS)) == (True, False)
    finally:
        store.dispose()
