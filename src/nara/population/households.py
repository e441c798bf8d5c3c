"""Drawing one chunk of synthetic households and their members, vectorised with numpy.

Composition: a head of household; in households of two or more, a spouse unless the household is a
single-parent one; the other places are children (ages following the head's) or, for older heads,
adult children and grandchildren. Ages, incomes and traits are then drawn to match the marginals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from nara.population.marginals import Marginals

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass
class Chunk:
    """Column arrays of one chunk: per-household arrays (length H) and per-person arrays (length P)."""

    household_size: Ints
    sido: npt.NDArray[np.str_]
    has_spouse: Bools
    person_household: Ints  # index into the household arrays
    position: Ints  # 0 = head, 1 … within the household
    relation: npt.NDArray[np.str_]
    age: Ints


RELATIONS = np.array(["self", "spouse", "child", "grandchild", "parent"])


def draw_households(rng: np.random.Generator, count: int, marginals: Marginals) -> Chunk:
    """``count`` households with composition and ages."""
    sizes = _sizes(rng, count, marginals)
    sido = rng.choice(
        np.array(list(marginals.region_population)), size=count, p=_normalised(marginals.region_population)
    )
    head_age = _head_ages(rng, count, sizes, marginals)
    has_children = sizes >= 2
    single_parent_share = marginals.single_parent_households / max(float(has_children.mean()), 1e-9)
    has_spouse = (sizes >= 2) & (rng.random(count) >= min(single_parent_share, 0.9))
    person_household = np.repeat(np.arange(count), sizes)
    starts = np.cumsum(sizes) - sizes
    position = np.arange(int(sizes.sum())) - np.repeat(starts, sizes)
    heads = head_age[person_household]
    relation = np.full(len(position), 2)  # child
    relation[position == 0] = 0
    relation[(position == 1) & has_spouse[person_household]] = 1
    older_head = heads >= 70
    grandchild = older_head & (position >= 3)
    relation[grandchild & (relation == 2)] = 3
    age = np.empty(len(position), dtype=np.int64)
    age[relation == 0] = heads[relation == 0]
    spouse = relation == 1
    age[spouse] = np.clip(heads[spouse] + rng.normal(-2, 3, spouse.sum()).round().astype(np.int64), 19, 100)
    child = relation == 2
    parent_gap = rng.integers(24, 38, child.sum())
    drawn = heads[child] - parent_gap - rng.integers(0, 8, child.sum())
    # a young head's child: spread over the ages such a parent can have, not piled up at 0
    young_parent = rng.integers(0, np.maximum(1, heads[child] - 19))
    age[child] = np.clip(np.where(drawn < 0, young_parent, drawn), 0, 75)
    grand = relation == 3
    age[grand] = np.clip(heads[grand] - rng.integers(50, 70, grand.sum()), 0, 30)
    return Chunk(sizes, sido, has_spouse, person_household, position, RELATIONS[relation], age)


def _sizes(rng: np.random.Generator, count: int, marginals: Marginals) -> Ints:
    sizes = rng.choice(
        np.array(list(marginals.household_size)), size=count, p=_normalised(marginals.household_size)
    )
    five_or_more = sizes >= 5
    sizes[five_or_more] += rng.geometric(0.65, five_or_more.sum()) - 1  # 5, sometimes 6 or 7
    capped: Ints = np.minimum(sizes, 9).astype(np.int64)
    return capped


_FAMILY_HEAD_AGE = 53


def _small_household_weight(band_low: int) -> float:
    """1·2인 가구 heads are younger (20·30대 living alone) and older (60+) than adults overall."""
    if band_low >= 60:
        return 3.4
    return 1.3 if band_low < 35 else 1.0


def _head_ages(rng: np.random.Generator, count: int, sizes: Ints, marginals: Marginals) -> Ints:
    """Heads of household: adults, younger in larger households (parents of young children)."""
    bands = marginals.band_bounds()
    adult = [
        (low, high, share)
        for (low, high), share in zip(bands, marginals.age_bands.values(), strict=True)
        if low >= 20
    ]
    # small households are older than the adult population: 1·2인 가구 heads skew to 60+
    weights = np.array([share * _small_household_weight(low) for low, _, share in adult])
    chosen = rng.choice(len(adult), size=count, p=weights / weights.sum())
    lows = np.array([low for low, _, _ in adult])[chosen]
    highs = np.array([min(high, 95) for _, high, _ in adult])[chosen]
    ages = rng.integers(lows, highs + 1)
    family = sizes >= 3
    ages[family] = np.clip(rng.normal(_FAMILY_HEAD_AGE, 10, family.sum()).round().astype(np.int64), 27, 90)
    return ages.astype(np.int64)


def _normalised(shares: dict[int, float] | dict[str, float]) -> npt.NDArray[np.float64]:
    values: npt.NDArray[np.float64] = np.array(list(shares.values()), dtype=np.float64)
    normalised: npt.NDArray[np.float64] = values / values.sum()
    return normalised


def birth_dates(rng: np.random.Generator, ages: Ints, on: date) -> npt.NDArray[np.datetime64]:
    """A birth date giving exactly ``age`` full years on ``on``."""
    on_day = np.datetime64(on.isoformat(), "D")
    days_into_year = rng.integers(0, 365, len(ages))
    born: npt.NDArray[np.datetime64] = (
        on_day - (ages * 365.25).astype("timedelta64[D]") - days_into_year.astype("timedelta64[D]")
    )
    return born


def full_years(born: npt.NDArray[np.datetime64], on: date) -> Ints:
    """만 나이 on ``on``, by the calendar (as the rules count it), from birth dates."""
    years = born.astype("datetime64[Y]")
    months = born.astype("datetime64[M]")
    month = (months - years).astype(np.int64) + 1
    day = (born - months).astype(np.int64) + 1
    before_birthday = (on.month < month) | ((on.month == month) & (on.day < day))
    ages: Ints = on.year - 1970 - years.astype(np.int64) - before_birthday
    return ages
