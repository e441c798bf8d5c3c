"""Marginals of a generated population, measured from its Parquet file and compared with the targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from nara.population.marginals import Marginals, load_marginals

# Allowed gaps between a generated share and its published target (absolute, in shares).
TOLERANCE = {
    "age": 0.02,  # each broad age group
    "household_size": 0.02,
    "region": 0.01,
    "disability": 0.01,
    "relative_poverty": 0.03,
    "home_ownership": 0.02,
    "male_share": 0.01,
}
_BROAD_AGES = ((0, 17), (18, 39), (40, 64), (65, 120))


@dataclass(frozen=True)
class MarginalCheck:
    name: str
    target: float
    generated: float
    tolerance: float

    @property
    def ok(self) -> bool:
        return abs(self.generated - self.target) <= self.tolerance

    def line(self) -> str:
        mark = "OK " if self.ok else "FAR"
        return f"{mark} {self.name:34} 목표 {self.target:7.3f}  생성 {self.generated:7.3f}  (허용 ±{self.tolerance})"


def check_marginals(
    path: Path, on: date, median_income: dict[int, int], marginals: Marginals | None = None
) -> list[MarginalCheck]:
    """Each measured marginal next to its target."""
    marginals = marginals or load_marginals()
    persons = pl.scan_parquet(path).with_columns(
        age=((pl.lit(on) - pl.col("birth_date")).dt.total_days() / 365.25).floor().cast(pl.Int32)
    )
    households = persons.filter(pl.col("relation") == "self")
    people = persons.select(pl.len()).collect().item()
    homes = households.select(pl.len()).collect().item()
    checks = [_age_check(persons, people, marginals, low, high) for low, high in _BROAD_AGES]
    sizes = households.group_by(pl.col("household_size").clip(upper_bound=5)).len().collect()
    for size, share in marginals.household_size.items():
        count = sizes.filter(pl.col("household_size") == size)["len"].sum()
        checks.append(MarginalCheck(f"{size}인 가구 비율", share, count / homes, TOLERANCE["household_size"]))
    regions = persons.group_by(pl.col("region").str.slice(0, 2)).len().collect()
    for code, share in marginals.region_population.items():
        count = regions.filter(pl.col("region") == code)["len"].sum()
        checks.append(MarginalCheck(f"시·도 {code} 인구 비율", share, count / people, TOLERANCE["region"]))
    disabled = persons.filter(pl.col("disability") != "none").select(pl.len()).collect().item()
    checks.append(
        MarginalCheck(
            "등록장애인 비율", marginals.disability_prevalence, disabled / people, TOLERANCE["disability"]
        )
    )
    male = persons.filter(pl.col("sex") == "male").select(pl.len()).collect().item()
    checks.append(MarginalCheck("남성 비율", marginals.male_share, male / people, TOLERANCE["male_share"]))
    owners = households.filter(pl.col("owns_home")).select(pl.len()).collect().item()
    checks.append(
        MarginalCheck(
            "자가 보유 가구 비율", marginals.home_ownership, owners / homes, TOLERANCE["home_ownership"]
        )
    )
    checks.append(_poverty_check(households, homes, median_income, marginals))
    return checks


def _age_check(
    persons: pl.LazyFrame, people: int, marginals: Marginals, low: int, high: int
) -> MarginalCheck:
    target = sum(
        share * _overlap(band_low, band_high, low, high) / (band_high - band_low + 1)
        for (band_low, band_high), share in zip(
            marginals.band_bounds(), marginals.age_bands.values(), strict=True
        )
    )
    count = persons.filter(pl.col("age").is_between(low, high)).select(pl.len()).collect().item()
    return MarginalCheck(f"{low}~{high}세 인구 비율", target, count / people, TOLERANCE["age"])


def _overlap(a_low: int, a_high: int, b_low: int, b_high: int) -> int:
    return max(0, min(a_high, b_high) - max(a_low, b_low) + 1)


def _poverty_check(
    households: pl.LazyFrame, homes: int, median_income: dict[int, int], marginals: Marginals
) -> MarginalCheck:
    largest = max(median_income)
    step = median_income[largest] - median_income[largest - 1]
    table = pl.DataFrame(
        {
            "household_size": list(range(1, 10)),
            "median": [
                median_income.get(s, median_income[largest] + step * (s - largest)) for s in range(1, 10)
            ],
        }
    ).with_columns(pl.col("household_size").cast(pl.Int16))
    poor = (
        households.join(table.lazy(), on="household_size")
        .filter(pl.col("income_recognised_monthly") < pl.col("median") * 0.5)
        .select(pl.len())
        .collect()
        .item()
    )
    return MarginalCheck(
        "중위소득 50% 미만 가구 비율", marginals.relative_poverty, poor / homes, TOLERANCE["relative_poverty"]
    )
