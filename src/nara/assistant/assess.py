"""The engine's answer for what the assistant knows, which may be less than one situation.

What is known only within bounds (a birth date between two dates, a disability mild or severe, a household
that may have more people than were named) is evaluated at every end: each combination is a full situation
for :func:`nara.rules.evaluate`. A service keeps a status only when every combination gives it; otherwise it
is undetermined and the facts whose bounds made the difference join its missing facts, so that
:func:`nara.rules.next_question` can ask them. No value inside the bounds is ever chosen.

A birth range is also evaluated at each birthday inside it, for the services whose answer at the ends turned
on an age (a window such as 13–18 inside "10대" agrees at both ends and is still not the same inside).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from nara.assistant.state import HOUSEHOLD_COUNT, State, months_before
from nara.rules import EligibilityResult, Situation, Status, evaluate, parse_situation, rulebook

_EXTRA_PEOPLE = (0, 1, 3)  # an incomplete household: as named, or with one or three more unknown people
_UNKNOWN_PERSON = "x"  # ids x1, x2, … of the people not named in an incomplete household


@dataclass(frozen=True)
class Dimension:
    fact: str  # the fact asked to settle it: members.<id>.birth_date, members.<id>.disability, household…
    options: tuple[Any, ...]


@dataclass(frozen=True)
class Variant:
    choice: tuple[int, ...]  # one option index per dimension
    results: dict[str, EligibilityResult]


def assess(state: State, today: date) -> list[EligibilityResult]:
    """Every rule's answer for what ``state`` knows, in rulebook order."""
    known = (state.subject, state.members, state.facts, state.born, state.choices, state.household_complete)
    return list(_assess(json.dumps(known, sort_keys=True, default=str), today))


@lru_cache(maxsize=64)
def _assess(known: str, today: date) -> tuple[EligibilityResult, ...]:
    """The answers for one description of what is known (the same description is often asked twice)."""
    subject, members, facts, born, choices, complete = json.loads(known)
    state = State(subject=subject, members=members, facts=facts, born=born, choices=choices)
    state.household_complete = complete
    dimensions = _dimensions(state, today)
    variants = [
        Variant(choice, {r.service_id: r for r in evaluate(_situation(state, dimensions, choice, today))})
        for choice in itertools.product(*(range(len(d.options)) for d in dimensions))
    ]
    variants += _inside_ages(state, dimensions, variants, today)
    return tuple(_merge(rule.service_id, dimensions, variants) for rule in rulebook())


def _dimensions(state: State, today: date) -> list[Dimension]:
    dimensions = [
        Dimension(
            f"members.{member_id}.birth_date", (date.fromisoformat(latest), date.fromisoformat(earliest))
        )
        for member_id, (earliest, latest) in state.born.items()
        if member_id in state.members
    ]
    dimensions += [Dimension(fact, tuple(options)) for fact, options in state.choices.items()]
    if not state.household_complete:
        dimensions.append(Dimension(HOUSEHOLD_COUNT, _EXTRA_PEOPLE))
    return dimensions


def _situation(
    state: State, dimensions: Sequence[Dimension], choice: Sequence[int], today: date
) -> Situation:
    facts = dict(state.facts)
    extra = 0
    for dimension, index in zip(dimensions, choice, strict=True):
        if dimension.fact == HOUSEHOLD_COUNT:
            extra = int(dimension.options[index])
        else:
            facts[dimension.fact] = dimension.options[index]
    members = list(state.members) + [f"{_UNKNOWN_PERSON}{n}" for n in range(1, extra + 1)]
    household = {k.removeprefix("household."): v for k, v in facts.items() if k.startswith("household.")}
    documents = []
    for member_id in members:
        prefix = f"members.{member_id}."
        fields = {k.removeprefix(prefix): v for k, v in facts.items() if k.startswith(prefix)}
        documents.append({"id": member_id, **fields})
    document = {"on": today, "subject": state.subject, "household": household, "members": documents}
    return parse_situation(document, today=today)


