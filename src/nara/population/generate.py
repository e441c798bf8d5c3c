"""`nara population generate`: households and persons streamed in chunks to one Parquet file."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from nara.population import care, finances, persons
from nara.population.households import Chunk, birth_dates, draw_households, full_years
from nara.population.marginals import Marginals, load_marginals
from nara.rules import sigungu_table
from nara.rules.parameters import parameters

CHUNK_HOUSEHOLDS = 200_000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class GenerationReport:
    households: int
    persons: int
    seconds: float
    path: Path


def generate(
    households: int,
    seed: int,
    out: Path,
    *,
    on: date,
    median_income: dict[int, int],
    marginals: Marginals | None = None,
    progress: Progress | None = None,
) -> GenerationReport:
    """Write ``households`` synthetic households (one row per person) to ``out``.

    ``median_income`` is 기준중위소득 by household size on ``on`` (sizes above the table extend by the
    last step). Deterministic for a given seed and chunk size.
    """
    marginals = marginals or load_marginals()
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    money_rng = np.random.default_rng([seed, 1])  # a stream of its own: the earlier columns stay as they were
    regions = _regions_by_sido()
    writer: pq.ParquetWriter | None = None
    persons = done = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        while done < households:
            count = min(CHUNK_HOUSEHOLDS, households - done)
            table = _table((rng, money_rng), count, done, on, marginals, median_income, regions)
            if writer is None:
                writer = pq.ParquetWriter(out, table.schema, compression="zstd")
            writer.write_table(table)
            done += count
            persons += table.num_rows
            if progress:
                progress(done, households)
    finally:
        if writer is not None:
            writer.close()
    return GenerationReport(households, persons, round(time.perf_counter() - started, 2), out)


def _regions_by_sido() -> dict[str, npt.NDArray[np.str_]]:
    grouped: dict[str, list[str]] = {}
    for code, _, _ in sigungu_table():
        grouped.setdefault(code[:2], []).append(code)
    return {sido: np.array(codes) for sido, codes in grouped.items()}


def _table(
    rngs: tuple[np.random.Generator, np.random.Generator],
    count: int,
    offset: int,
    on: date,
    marginals: Marginals,
    median_income: dict[int, int],
    regions: dict[str, npt.NDArray[np.str_]],
) -> pa.Table:
    rng, money_rng = rngs
    chunk = draw_households(rng, count, marginals)
    h = chunk.person_household
    age = chunk.age
    sex = persons.sexes(rng, chunk, marginals)
    adult = age >= 19
    school = persons.schools(rng, age)
    farm = rng.random(count) < marginals.farm_population
    fishery = ~farm & (rng.random(count) < marginals.fishery_population)
    industry = np.where(adult & farm[h], "farming", np.where(adult & fishery[h], "fishing", "none"))
    person_ids = np.char.add("SYN", (np.arange(len(h)) + offset * 10).astype(str))
    columns = {
        "household_id": np.char.add("H", (offset + h).astype(str)),
        "person_id": person_ids,
        "relation": chunk.relation,
        "birth_date": birth_dates(rng, age, on),
        "sex": sex,
        "disability": persons.disabilities(rng, age, marginals),
        "pregnant": persons.pregnancies(rng, sex, age, marginals),
        "employment": persons.employments(rng, age, school, marginals),
        "school": school,
        "birth_order": persons.birth_orders(chunk),
        "veteran": adult & (rng.random(len(h)) < marginals.veterans),
        "industry": industry,
        "region": persons.region_codes(rng, chunk, regions)[h],
        "household_size": chunk.household_size[h],
        "income_recognised_monthly": persons.incomes(rng, chunk, marginals, median_income)[h],
        "owns_home": (rng.random(count) < marginals.home_ownership)[h],
        "single_parent": ((chunk.household_size >= 2) & ~chunk.has_spouse)[h],
        "multicultural": (rng.random(count) < marginals.multicultural_households)[h],
        "north_korean_defector": (rng.random(count) < marginals.north_korean_defectors)[h],
    }
    columns |= _money_and_cover(money_rng, chunk, columns, on, marginals, median_income)
    return pa.table({name: _array(name, values) for name, values in columns.items()}, schema=SCHEMA)


def _array(name: str, values: npt.NDArray[Any]) -> pa.Array:
    kind = SCHEMA.field(name).type
    if kind == _CODED:
        return pa.array(values, pa.string()).dictionary_encode()
    return pa.array(values, kind, from_pandas=name == "birth_order")  # NaN → null


def _money_and_cover(
    rng: np.random.Generator,
    chunk: Chunk,
    columns: dict[str, npt.NDArray[Any]],
    on: date,
    marginals: Marginals,
    median_income: dict[int, int],
) -> dict[str, npt.NDArray[Any]]:
    """income_annual and assets (household facts on every member), health_insurance and childcare."""
    heads = chunk.position == 0  # the i-th head is household i's
    recognised = columns["income_recognised_monthly"][heads]
    median = persons.median_by_size(median_income)[chunk.household_size]
    income = finances.annual_incomes(rng, recognised)
    assets = finances.household_assets(rng, chunk.age[heads], income, columns["owns_home"][heads], marginals)
    medical_aid_eligible = (recognised < median * _medical_ratio(on)) & finances.within_property_allowance(
        assets, recognised, chunk.sido
    )
    h = chunk.person_household
    return {
        "assets": assets[h],
        "income_annual": income[h],
        "health_insurance": care.health_insurance(
            rng, chunk, columns["employment"], medical_aid_eligible, marginals
        ),
        "childcare": care.childcare(rng, full_years(columns["birth_date"], on), marginals),
    }


def _medical_ratio(on: date) -> float:
    """의료급여 선정기준 as a share of 기준중위소득 in force on ``on`` (the first one before its dates)."""
    ratio = parameters()["basic_livelihood.medical_ratio"]
    return float(ratio.at(max(on, ratio.starts[0])) or 0.4)


# Facts with a few values are dictionary-encoded, as Parquet stores them anyway: readers get categories
# (Polars: Categorical), so a population of 10 million filters and compares them as small integers.
_CODED = pa.dictionary(pa.int32(), pa.string())
SCHEMA = pa.schema(
    [
        ("household_id", pa.string()),
        ("person_id", pa.string()),
        ("relation", _CODED),
        ("birth_date", pa.date32()),
        ("sex", _CODED),
        ("disability", _CODED),
        ("pregnant", pa.bool_()),
        ("employment", _CODED),
        ("school", _CODED),
        ("birth_order", pa.int16()),
        ("veteran", pa.bool_()),
        ("industry", _CODED),
        ("region", pa.string()),
        ("household_size", pa.int16()),
        ("income_recognised_monthly", pa.int64()),
        ("owns_home", pa.bool_()),
        ("single_parent", pa.bool_()),
        ("multicultural", pa.bool_()),
        ("north_korean_defector", pa.bool_()),
        ("assets", pa.int64()),
        ("income_annual", pa.int64()),
        ("health_insurance", _CODED),
        ("childcare", _CODED),
    ]
)
