"""Per-person cover: 건강보험 자격 (``health_insurance``) and 어린이집·유치원 (``childcare``).

건강보험, by household then person:

- 의료급여: households whose 소득인정액 is under the 의료급여 선정기준 (기준중위소득 × the legal ratio) and
  whose assets fit under it (``finances.within_property_allowance``), each taken up with the probability
  that makes the share of persons match 건강보험통계 (not every eligible household receives it:
  부양의무자, 미신청);
- employee (직장가입자): employed people (not self-employed), with the probability that makes the share
  match — the others are 지역가입자 (short hours, 일용, 특수고용);
- dependent (피부양자): the non-earners of a household with an employee; and, since 피부양자 need not live
  with the insured worker, non-earners aged 60 or more in a household without one, with the probability
  that brings the dependent share to its target (parents insured through a child living elsewhere);
- regional (지역가입자): everyone else (the self-employed and their households).

``none`` (자격 없음) is a valid value of the fact but is not generated.

The probabilities are worked out per chunk from the chunk itself, so the shares hold for any chunk size.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nara.population.households import Bools, Chunk, Ints
from nara.population.marginals import Marginals

Strings = npt.NDArray[np.str_]
COVER = np.array(["employee", "dependent", "regional", "medical_aid"])
CHILDCARE = np.array(["none", "daycare", "kindergarten"], dtype=object)
_OLDER_DEPENDENT_AGE = 60
_EARNING = ("employed", "self_employed")


def health_insurance(
    rng: np.random.Generator,
    chunk: Chunk,
    employment: Strings,
    eligible: Bools,
    marginals: Marginals,
) -> Strings:
    """건강보험 자격 per person (see the module docstring)."""
    target = marginals.health_insurance
    h = chunk.person_household
    aid = (eligible & (rng.random(len(eligible)) < _rate(target["medical_aid"], eligible[h])))[h]
    employed = (employment == "employed") & ~aid
    employee = employed & (rng.random(len(h)) < _rate(target["employee"], employed))
    with_employee = (np.bincount(h, weights=employee, minlength=len(chunk.household_size)) > 0)[h]
    free = ~aid & ~employee & ~np.isin(employment, _EARNING)  # covered through someone else, or 지역
    dependent = free & with_employee
    elsewhere = free & ~with_employee & (chunk.age >= _OLDER_DEPENDENT_AGE)
    still_needed = max(target["dependent"] - float(dependent.mean()), 0.0)
    dependent |= elsewhere & (rng.random(len(h)) < _rate(still_needed, elsewhere))
    code: Ints = np.select([employee, dependent, ~aid], [0, 1, 2], default=3)
    cover: Strings = COVER[code]
    return cover


def _rate(share: float, candidates: Bools) -> float:
    """The probability that turns ``candidates`` into ``share`` of everyone (at most 1)."""
    return min(share / max(float(candidates.mean()), 1e-12), 1.0)


def childcare(rng: np.random.Generator, ages: Ints, marginals: Marginals) -> npt.NDArray[np.object_]:
    """어린이집 / 유치원 / neither for children under 6 by age (반 연령); None (null) for everyone else."""
    young = ages < 6
    age = np.minimum(ages, 5)
    daycare = np.array([marginals.daycare_by_age.get(a, 0.0) for a in range(6)])[age]
    kindergarten = daycare + np.array([marginals.kindergarten_by_age.get(a, 0.0) for a in range(6)])[age]
    draw = rng.random(len(ages))
    code = np.select([draw < daycare, draw < kindergarten], [1, 2], default=0)
    care: npt.NDArray[np.object_] = CHILDCARE[code]  # a copy
    care[~young] = None
    return care
