"""The peer rules hand-written in plain numpy: the practical lower bound for one machine, one process.

    .venv/bin/python benchmarks/peers/numpy_rules.py --population FILE.parquet --on 2025-06-01 --out R.json

``load_population`` (also used by ``run_openfisca.py`` in the peer venv, so it needs only numpy and
pyarrow) reads the Parquet file into numpy arrays; that is not timed. ``evaluate`` is the timed part:
every rule over every person, then the eligible (person, service) pairs counted by service. Parameters
are Nara's own (``nara.rules.parameters``), read on the evaluation date.

Semantics are the Polars plan's for a fully known population: a rule about the subject gives the pair
(the member with relation ``self``, service); a per-child rule (``for_each: children``) gives each
member with relation ``child`` that meets it, a ``for_each: members`` rule each member that meets it.
Ages are full years / full months on the date.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections.abc import Callable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Arrays = dict[str, np.ndarray]
Mask = npt.NDArray[np.bool_]

# The columns read from the population file. Persons are identified by their row number, households by
# ``household`` (0 … H-1, in order of first appearance of household_id); the other string columns are
# categorical — as Parquet stores them: ``name`` the int16 codes, ``name:categories`` the values (see
# ``strings`` and ``one_of``); birth_date is datetime64[D]; birth_order is 0 when null (non-children).
COLUMNS = (
    "household_id", "relation", "birth_date", "sex", "disability", "pregnant", "employment",
    "school", "birth_order", "veteran", "industry", "region", "household_size",
    "income_recognised_monthly", "owns_home", "single_parent", "multicultural", "north_korean_defector",
)  # fmt: skip
MAX_HOUSEHOLD_SIZE = 30  # Nara's MAX_MEMBERS: household-size tables are defined up to here


def load_population(path: Path) -> Arrays:
    """The population file as numpy arrays, one entry per column (plus ``household``, an int index)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=list(COLUMNS))
    arrays: Arrays = {}
    for name in COLUMNS:
        column = table.column(name)
        if pa.types.is_dictionary(column.type):  # Nara writes facts with few values dictionary-encoded
            column = column.cast(pa.string())
        column = column.combine_chunks()
        if name == "household_id":
            encoded = pc.dictionary_encode(column)
            arrays["household"] = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        elif pa.types.is_string(column.type):
            encoded = pc.dictionary_encode(column)
            arrays[name] = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int16)
            arrays[f"{name}:categories"] = encoded.dictionary.to_numpy(zero_copy_only=False).astype(str)
        elif pa.types.is_date32(column.type):
            arrays[name] = column.to_numpy(zero_copy_only=False).astype("datetime64[D]")
        elif pa.types.is_integer(column.type):
            arrays[name] = pc.fill_null(column, 0).to_numpy(zero_copy_only=False)
        else:
            arrays[name] = column.to_numpy(zero_copy_only=False)
    return arrays


def full_years(born: npt.NDArray[np.datetime64], on: date) -> npt.NDArray[np.int64]:
    """만 나이 on ``on`` for every birth date (one calendar computation per distinct day, then a lookup)."""
    return _by_birth_day(born, on, years=True)


def full_months(born: npt.NDArray[np.datetime64], on: date) -> npt.NDArray[np.int64]:
    """Full months on ``on`` (Nara's age_months) for every birth date, the same way."""
    return _by_birth_day(born, on, years=False)


def _by_birth_day(born: npt.NDArray[np.datetime64], on: date, years: bool) -> npt.NDArray[np.int64]:
    """The calendar arithmetic of Nara's Polars plan, done once for each day from the earliest birth date to
    the latest day needed (some 45,000 days), then read for each person by the day's position: a lookup
    table instead of calendar arithmetic on a million birth dates."""
    if not len(born):
        return np.zeros(0, dtype=np.int64)
    today = np.datetime64(on, "D")
    first = born.min()
    days = np.arange(first, max(born.max(), today) + 1)
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    if years:
        later_in_year = (month > on.month) | ((month == on.month) & (day > on.day))
        table = on.year - year - later_in_year
    else:
        table = (on.year - year) * 12 + on.month - month - (day > on.day)
    return table[(born - first).astype(np.int64)]


