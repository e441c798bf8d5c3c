"""Simulated interviews: how many questions the greedy next-question needs, against a static form.

A citizen first lists who lives in the household (ids only). The greedy interview then asks one fact at a
time, the one that could settle the most undetermined services, until every service is decided or only
unanswerable facts remain. The static form asks every fact the rulebook reads, of every member (as a paper
form does); ``revealed_questions`` is a stricter yardstick: the facts a form would ask if it showed each
question only once an earlier answer made it relevant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nara.rules.evaluate import EligibilityResult, Status, evaluate
from nara.rules.questions import next_question
from nara.rules.rulebook import fact_names, rulebook
from nara.rules.situation import Situation, parse_situation


@dataclass(frozen=True)
class Interview:
    questions: int  # greedy next-question
    static_questions: int  # every fact the rulebook reads, for every member
    revealed_questions: int  # every fact that became relevant as earlier facts were given
    sound: bool  # the interview ends with exactly the answers full information gives


def interview(full: Situation) -> Interview:
    """Interview the household described by ``full`` as a citizen would be interviewed."""
    truth = _decisions(evaluate(full))
    known: dict[str, Any] = {}
    asked: set[str] = set()
    while True:
        results = evaluate(_partial(full, known))
        question = next_question(results, frozenset(asked))
        if question is None:
            return Interview(
                len(asked), static_form_size(full), _revealed_form_size(full), _decisions(results) == truth
            )
        asked.add(question.fact)
        value = _fact(full, question.fact)
        if value is not None:
            known[question.fact] = value


def _decisions(results: list[EligibilityResult]) -> dict[str, Status]:
    return {r.service_id: r.status for r in results}


def static_form_size(situation: Situation) -> int:
    """A paper form's questions: every household fact the rulebook reads, and every member fact it reads
    asked of each member (an age is asked as the birth date; the household size is the member list)."""
    household, member = read_facts()
    return len(household) + len(member) * len(situation.members)


@lru_cache(maxsize=1)
def read_facts() -> tuple[frozenset[str], frozenset[str]]:
    """The household facts and the member fields the rulebook reads."""
    household: set[str] = set()
    member: set[str] = set()
    for rule in rulebook():
        for name in fact_names(rule):
            owner, _, field = name.partition(".")
            if owner == "household":
                if field != "size":
                    household.add(field)
            else:
                member.add("birth_date" if field in ("age", "age_months") else field)
    return frozenset(household), frozenset(member)


def _revealed_form_size(full: Situation) -> int:
    """Every fact the rules ask about for this household, found by revealing all that is missing."""
    known: dict[str, Any] = {}
    needed: set[str] = set()
    while True:
        missing = {fact for r in evaluate(_partial(full, known)) for fact in r.missing_facts} - needed
        if not missing:
            return len(needed)
        needed |= missing
        known.update({fact: value for fact in missing if (value := _fact(full, fact)) is not None})


def _fact(full: Situation, fact: str) -> Any:
    if fact.startswith("household."):
        return getattr(full.household, fact.removeprefix("household."))
    _, member_id, field = fact.split(".", 2)
    return getattr(full.member(member_id), field)


def _partial(full: Situation, known: dict[str, Any]) -> Situation:
    household = {k.removeprefix("household."): v for k, v in known.items() if k.startswith("household.")}
    members = []
    for member in full.members:
        prefix = f"members.{member.id}."
        fields = {k.removeprefix(prefix): v for k, v in known.items() if k.startswith(prefix)}
        members.append({"id": member.id, **fields})
    return parse_situation(
        {"on": full.on, "subject": full.subject, "household": household, "members": members}, today=full.on
    )