def _inside_ages(
    state: State, dimensions: list[Dimension], variants: list[Variant], today: date
) -> list[Variant]:
    """The services that agree at both ends of a birth range but turned on an age there, evaluated at each
    birthday inside the range (with the other dimensions at their first option)."""
    extra: list[Variant] = []
    for position, dimension in enumerate(dimensions):
        if not dimension.fact.endswith(".birth_date"):
            continue
        services = [
            service_id
            for service_id in variants[0].results
            if len({v.results[service_id].status for v in variants}) == 1
            and any(_turns_on_age(v.results[service_id]) for v in variants)
        ]
        if not services:
            continue
        rules = tuple(rule for rule in rulebook() if rule.service_id in set(services))
        youngest, oldest = dimension.options
        for number, born in enumerate(
            _birthdays_between(oldest, youngest, today), start=len(dimension.options)
        ):
            options = list(dimensions)
            options[position] = Dimension(dimension.fact, (born,))
            results = evaluate(_situation(state, options, tuple(0 for _ in dimensions), today), rules)
            # inside the range: a further option of this dimension, the others at their first
            choice = tuple(number if i == position else 0 for i in range(len(dimensions)))
            extra.append(Variant(choice, {r.service_id: r for r in results}))
    return extra


def _turns_on_age(result: EligibilityResult) -> bool:
    return any("member.age" in reason.condition for reason in result.reasons)


def _birthdays_between(earliest: date, latest: date, today: date) -> list[date]:
    """One birth date for each whole age strictly between the ages of the two ends."""
    dates = []
    years = 1
    while (born := months_before(today, 12 * years)) > earliest:
        if born < latest:
            dates.append(born)
        years += 1
    return dates[:120]


def _merge(service_id: str, dimensions: list[Dimension], variants: list[Variant]) -> EligibilityResult:
    results = [v.results[service_id] for v in variants if service_id in v.results]
    first = results[0]
    statuses = {r.status for r in results}
    if len(statuses) == 1:
        status = first.status
        missing = _missing(results, dimensions) if status is Status.UNDETERMINED else []
    else:
        status = Status.UNDETERMINED
        missing = sorted(set(_missing(results, dimensions)) | _deciding(service_id, dimensions, variants))
    amounts = {(r.amount.value, r.amount.period) if r.amount else None for r in results}
    sentences = set.intersection(*({reason.sentence for reason in r.reasons} for r in results))
    return EligibilityResult(
        service_id=service_id,
        name=first.name,
        status=status,
        amount=first.amount if status is Status.ELIGIBLE and len(amounts) == 1 else None,
        missing_facts=missing,
        reasons=[reason for reason in first.reasons if reason.sentence in sentences]
        if len(statuses) == 1
        else [],
        legal_basis=first.legal_basis,
    )


def _missing(results: list[EligibilityResult], dimensions: list[Dimension]) -> list[str]:
    """The undetermined answers' missing facts; those of people not named stand for the household."""
    missing: set[str] = set()
    for result in results:
        if result.status is Status.UNDETERMINED:
            for fact in result.missing_facts:
                unnamed = fact.startswith(f"members.{_UNKNOWN_PERSON}")
                missing.add(HOUSEHOLD_COUNT if unnamed else fact)
    return sorted(missing)


def _deciding(service_id: str, dimensions: list[Dimension], variants: list[Variant]) -> set[str]:
    """The dimensions along which the service's status changes (all other dimensions held)."""
    deciding = set()
    for position, dimension in enumerate(dimensions):
        groups: dict[tuple[int, ...], set[Status]] = {}
        for variant in variants:
            if service_id in variant.results:
                others = variant.choice[:position] + variant.choice[position + 1 :]
                groups.setdefault(others, set()).add(variant.results[service_id].status)
        if any(len(statuses) > 1 for statuses in groups.values()):
            deciding.add(dimension.fact)
    return deciding or {d.fact for d in dimensions}


@lru_cache(maxsize=1)
def service_names() -> dict[str, str]:
    """Every rule's service id and name."""
    return {rule.service_id: rule.name for rule in rulebook()}
