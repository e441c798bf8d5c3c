"""Age thresholds as birth-date cut-offs, for the population plans (Polars, SQL).

``member.age >= 65`` on 2025-06-01 is ``birth_date <= 1960-06-01``: one date comparison per row instead of
working out every member's age, with the same answers as counting full years (만 나이) or full months.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from nara.rules.expressions import Comparison, FactRef, Number, ParamRef
from nara.rules.parameters import parameters

_MONTHS_PER_UNIT = {"member.age": 12, "member.age_months": 1}


def born_by(on: date, months: int) -> date:
    """The last birth date of someone at least ``months`` full months old on ``on`` (12 × years for years).

    >>> born_by(date(2025, 6, 1), 65 * 12), born_by(date(2025, 3, 31), 1), born_by(date(2024, 2, 29), 12)
    (datetime.date(1960, 6, 1), datetime.date(2025, 2, 28), datetime.date(2023, 2, 28))
    """
    month_number = on.year * 12 + on.month - 1 - months
    year, month = divmod(month_number, 12)
    return date(year, month + 1, min(on.day, monthrange(year, month + 1)[1]))


def birth_date_cutoff(comparison: Comparison, on: date) -> tuple[str, date] | None:
    """``("<=", d)`` or ``(">", d)`` such that ``birth_date <op> d`` is the comparison of an age with a
    constant (a number or an undated, unindexed parameter); None for any other comparison."""
    left, right = comparison.left, comparison.right
    if not (isinstance(left, FactRef) and left.name in _MONTHS_PER_UNIT):
        return None
    if isinstance(right, Number) and isinstance(right.value, int):
        threshold = right.value
    elif isinstance(right, ParamRef) and right.size is None and right.at is None:
        value = parameters()[right.name].at(on)
        if not isinstance(value, int):
            return None
        threshold = value
    else:
        return None
    unit = _MONTHS_PER_UNIT[left.name]
    months = threshold * unit
    if comparison.op == ">=":
        return "<=", born_by(on, months)
    if comparison.op == ">":
        return "<=", born_by(on, months + unit)
    if comparison.op == "<":
        return ">", born_by(on, months)
    if comparison.op == "<=":
        return ">", born_by(on, months + unit)
    return None
