"""Marginals of a generated population, measured from its Parquet file and compared with the targets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from nara.population.marginals import Marginals, bounds, load_marginals

# Allowed gaps between a generated share and its published target (absolute, in shares).
TOLERANCE = {
    "age": 0.02,  # each broad age group
    "household_size": 0.02,
    "region": 0.01,
    "disability": 0.01,
    "relative_poverty": 0.03,
    "home_ownership": 0.02,
    "male_share": 0.01,
    "income_mean": 0.05,  # relative to the target
    "income_share": 0.02,
    "assets_mean": 0.10,  # relative to the target (each age group and income quintile)
    "health_insurance": 0.02,
    "medical_aid": 0.005,
    "childcare": 0.03,
}
_HUNDRED_MILLION = 100_000_000  # amounts are compared in 억 원
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
    checks += _income_checks(households, marginals)
    checks += _asset_checks(households, marginals)
    checks += _health_insurance_checks(persons, people, marginals)
    checks += _childcare_checks(persons, marginals)
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


def _amount_check(name: str, target: int, generated: float, relative: float) -> MarginalCheck:
    """An amount in 억 원, allowed to be off by ``relative`` of its target."""
    goal = target / _HUNDRED_MILLION
    return MarginalCheck(name, goal, generated / _HUNDRED_MILLION, round(goal * relative, 3))


def _income_checks(households: pl.LazyFrame, marginals: Marginals) -> list[MarginalCheck]:
    income = households.select(
        mean=pl.col("income_annual").mean(), rich=(pl.col("income_annual") >= _HUNDRED_MILLION).mean()
    ).collect()
    return [
        _amount_check(
            "가구 평균 소득 (억 원/년)",
            marginals.household_income_mean,
            income["mean"].item(),
            TOLERANCE["income_mean"],
        ),
        MarginalCheck(
            "소득 1억 원 이상 가구 비율",
            marginals.household_income_100m_share,
            income["rich"].item(),
            TOLERANCE["income_share"],
        ),
    ]


def _asset_checks(households: pl.LazyFrame, marginals: Marginals) -> list[MarginalCheck]:
    """Mean assets overall, by age group of the head and by household-income quintile."""
    relative = TOLERANCE["assets_mean"]
    quintile = (pl.col("income_annual").rank("ordinal") - 1) * 5 // pl.len() + 1
    homes = households.select("age", "assets", quintile.alias("quintile")).collect()
    checks = [_amount_check("가구 평균 자산 (억 원)", marginals.assets_mean, _mean_assets(homes), relative)]
    for label, target in marginals.assets_by_head_age.items():
        low, high = bounds(label)
        mean = _mean_assets(homes.filter(pl.col("age").is_between(low, high)))
        checks.append(_amount_check(f"가구주 {label}세 평균 자산 (억 원)", target, mean, relative))
    for number, target in marginals.assets_by_income_quintile.items():
        mean = _mean_assets(homes.filter(pl.col("quintile") == number))
        checks.append(_amount_check(f"소득 {number}분위 평균 자산 (억 원)", target, mean, relative))
    return checks


def _mean_assets(homes: pl.DataFrame) -> float:
    return float(homes.select(pl.col("assets").mean().fill_null(0)).item())


def _health_insurance_checks(persons: pl.LazyFrame, people: int, marginals: Marginals) -> list[MarginalCheck]:
    counts = persons.group_by("health_insurance").len().collect()
    labels = {
        "employee": "직장가입자",
        "dependent": "피부양자",
        "regional": "지역가입자",
        "medical_aid": "의료급여",
    }
    return [
        MarginalCheck(
            f"건강보험 {labels[kind]} 비율",
            share,
            float(counts.filter(pl.col("health_insurance") == kind).select(pl.col("len").sum()).item())
            / people,
            TOLERANCE["medical_aid" if kind == "medical_aid" else "health_insurance"],
        )
        for kind, share in marginals.health_insurance.items()
    ]


def _childcare_checks(persons: pl.LazyFrame, marginals: Marginals) -> list[MarginalCheck]:
    shares = persons.select(
        daycare=(pl.col("childcare") == "daycare").filter(pl.col("age") < 6).mean(),
        kindergarten=(pl.col("childcare") == "kindergarten").filter(pl.col("age").is_between(3, 5)).mean(),
    ).collect()
    return [
        MarginalCheck(
            "0~5세 어린이집 이용 비율",
            marginals.daycare_share_0_5,
            shares["daycare"].item(),
            TOLERANCE["childcare"],
        ),
        MarginalCheck(
            "3~5세 유치원 취원 비율",
            marginals.kindergarten_share_3_5,
            shares["kindergarten"].item(),
            TOLERANCE["childcare"],
        ),
    ]
