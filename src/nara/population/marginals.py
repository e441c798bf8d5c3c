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
    sources: dict[str, str]

    def band_bounds(self) -> list[tuple[int, int]]:
        """Age bands as inclusive (low, high) years; the last band ends at 100."""
        bounds = []
        for band in self.age_bands:
            low, _, high = band.replace("+", "-100").partition("-")
            bounds.append((int(low), int(high)))
        return bounds


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
        sources={
            name: str(entry.get("source", "")) for name, entry in raw.items() if isinstance(entry, dict)
        },
    )
