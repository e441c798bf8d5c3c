"""Reason codes: which way an eligible answer was reached, in a few characters, the same in every engine.

A rule's *decision points* are its ``any`` nodes in file order (not those inside the ``where`` of a
household aggregate, which are per member) and, when it has two or more, its amount cases. The reason code
of an eligible answer names, for each point, the first branch that holds — ``any1=2,amount=1`` reads "the
second branch of the first ``any``, the first amount case" — or 0 when none does (an ``any`` under a
``not``). A rule without decision points has the code ``all``: every condition held.
"""

from __future__ import annotations

from dataclasses import dataclass

from nara.rules.rulebook import AllOf, AnyOf, Condition, NotOf, Rule

ALL_CONDITIONS = "all"


@dataclass(frozen=True)
class DecisionPoint:
    name: str  # any1, any2 …, amount
    branches: tuple[Condition | None, ...]  # None: a branch that always holds (an amount case without when)


def decision_points(rule: Rule) -> tuple[DecisionPoint, ...]:
    """The rule's ``any`` nodes in file order, then its amount cases when there are two or more."""
    found: list[DecisionPoint] = []

    def walk(condition: Condition) -> None:
        if isinstance(condition, AnyOf):
            found.append(DecisionPoint(f"any{len(found) + 1}", condition.items))
        if isinstance(condition, AllOf | AnyOf):
            for item in condition.items:
                walk(item)
        elif isinstance(condition, NotOf):
            walk(condition.item)

    walk(rule.when)
    if rule.amount is not None and len(rule.amount.cases) > 1:
        found.append(DecisionPoint("amount", tuple(case.when for case in rule.amount.cases)))
    return tuple(found)


def reason_code(branches: list[tuple[str, int]]) -> str:
    """``[("any1", 2), ("amount", 1)]`` → ``any1=2,amount=1``; no points → ``all``.

    >>> reason_code([("any1", 2), ("amount", 1)]), reason_code([])
    ('any1=2,amount=1', 'all')
    """
    return ",".join(f"{name}={branch}" for name, branch in branches) or ALL_CONDITIONS
