"""Dated legal parameters (YAML in ``parameters/``): a value applies from its date; history is never edited."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from nara.rules.errors import RuleFileInvalid

Value = int | float | dict[int, int | float]


@dataclass(frozen=True)
class Parameter:
    """One parameter: its label, unit, legal reference and dated values."""

    name: str
    label: str
    unit: str
    reference: str
    source: str
    by_household_size: bool
    extend_per_person: bool
    starts: tuple[date, ...]
    values: tuple[Value, ...]

    def at(self, on: date, household_size: int | None = None) -> int | float | None:
        """The value in force on ``on`` (None before the first date); by household size when indexed."""
        position = bisect_right(self.starts, on) - 1
        if position < 0:
            return None
        value = self.values[position]
        if not isinstance(value, dict):
            return value
        if household_size is None:
            raise KeyError(f"{self.name} is indexed by household size")
        return _by_size(value, household_size, self.extend_per_person)


def _by_size(table: dict[int, int | float], size: int, extend: bool) -> int | float:
    """A household-size table; above its largest size, add the last step per extra person if allowed.

    >>> _by_size({1: 10, 2: 15, 3: 19}, 5, True)
    27
    """
    if size in table:
        return table[size]
    largest = max(table)
    if size < 1 or not extend:
        raise KeyError(size)
    step = table[largest] - table[largest - 1]
    return table[largest] + step * (size - largest)


@lru_cache(maxsize=1)
def parameters() -> dict[str, Parameter]:
    """Every parameter in ``nara/rules/parameters/*.yaml``."""
    folder = resources.files("nara.rules").joinpath("parameters")
    found: dict[str, Parameter] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            for name, spec in (yaml.safe_load(entry.read_text("utf-8")) or {}).items():
                found[name] = _parameter(name, spec, entry.name)
    return found


def _parameter(name: str, spec: dict[str, Any], file_name: str) -> Parameter:
    try:
        dated = sorted((_as_date(start), value) for start, value in spec["values"].items())
        indexed = spec.get("index") == "household_size"
        values = tuple(_table(v) if indexed else v for _, v in dated)
        return Parameter(
            name=name,
            label=spec["label"],
            unit=spec["unit"],
            reference=spec["reference"],
            source=spec.get("source", ""),
            by_household_size=indexed,
            extend_per_person=spec.get("extend") == "per_person_increment",
            starts=tuple(start for start, _ in dated),
            values=values,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RuleFileInvalid(f"parameters/{file_name}: {name}: {error!r}") from error


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _table(value: Any) -> dict[int, int | float]:
    if not isinstance(value, dict):
        raise TypeError("a household-size parameter needs a table {1: …, 2: …}")
    return {int(size): amount for size, amount in value.items()}


def median_income_table(on: date) -> dict[int, int]:
    """기준중위소득 by household size in force on ``on`` (the published table, 1–7인)."""
    parameter = parameters()["median_income"]
    position = bisect_right(parameter.starts, on) - 1
    table = parameter.values[max(position, 0)]
    assert isinstance(table, dict)
    return {size: int(value) for size, value in table.items()}
