"""Per-person and per-household traits of a chunk, drawn to match the marginals."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from nara.population.households import Chunk, Ints
from nara.population.marginals import Marginals

Strings = npt.NDArray[np.str_]
# 주민등록 인구, 2024-12-31 (행정안전부 주민등록인구통계): used to turn yearly births into a pregnancy share.
RESIDENT_POPULATION = 51_217_221
_OLDER_HEAD_INCOME_SHIFT = -0.45  # households headed by someone 65+ are poorer (노인 상대빈곤율 ≈ 38 %)


def sexes(rng: np.random.Generator, chunk: Chunk, marginals: Marginals) -> Strings:
    """Sex of each person; a spouse has the head's other sex."""
    male = rng.random(len(chunk.age)) < marginals.male_share
    head_male = male[chunk.position == 0][chunk.person_household]
    spouse = chunk.relation == "spouse"
    male[spouse] = ~head_male[spouse]
    return np.where(male, "male", "female")


def incomes(
    rng: np.random.Generator, chunk: Chunk, marginals: Marginals, median_income: dict[int, int]
) -> Ints:
    """소득인정액 per household: log-normal around the 기준중위소득 of its size (older heads lower), with
    the location chosen so that the share of households under 50 % of it matches the relative-poverty
    rate."""
    median = median_by_size(median_income)
    older = chunk.age[chunk.position == 0] >= 65
    location = _location_for_share(float(older.mean()), marginals.relative_poverty)
    log_ratio = location + _OLDER_HEAD_INCOME_SHIFT * older + _INCOME_SPREAD * rng.standard_normal(len(older))
    amounts: Ints = np.maximum(np.round(median[chunk.household_size] * np.exp(log_ratio)), 0).astype(np.int64)
    return amounts


_INCOME_SPREAD = 0.75


def median_by_size(median_income: dict[int, int]) -> Ints:
    """기준중위소득 indexed by household size 0 … 9 (sizes above the table extend by its last step)."""
    largest = max(median_income)
    step = median_income[largest] - median_income[largest - 1]
    median: Ints = np.array(
        [median_income.get(s, median_income[largest] + step * (s - largest)) for s in range(10)],
        dtype=np.int64,
    )
    return median


def _share_below_half(location: float, older_share: float) -> float:
    def below(shift: float) -> float:
        z = (math.log(0.5) - location - shift) / _INCOME_SPREAD
        return 0.5 * (1 + math.erf(z / math.sqrt(2)))

    return older_share * below(_OLDER_HEAD_INCOME_SHIFT) + (1 - older_share) * below(0.0)


def _location_for_share(older_share: float, share: float) -> float:
    """The log-location for which the share of households under half the median equals ``share``."""
    low, high = -3.0, 3.0
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if _share_below_half(middle, older_share) > share else (low, middle)
    return (low + high) / 2


def schools(rng: np.random.Generator, ages: Ints) -> Strings:
    school = np.full(len(ages), "none", dtype=object)
    school[(ages >= 7) & (ages <= 12)] = "elementary"
    school[(ages >= 13) & (ages <= 15)] = "middle"
    school[(ages >= 16) & (ages <= 18)] = "high"
    college = (ages >= 19) & (ages <= 23) & (rng.random(len(ages)) < 0.7)
    school[college] = "university"
    return school.astype(str)


def employments(rng: np.random.Generator, ages: Ints, school: Strings, marginals: Marginals) -> Strings:
    draw = rng.random(len(ages))
    working_age = (ages >= 15) & (ages <= 64)
    employed = (working_age & (draw < marginals.employment_rate_15_64)) | ((ages >= 65) & (draw < 0.37))
    self_employed = employed & (rng.random(len(ages)) < 0.2)
    unemployed = working_age & ~employed & (draw < marginals.employment_rate_15_64 + 0.03)
    status = np.full(len(ages), "none", dtype=object)
    status[employed] = "employed"
    status[self_employed] = "self_employed"
    status[unemployed] = "unemployed"
    status[(school != "none") & ~employed] = "student"
    return status.astype(str)


def disabilities(rng: np.random.Generator, ages: Ints, marginals: Marginals) -> Strings:
    """Registered disability, more common with age, scaled to the overall prevalence."""
    weight = np.select([ages < 20, ages < 50, ages < 65], [0.25, 0.7, 1.4], default=2.8)
    chance = marginals.disability_prevalence * weight / weight.mean()
    disabled = rng.random(len(ages)) < chance
    severe = disabled & (rng.random(len(ages)) < marginals.disability_severe_share)
    return np.where(severe, "severe", np.where(disabled, "mild", "none"))


def pregnancies(
    rng: np.random.Generator, sex: Strings, ages: Ints, marginals: Marginals
) -> npt.NDArray[np.bool_]:
    """Pregnant now: births in a year × 0.75 (nine months) spread over women aged 20–44."""
    women_share = (1 - marginals.male_share) * sum(
        share
        for band, share in marginals.age_bands.items()
        if band in ("20-24", "25-29", "30-34", "35-39", "40-44")
    )
    chance = marginals.births_per_year * 0.75 / (RESIDENT_POPULATION * women_share)
    eligible = (sex == "female") & (ages >= 20) & (ages <= 44)
    pregnant: npt.NDArray[np.bool_] = eligible & (rng.random(len(ages)) < chance)
    return pregnant


def birth_orders(chunk: Chunk) -> npt.NDArray[np.float64]:
    """1 for the eldest child of a household, 2 for the next …; empty for everyone else."""
    child = chunk.relation == "child"
    order = np.full(len(chunk.age), np.nan)
    keys = np.lexsort((-chunk.age, chunk.person_household))
    ranked_children = keys[child[keys]]
    households = chunk.person_household[ranked_children]
    starts = np.r_[0, np.flatnonzero(np.diff(households)) + 1]
    counts = np.diff(np.r_[starts, len(households)])
    order[ranked_children] = np.arange(len(households)) - np.repeat(starts, counts) + 1
    return order


def region_codes(rng: np.random.Generator, chunk: Chunk, regions: dict[str, npt.NDArray[np.str_]]) -> Strings:
    """A 시군구 code per household, uniform within its 시·도."""
    codes = np.empty(len(chunk.sido), dtype=object)
    for sido, choices in regions.items():
        mine = chunk.sido == sido
        codes[mine] = rng.choice(choices, mine.sum())
    return codes.astype(str)