def categorical(values: list[str] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Strings → (int16 codes, categories), as ``load_population`` keeps string columns."""
    categories, codes = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return codes.astype(np.int16), categories


def strings(arrays: Arrays, name: str) -> np.ndarray:
    """A categorical column back as strings (numpy unicode)."""
    return arrays[f"{name}:categories"][arrays[name]]


def one_of(arrays: Arrays, name: str, *allowed: str) -> Mask:
    """Per person: whether categorical column ``name`` is one of ``allowed`` (a lookup by code)."""
    return np.isin(arrays[f"{name}:categories"], allowed)[arrays[name]]


class Rows:
    """Some persons (row numbers ``rows``) and their facts, each computed once, when a rule first needs it.

    The rules about the subject look only at the subjects (relation ``self``, one per household), the
    per-child rules only at the children, a rule that names the relations it is about only at those
    members: every vector operation then runs on those rows alone.
    """

    def __init__(self, population: Population, rows: npt.NDArray[np.int64]) -> None:
        self.p = population
        self.rows = rows
        self.household = population.household[rows]

    def column(self, name: str) -> np.ndarray:
        cached = self.__dict__.setdefault("_columns", {})
        if name not in cached:
            cached[name] = self.p.a[name][self.rows]
        return cached[name]  # type: ignore[no-any-return]

    def one_of(self, name: str, *allowed: str) -> Mask:
        """``name in [allowed…]`` for a categorical column (a lookup by code)."""
        return np.isin(self.p.a[f"{name}:categories"], allowed)[self.column(name)]

    def flag(self, name: str) -> Mask:
        return self.column(name)  # type: ignore[return-value]

    @cached_property
    def income(self) -> npt.NDArray[np.int64]:
        return self.column("income_recognised_monthly")  # type: ignore[return-value]

    @cached_property
    def age(self) -> npt.NDArray[np.int64]:
        return full_years(self.column("birth_date"), self.p.on)

    @cached_property
    def age_months(self) -> npt.NDArray[np.int64]:
        return full_months(self.column("birth_date"), self.p.on)

    @cached_property
    def at_school(self) -> Mask:
        return self.one_of("school", "elementary", "middle", "high")

    @cached_property
    def has_spouse(self) -> Mask:
        """Whether the person's household has a member with relation ``spouse``."""
        return self.p.spouse_households[self.household]

    @cached_property
    def median(self) -> npt.NDArray[np.float64]:
        """기준 중위소득 of the household's size."""
        return self.by_size("median_income")

    @cached_property
    def half_median(self) -> npt.NDArray[np.float64]:
        """median_income[household.size] * 0.5, as five rules write it."""
        return self.median * 0.5

    def by_size(self, name: str) -> npt.NDArray[np.float64]:
        """A household-size table in force on the date, looked up by ``household_size``."""
        return self.p.size_lookup(name)[self.column("household_size")]

    def income_at_most(self, name: str) -> Mask:
        return self.income <= self.by_size(name)

    def pension_income_test(self, single: str, couple: str) -> Mask:
        """The single / couple selection threshold of 기초연금 and 장애인연금, by whether there is a spouse."""
        param = self.p.param
        return np.where(self.has_spouse, self.income <= param(couple), self.income <= param(single))

    def households_where(self, mask: Mask) -> Mask:
        """Per household: whether any of these rows in it meets ``mask`` (for ``any_member``)."""
        found = np.zeros(self.p.households, dtype=bool)
        found[self.household[mask]] = True
        return found

    def eligible(self, mask: Mask) -> npt.NDArray[np.int64]:
        """The row numbers of the persons meeting ``mask``: the (person, service) pairs."""
        return self.rows[mask]


class Population:
    """The arrays, the date, the parameters, and the three kinds of rows the rules look at."""

    def __init__(self, arrays: Arrays, on: date) -> None:
        from nara.rules.parameters import parameters

        self.a = arrays
        self.on = on
        self.parameters = parameters()
        self.household: npt.NDArray[np.int64] = arrays["household"]
        self.households = int(self.household.max()) + 1 if len(self.household) else 0

    @cached_property
    def heads(self) -> Rows:
        """The subjects: members with relation ``self``."""
        return self.with_relation("self")

    @cached_property
    def children(self) -> Rows:
        """Members with relation ``child`` (``for_each: children``)."""
        return self.with_relation("child")

    def with_relation(self, *relations: str) -> Rows:
        """The members whose relation is one of ``relations`` (each set made once)."""
        cached = self.__dict__.setdefault("_relations", {})
        if relations not in cached:
            cached[relations] = Rows(self, np.flatnonzero(one_of(self.a, "relation", *relations)))
        return cached[relations]  # type: ignore[no-any-return]

    @cached_property
    def spouse_households(self) -> Mask:
        spouses = np.flatnonzero(one_of(self.a, "relation", "spouse"))
        found = np.zeros(self.households, dtype=bool)
        found[self.household[spouses]] = True
        return found

    def param(self, name: str) -> Any:
        """A parameter's value in force on the evaluation date."""
        value = self.parameters[name].at(self.on)
        if value is None:
            raise ValueError(f"{name} has no value on {self.on}")
        return value

    def size_lookup(self, name: str) -> npt.NDArray[np.float64]:
        """A household-size table in force on the date as an array indexed by size (1 … 30)."""
        cached = self.__dict__.setdefault("_lookups", {})
        if name not in cached:
            parameter = self.parameters[name]
            lookup = np.full(MAX_HOUSEHOLD_SIZE + 1, np.nan)
            for size in range(1, MAX_HOUSEHOLD_SIZE + 1):
                try:
                    value = parameter.at(self.on, size)
                except KeyError:
                    continue
                if value is None:
                    raise ValueError(f"{name} has no value on {self.on}")
                lookup[size] = value
            cached[name] = lookup
        return cached[name]  # type: ignore[no-any-return]


Rule = Callable[[Population], npt.NDArray[np.int64]]
Pairs = npt.NDArray[np.int64]


def _child_allowance(p: Population) -> Pairs:  # 135200000120 아동수당
    c = p.children
    return c.eligible(c.age_months < p.param("child_allowance.age_limit_months"))


def _parent_benefit(p: Population) -> Pairs:  # NARA-PARENT-BENEFIT 부모급여
    c = p.children
    return c.eligible(c.age_months < 24)


def _first_meeting_voucher(p: Population) -> Pairs:  # 135200005015 첫만남이용권
    c = p.children
    return c.eligible(c.age_months < 12)


def _basic_pension(p: Population) -> Pairs:  # SSE000000170 기초연금
    h = p.heads
    within = h.pension_income_test(
        "basic_pension.selection_threshold_single", "basic_pension.selection_threshold_couple"
    )
    return h.eligible((h.age >= p.param("basic_pension.age")) & within)


def _livelihood(p: Population) -> Pairs:  # WII000001410 생계급여
    return p.heads.eligible(p.heads.income_at_most("basic_livelihood.livelihood_threshold"))


def _medical(p: Population) -> Pairs:  # 999000000043 의료급여
    return p.heads.eligible(p.heads.income_at_most("basic_livelihood.medical_threshold"))


def _housing(p: Population) -> Pairs:  # 336000000096 주거급여
    return p.heads.eligible(p.heads.income_at_most("basic_livelihood.housing_threshold"))


def _education(p: Population) -> Pairs:  # 134200000003 교육급여
    c = p.children
    return c.eligible(c.at_school & c.income_at_most("basic_livelihood.education_threshold"))


def _culture_card(p: Population) -> Pairs:  # 137100000236 문화누리카드
    h = p.heads
    return h.eligible((h.age >= p.param("culture_card.min_age")) & (h.income <= h.half_median))


def _learning_card(p: Population) -> Pairs:  # 149200000026 국민내일배움카드
    h = p.heads
    in_age = (h.age >= p.param("learning_card.min_age")) & (h.age < p.param("learning_card.max_age"))
    not_excluded = ~h.one_of("employment", "student") | h.one_of("school", "high", "university")
    return h.eligible(in_age & not_excluded)


def _telecom_discount(p: Population) -> Pairs:  # 172100000012 취약계층 통신요금 감면
    h = p.heads
    pension = (h.age >= p.param("basic_pension.age")) & h.pension_income_test(
        "basic_pension.selection_threshold_single", "basic_pension.selection_threshold_couple"
    )
    disabled = h.one_of("disability", "mild", "severe")
    return h.eligible((h.income <= h.half_median) | disabled | h.flag("veteran") | pension)


def _jeonse_rental(p: Population) -> Pairs:  # 999000000022 기존주택 전세임대
    h = p.heads
    near_poor = h.income <= h.median * p.param("jeonse_rental.near_poor_ratio")
    medical = h.income_at_most("basic_livelihood.medical_threshold")
    return h.eligible(~h.flag("owns_home") & (medical | h.flag("single_parent") | near_poor))


def _self_support_work(p: Population) -> Pairs:  # SBA000000100 자활근로
    h = p.heads
    in_age = (h.age >= p.param("self_support_work.min_age")) & (
        h.age < p.param("self_support_work.age_limit")
    )
    return h.eligible((h.income <= h.half_median) & in_age & ~h.one_of("employment", "student"))


def _disability_pension(p: Population) -> Pairs:  # SD0000016119 장애인연금
    h = p.heads
    within = h.pension_income_test(
        "disability_pension.selection_threshold_single", "disability_pension.selection_threshold_couple"
    )
    old_enough = h.age >= p.param("disability_pension.min_age")
    return h.eligible(old_enough & h.one_of("disability", "severe") & within)


def _disability_allowance(p: Population) -> Pairs:  # SPE000000010 장애수당
    h = p.heads
    pupil = (h.age <= p.param("disability_allowance.student_age_limit")) & h.at_school
    in_age = h.age >= p.param("disability_allowance.min_age")
    return h.eligible(in_age & h.one_of("disability", "mild") & (h.income <= h.half_median) & ~pupil)


def _disabled_child_allowance(p: Population) -> Pairs:  # SPE000000020 장애아동수당
    c = p.children
    pupil = (c.age <= p.param("disabled_child_allowance.student_age_limit")) & c.at_school
    young = c.age < p.param("disabled_child_allowance.age_limit")
    disabled = c.one_of("disability", "mild", "severe")
    return c.eligible(disabled & (c.income <= c.half_median) & (young | pupil))


def _senior_jobs(p: Population) -> Pairs:  # SSE000000100 노인일자리 및 사회활동 지원
    return p.heads.eligible(p.heads.age >= p.param("senior_jobs.min_age"))


def _happy_birth(p: Population) -> Pairs:  # 174000000029 행복출산 원스톱서비스
    c = p.children
    return c.eligible(c.age_months < p.param("happy_birth_onestop.window_months"))


def _child_care_service(p: Population) -> Pairs:  # 423000000362 아이돌봄 서비스
    c = p.children
    old_enough = c.age_months >= p.param("child_care_service.min_age_months")
    return c.eligible(old_enough & (c.age <= p.param("child_care_service.max_age_years")))


def _postnatal_care(p: Population) -> Pairs:  # PTR000050390 산모·신생아 건강관리 지원
    h, c, parents = p.heads, p.children, p.with_relation("self", "spouse")
    within = h.income <= h.median * p.param("postnatal_care.income_ratio")
    newborn = c.households_where(c.age_months < p.param("postnatal_care.newborn_window_months"))
    expecting = parents.households_where(parents.one_of("sex", "female") & parents.flag("pregnant"))
    return h.eligible(within & (newborn | expecting)[h.household])


def _single_parent_allowance(p: Population) -> Pairs:  # SSI000000020 한부모가족 아동양육비 지원
    # for_each: members, and the first condition keeps children and grandchildren: look only at them
    m = p.with_relation("child", "grandchild")
    within = m.income <= m.median * p.param("single_parent_allowance.income_ratio")
    young = m.age < p.param("single_parent_allowance.child_age_limit")
    studying = m.at_school | m.one_of("school", "university")
    student = (m.age < p.param("single_parent_allowance.student_age_limit")) & studying
    return m.eligible(m.flag("single_parent") & within & (young | student))


# service id → the rule: the row numbers of the persons with an eligible (person, service) pair.
RULES: dict[str, Rule] = {
    "135200000120": _child_allowance,
    "NARA-PARENT-BENEFIT": _parent_benefit,
    "135200005015": _first_meeting_voucher,
    "SSE000000170": _basic_pension,
    "WII000001410": _livelihood,
    "999000000043": _medical,
    "336000000096": _housing,
    "134200000003": _education,
    "137100000236": _culture_card,
    "149200000026": _learning_card,
    "172100000012": _telecom_discount,
    "999000000022": _jeonse_rental,
    "SBA000000100": _self_support_work,
    "SD0000016119": _disability_pension,
    "SPE000000010": _disability_allowance,
    "SPE000000020": _disabled_child_allowance,
    "SSE000000100": _senior_jobs,
    "174000000029": _happy_birth,
    "423000000362": _child_care_service,
    "PTR000050390": _postnatal_care,
    "SSI000000020": _single_parent_allowance,
}


def evaluate(arrays: Arrays, on: date) -> dict[str, int]:
    """Every rule over every person: the eligible (person, service) pairs, counted by service."""
    population = Population(arrays, on)
    return {service: len(rule(population)) for service, rule in RULES.items()}


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--population", type=Path, required=True)
    parser.add_argument("--on", type=date.fromisoformat, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    arrays = load_population(args.population)
    from nara.rules.parameters import parameters

    parameters()  # read the parameter files before timing, as OpenFisca's system is built before its clock
    started = time.perf_counter()
    pairs = evaluate(arrays, args.on)
    seconds = time.perf_counter() - started
    result = {
        "form": "numpy",
        "seconds": round(seconds, 3),
        "peak_rss_mb": peak_rss_mb(),
        "persons": len(arrays["household"]),
        "pairs_by_service": pairs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
