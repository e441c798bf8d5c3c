"""Household money: 가구 연간 총소득 (``income_annual``) and 재산 합계 (``assets``), per household.

The model, in order (vectorised, one chunk at a time):

1. 소득인정액 (``income_recognised_monthly``) already exists: log-normal around the 기준중위소득 of the
   household's size, located on the relative-poverty rate (``persons.incomes``). Its yearly sum already
   has about the mean of 가계금융복지조사 household income, so it is the anchor for both new amounts.
2. Income is 12 × 소득인정액 × a log-normal ratio (median ``e^0.02``, spread 0.2). The ratio stands for
   what separates the two in the law: 소득인정액 adds the 재산의 소득환산액 (income can be lower) and
   takes off the 근로소득 공제 and 가구특성별 지출 (income can be higher). So income is not bounded by
   소득인정액 × 12, but it ranks households almost exactly as 소득인정액 does (log correlation ≈ 0.97).
3. Assets grow with income (elasticity 0.9 in logs), are higher for owners (× e^0.8, so owners hold about
   1.3 × the mean, as 가계금융복지조사 reports for 자가 가구), spread log-normally (0.8), and are then
   scaled so that each age group of the head has the published mean — the age profile comes from the
   scaling, the income-quintile profile from the elasticity (checked in ``measure.py``).
4. 재산 also enters 소득인정액: (assets − 기본재산액) × 1.04 % a month (주거용재산 환산율). The generator's
   소득인정액 follows income, not that formula, so assets are not capped by it; instead a household only
   receives 의료급여 (``care.health_insurance``) if its assets fit under its 소득인정액 —
   ``within_property_allowance`` — which is also why some households under the line do not receive it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nara.population.households import Bools, Ints
from nara.population.marginals import Marginals, bounds

Floats = npt.NDArray[np.float64]

_INCOME_RATIO_LOG_MEAN = 0.02
_INCOME_RATIO_SPREAD = 0.2
_ASSET_INCOME_ELASTICITY = 0.9
_ASSET_OWNER_PREMIUM = 0.8  # log points
_ASSET_SPREAD = 0.8
_INCOME_REFERENCE = 50_000_000  # KRW/year; only sets the scale before the age-group scaling
# 기초생활보장 기본재산액 (주거 유지 등에 필요해 소득으로 환산하지 않는 재산), by 시·도 code; 5,300만 원 elsewhere.
_METROPOLITAN = ("26", "27", "28", "29", "30", "31", "36")  # 광역시·세종 (창원시 is not told apart)
_BASIC_PROPERTY = {"11": 99_000_000, "41": 80_000_000} | dict.fromkeys(_METROPOLITAN, 77_000_000)
_BASIC_PROPERTY_ELSEWHERE = 53_000_000
_HOUSING_CONVERSION_MONTHLY = 0.0104  # 주거용재산의 소득환산율, per month


def annual_incomes(rng: np.random.Generator, recognised_monthly: Ints) -> Ints:
    """가구 연간 총소득: 12 × 소득인정액 × a log-normal ratio (see the module docstring)."""
    ratio = np.exp(
        _INCOME_RATIO_LOG_MEAN + _INCOME_RATIO_SPREAD * rng.standard_normal(len(recognised_monthly))
    )
    income: Ints = np.round(recognised_monthly * 12.0 * ratio).astype(np.int64)
    return income


def household_assets(
    rng: np.random.Generator,
    head_age: Ints,
    income_annual: Ints,
    owns_home: Bools,
    marginals: Marginals,
) -> Ints:
    """재산 합계 per household, matching the mean by age of head (see the module docstring)."""
    income_rank = np.log(np.maximum(income_annual, 1_000_000) / _INCOME_REFERENCE)
    weight = np.exp(
        _ASSET_INCOME_ELASTICITY * income_rank
        + _ASSET_OWNER_PREMIUM * owns_home
        + _ASSET_SPREAD * rng.standard_normal(len(head_age))
    )
    amounts: Ints = np.round(_scaled_to_age_means(weight, head_age, marginals.assets_by_head_age)).astype(
        np.int64
    )
    return amounts


def within_property_allowance(assets: Ints, recognised_monthly: Ints, sido: npt.NDArray[np.str_]) -> Bools:
    """Whether the 재산의 소득환산액 of ``assets`` would fit inside 소득인정액 (per household)."""
    converted = np.maximum(assets - _basic_property(sido), 0) * _HOUSING_CONVERSION_MONTHLY
    fits: Bools = converted <= recognised_monthly
    return fits


def _scaled_to_age_means(weight: Floats, head_age: Ints, means: dict[str, int]) -> Floats:
    """``weight`` scaled per age group of the head so that each group's mean is the published one."""
    uppers = np.array([bounds(label)[1] for label in means])
    group = np.minimum(np.searchsorted(uppers, head_age), len(uppers) - 1)
    totals = np.bincount(group, weights=weight, minlength=len(uppers))
    counts = np.bincount(group, minlength=len(uppers))
    scale = np.array(list(means.values()), dtype=np.float64) * counts / np.maximum(totals, 1e-12)
    scaled: Floats = weight * scale[group]
    return scaled


def _basic_property(sido: npt.NDArray[np.str_]) -> Floats:
    amounts = np.full(len(sido), float(_BASIC_PROPERTY_ELSEWHERE))
    for code, amount in _BASIC_PROPERTY.items():
        amounts[sido == code] = amount
    return amounts
