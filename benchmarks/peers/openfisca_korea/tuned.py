"""The *tuned* form: the same variables, the hot formulas rewritten with numpy lookup arrays.

Each replacement keeps the variable's name, entity, type and period (``update_variable``); only the
formula changes:

- ages: one calendar computation per distinct day from the earliest birth date, then a lookup by day
  (``numpy_rules.full_years`` / ``full_months``), instead of calendar arithmetic on every birth date;
- roles (head, spouse, child): read from the ``relation`` input (an int16 comparison) instead of
  comparing arrays of Role objects;
- household-size tables: one numpy array per table and day (index = household size, extended by the last
  step per extra person up to Nara's 30 members), read with ``household_size``, instead of fancy indexing.
"""

from __future__ import annotations

from typing import Any

import numpy
from numpy_rules import full_months, full_years
from openfisca_core.variables import Variable

from openfisca_korea.inputs import Relation

# ruff: noqa: N801, N805

MAX_HOUSEHOLD_SIZE = 30


def size_lookup(table: Any, extend: bool = True) -> Any:
    """A household-size parameter node as a numpy array indexed by size (0 unused)."""
    sizes = sorted(int(key) for key in table)
    largest = sizes[-1]
    lookup = numpy.zeros(MAX_HOUSEHOLD_SIZE + 1, dtype=numpy.int64)
    lookup[sizes] = [table[str(size)] for size in sizes]
    if extend:
        step = lookup[largest] - lookup[largest - 1]
        lookup[largest + 1 :] = lookup[largest] + step * numpy.arange(1, MAX_HOUSEHOLD_SIZE - largest + 1)
    else:
        lookup[largest + 1 :] = -1  # no value: nobody's income is at or below it
    return lookup


def _by_size(path: str) -> Any:
    """A formula: the household-size table at ``path`` (e.g. "basic_livelihood.medical_threshold")."""

    def formula(household: Any, period: Any, parameters: Any) -> Any:
        table = parameters(period)
        for key in path.split("."):
            table = table[key]
        return size_lookup(table)[household("household_size", period.first_month)]

    return formula


class age(Variable):
    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return full_years(person("birth_date", period), period.start.date)


class age_months(Variable):
    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return full_months(person("birth_date", period), period.start.date)


class is_child(Variable):
    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return person("relation", period) == Relation.child


class is_head(Variable):
    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return person("relation", period) == Relation.self


class is_spouse(Variable):
    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return person("relation", period) == Relation.spouse


class has_spouse(Variable):
    def formula(household: Any, period: Any, parameters: Any) -> Any:
        return household.any(household.members("is_spouse", period))


class livelihood_threshold(Variable):
    formula = _by_size("basic_livelihood.livelihood_threshold")


class medical_threshold(Variable):
    formula = _by_size("basic_livelihood.medical_threshold")


class housing_threshold(Variable):
    formula = _by_size("basic_livelihood.housing_threshold")


class education_threshold(Variable):
    formula = _by_size("basic_livelihood.education_threshold")


class median_income(Variable):
    formula = _by_size("median_income")


VARIABLES = (
    age, age_months, is_child, is_head, is_spouse, has_spouse, livelihood_threshold, medical_threshold, housing_threshold, education_threshold, median_income
)  # fmt: skip
