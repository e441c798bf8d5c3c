"""Simulations from population arrays, and the eligible (person, service) pairs they give.

*idiomatic*: ``SimulationBuilder`` as OpenFisca's "survey data" documentation shows — declare the persons
and the households by their ids (integers: row numbers, and the household index), join them with role
names, ``build``, then ``set_input`` every input column of a survey table — categorical ones as strings,
decoded before the clock starts (household facts taken from the head's row).

*tuned*: the populations filled directly from arrays (integer ids, the household index the loader made,
roles as an array of Role objects), the ``Simulation`` constructed on them, and only the inputs the rules
read put straight into the holders' caches, enumerations already encoded.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy
from numpy_rules import categorical, one_of, strings
from openfisca_core.indexed_enums import EnumArray
from openfisca_core.periods import period as make_period
from openfisca_core.simulations import Simulation, SimulationBuilder

from openfisca_korea import KoreaTaxBenefitSystem, inputs
from openfisca_korea.entities import ROLE_OF_RELATION, Household

Arrays = dict[str, numpy.ndarray]


def _periods(on: date) -> tuple[Any, Any]:
    day = make_period(on.isoformat())
    return day, day.first_month


def _input_period(name: str, on: date) -> Any:
    return make_period("eternity") if name in inputs.ETERNAL else _periods(on)[1]


def survey_table(arrays: Arrays) -> Arrays:
    """The arrays as a survey table holds them for the documented API: categorical columns as strings.
    Done before the clock starts, as the loading is."""
    table = {name: values for name, values in arrays.items() if not name.endswith(":categories")}
    for name in list(table):
        if f"{name}:categories" in arrays:
            table[name] = strings(arrays, name)
    return table


def build_idiomatic(system: KoreaTaxBenefitSystem, table: Arrays, on: date) -> Simulation:
    """The documented way, from a survey table (``survey_table``)."""
    relation = table["relation"]
    heads = numpy.flatnonzero(relation == "self")
    roles = numpy.full(len(relation), "other", dtype=object)
    for value, role in ROLE_OF_RELATION.items():
        roles[relation == value] = role
    builder = SimulationBuilder()
    builder.create_entities(system)
    builder.declare_person_entity("person", numpy.arange(len(relation)))
    households = builder.declare_entity("household", table["household"][heads])
    builder.join_with_persons(households, table["household"], roles)
    simulation = builder.build(system)
    for name in inputs.PERSON_INPUTS:
        simulation.set_input(name, _input_period(name, on), table[name])
    for name in inputs.HOUSEHOLD_INPUTS:
        simulation.set_input(name, _input_period(name, on), table[name][heads])
    return simulation


def build_tuned(
    system: KoreaTaxBenefitSystem, arrays: Arrays, on: date, needed: frozenset[str]
) -> Simulation:
    household = arrays["household"]
    count = len(household)
    households_count = int(household.max()) + 1 if count else 0
    role_keys = [role.key for role in Household.flattened_roles]
    role_of_category = numpy.array(
        [role_keys.index(ROLE_OF_RELATION.get(value, "other")) for value in arrays["relation:categories"]]
    )
    role_index = role_of_category[arrays["relation"]]
    heads = numpy.flatnonzero(one_of(arrays, "relation", "self"))
    head_households = household[heads]

    populations = system.instantiate_entities()
    persons, households = populations["person"], populations["household"]
    persons.count, persons.ids = count, numpy.arange(count)
    households.count, households.ids = households_count, numpy.arange(households_count)
    households.members_entity_id = household
    households._members_role = numpy.array(Household.flattened_roles, dtype=object)[role_index]
    simulation = Simulation(system, populations)
    for name in needed:
        values = arrays[name]
        if name in inputs.HOUSEHOLD_INPUTS:
            by_household = numpy.empty(households_count, dtype=values.dtype)
            by_household[head_households] = values[heads]
            values = by_household
        variable = system.variables[name]
        if variable.value_type is inputs.Enum:
            values = _encode(values, arrays[f"{name}:categories"], variable.possible_values)
        elif variable.value_type is str:
            values = arrays[f"{name}:categories"][values].astype(variable.dtype)
        elif values.dtype != variable.dtype:
            values = values.astype(variable.dtype)
        simulation.get_holder(name).put_in_cache(values, _input_period(name, on))
    simulation.heads_by_household = numpy.empty(households_count, dtype=numpy.int64)  # type: ignore[attr-defined]
    simulation.heads_by_household[head_households] = heads  # type: ignore[attr-defined]
    return simulation


def _encode(codes: numpy.ndarray, categories: numpy.ndarray, enum: Any) -> EnumArray:
    """Categorical codes → an EnumArray, through a lookup from each category to its enum index."""
    index_of_category = numpy.array([enum[str(value)].index for value in categories], dtype=numpy.int16)
    return EnumArray(index_of_category[codes], enum)


def pairs_by_service(
    simulation: Simulation, services: dict[str, str], on: date, tuned: bool
) -> dict[str, int]:
    """Compute every rule variable; the eligible (person row, service) pairs, counted by service."""
    day, _ = _periods(on)
    households = simulation.populations["household"]
    found: dict[str, int] = {}
    for service, name in services.items():
        values = simulation.calculate(name, day)
        if simulation.tax_benefit_system.variables[name].entity.key == "household":
            if tuned:
                persons = simulation.heads_by_household[numpy.flatnonzero(values)]  # type: ignore[attr-defined]
            else:
                persons = numpy.flatnonzero(households.project(values, role=Household.HEAD))
        else:
            persons = numpy.flatnonzero(values)
        found[service] = len(persons)
    return found


def inputs_read(system: KoreaTaxBenefitSystem, services: dict[str, str], on: date) -> frozenset[str]:
    """The input variables the rules read, found by tracing them on a one-household simulation."""
    sample: Arrays = {
        "household": numpy.zeros(2, dtype=numpy.int64),
        "birth_date": numpy.array(["1950-01-01", "2020-01-01"], dtype="datetime64[D]"),
        "birth_order": numpy.array([0, 1]),
        "pregnant": numpy.array([False, False]),
        "veteran": numpy.array([False, False]),
        "household_size": numpy.array([2, 2]),
        "income_recognised_monthly": numpy.array([0, 0]),
        "owns_home": numpy.array([False, False]),
        "single_parent": numpy.array([True, True]),
        "multicultural": numpy.array([False, False]),
        "north_korean_defector": numpy.array([False, False]),
    }
    for name, values in {
        "relation": ["self", "child"], "sex": ["female", "male"], "disability": ["none", "none"],
        "employment": ["none", "student"], "school": ["none", "elementary"], "industry": ["none", "none"],
        "region": ["11110", "11110"],
    }.items():  # fmt: skip
        sample[name], sample[f"{name}:categories"] = categorical(values)
    simulation = build_idiomatic(system, survey_table(sample), on)
    simulation.trace = True
    day, _ = _periods(on)
    for name in services.values():
        simulation.calculate(name, day)
    read = {node.name for node in simulation.tracer.browse_trace()}
    return frozenset(name for name in (*inputs.PERSON_INPUTS, *inputs.HOUSEHOLD_INPUTS) if name in read)
