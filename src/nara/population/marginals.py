"""Published statistics the synthetic population must match (marginals.yaml, each with its source)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Marginals:
    age_bands: dict[str, float]  # "0-4" … "85+" → share of persons
    male_share: float
    household_size: dict[int, float]  # 1 … 5 (5 = five or more) → share of households
    region_population: dict[str, float]  # 2-digit 시·도 code → share of persons
    disability_prevalence: float
    disability_severe_share: float
    relative_poverty: float  # share of persons in households under 50 % of the median
    home_ownership: float
    employment_rate_15_64: float
    single_parent_households: float
    multicultural_households: float
    north_korean_defectors: float
    veterans: float
    farm_population: float
    fishery_population: float
    births_per_year: int
    household_income_mean: int  # KRW/year (가계금융복지조사)
    household_income_100m_share: float  # share of households with 1억 원 or more a year
    assets_mean: int  # KRW, 재산 합계 (gross)
    assets_by_head_age: dict[str, int]  # "19-39" … "60+" (age of the head) → mean KRW
    assets_by_income_quintile: dict[int, int]  # 1 … 5 → mean KRW
    health_insurance: dict[str, float]  # employee | dependent | regional | medical_aid → share of persons
    daycare_by_age: dict[int, float]  # 0 … 5 (반 연령) → share in 어린이집
    kindergarten_by_age: dict[int, float]  # 3 … 5 → share in 유치원
    daycare_share_0_5: float  # published totals: 어린이집 아동 / children of 0–5세반
    kindergarten_share_3_5: float  # 유치원 원아 / children of 3–5세반
    sources: dict[str, str]

    def band_bounds(self) -> list[tuple[int, int]]:
        """Age bands as inclusive (low, high) years; the last band ends at 100."""
        return [bounds(band) for band in self.age_bands]


def bounds(label: str) -> tuple[int, int]:
    """An age band label ("25-29", "85+") as inclusive (low, high) years; "+" ends at 100.

    >>> bounds("60+")
    (60, 100)
    """
    low, _, high = label.replace("+", "-100").partition("-")
    return int(low), int(high)


@lru_cache(maxsize=1)
def load_marginals() -> Marginals:
    """The marginals shipped in ``nara/population/marginals.yaml``."""
    raw: dict[str, Any] = yaml.safe_load(
        resources.files("nara.population").joinpath("marginals.yaml").read_text("utf-8")
    )
    return Marginals(
        age_bands={str(k): float(v) for k, v in raw["age_bands"]["values"].items()},
        male_share=float(raw["male_share"]["value"]),
        household_size={int(k): float(v) for k, v in raw["household_size"]["values"].items()},
        region_population={str(k): float(v) for k, v in raw["region_population"]["values"].items()},
        disability_prevalence=float(raw["disability"]["prevalence"]),
        disability_severe_share=float(raw["disability"]["severe_share"]),
        relative_poverty=float(raw["relative_poverty"]["under_50_percent_of_median"]),
        home_ownership=float(raw["home_ownership"]["value"]),
        employment_rate_15_64=float(raw["employment_rate_15_64"]["value"]),
        single_parent_households=float(raw["single_parent_households"]["value"]),
        multicultural_households=float(raw["multicultural_households"]["value"]),
        north_korean_defectors=float(raw["north_korean_defectors"]["value"]),
        veterans=float(raw["veterans"]["value"]),
        farm_population=float(raw["farm_population"]["value"]),
        fishery_population=float(raw["fishery_population"]["value"]),
        births_per_year=int(raw["births_per_year"]["value"]),
        household_income_mean=int(raw["household_income"]["mean"]),
        household_income_100m_share=float(raw["household_income"]["share_100m_or_more"]),
        assets_mean=int(raw["household_assets"]["mean"]),
        assets_by_head_age={str(k): int(v) for k, v in raw["household_assets"]["by_head_age"].items()},
        assets_by_income_quintile={
            int(k): int(v) for k, v in raw["household_assets"]["by_income_quintile"].items()
        },
        health_insurance={str(k): float(v) for k, v in raw["health_insurance"]["values"].items()},
        daycare_by_age={int(k): float(v) for k, v in raw["childcare"]["daycare_by_age"].items()},
        kindergarten_by_age={int(k): float(v) for k, v in raw["childcare"]["kindergarten_by_age"].items()},
        daycare_share_0_5=float(raw["childcare"]["daycare_share_0_5"]),
        kindergarten_share_3_5=float(raw["childcare"]["kindergarten_share_3_5"]),
        sources={
            name: str(entry.get("source", "")) for name, entry in raw.items() if isinstance(entry, dict)
        },
    )
