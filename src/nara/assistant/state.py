"""What the assistant knows between turns: a small JSON-serialisable record, kept by the caller.

Facts are kept under the rules' own names (``household.region``, ``members.parent.birth_date``); a birth
date known only within bounds is kept as those bounds (``born``), a fact known to be one of a few values as
those values (``choices``). Relations are the subject's: the subject is ``self``, the speaker of a parent
who is asked about is that parent's ``child``.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from nara.assistant.extract import ELDERS, BirthRange, Extraction, Found, OneOf, Role
from nara.assistant.numbers import AgeRange

# Not a rule fact: how many people live in the household, asked while the household is not complete.
HOUSEHOLD_COUNT = "household.members.count"
SPEAKER = "me"
_UNNAMED = "p"  # ids p1, p2, … of household members counted but not yet named
_IDS = {
    Role.SPEAKER: "me",
    Role.PARENT: "parent",
    Role.GRANDPARENT: "grandparent",
    Role.SPOUSE: "spouse",
    Role.CHILD: "child",
    Role.GRANDCHILD: "grandchild",
}
_DEFAULT_LABELS = {"me": "본인", "parent": "부모님", "grandparent": "조부모님", "spouse": "배우자",
                   "child": "자녀", "grandchild": "손주"}  # fmt: skip
# The relation of a person to the subject, by (subject role, person role).
_RELATIONS: dict[tuple[Role, Role], str] = {
    (Role.SPEAKER, Role.SPOUSE): "spouse",
    (Role.SPEAKER, Role.CHILD): "child",
    (Role.SPEAKER, Role.PARENT): "parent",
    (Role.SPEAKER, Role.GRANDCHILD): "grandchild",
    (Role.PARENT, Role.SPEAKER): "child",
    (Role.PARENT, Role.CHILD): "grandchild",
    (Role.PARENT, Role.GRANDPARENT): "parent",
    (Role.GRANDPARENT, Role.SPEAKER): "grandchild",
    (Role.GRANDPARENT, Role.PARENT): "child",
}


@dataclass
class State:
    """One conversation so far. ``to_json`` / ``from_json`` round-trip it through any session store."""

    intent: str | None = None
    topic: str = ""  # the message that started the current intent: what search is asked
    subject: str = SPEAKER  # the member whose eligibility is asked
    members: dict[str, str] = field(default_factory=dict)  # member id → Korean label, subject first
    facts: dict[str, Any] = field(default_factory=dict)  # rule fact name → JSON value
    born: dict[str, list[str]] = field(default_factory=dict)  # member id → [earliest, latest] ISO dates
    choices: dict[str, list[str]] = field(default_factory=dict)  # fact name → the values it may take
    household_complete: bool = False  # whether ``members`` is everyone who lives in the household
    asked: list[str] = field(default_factory=list)
    pending: str | None = None  # the fact asked in the last reply
    pending_question: str | None = None  # and how it was asked
    retries: int = 0  # answers to the pending question that could not be read
    named: list[str] = field(default_factory=list)  # services the citizen named
    shown: list[str] = field(default_factory=list)  # services in the last reply
    notes: list[str] = field(default_factory=list)  # caveats that apply (age_in_words, income_as_stated)
    turns: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})

    def label(self, member_id: str) -> str:
        return self.members.get(member_id, member_id)

    def knows_anything(self) -> bool:
        return bool(self.facts or self.born or self.choices or self.household_complete)


def ensure_subject(state: State) -> None:
    """A conversation that has said nothing about anyone is about the speaker."""
    if not state.members:
        state.members[state.subject] = _DEFAULT_LABELS.get(state.subject, state.subject)
        state.facts[f"members.{state.subject}.relation"] = "self"


def role_id(role: Role) -> str:
    return _IDS[role]


def apply_extraction(
    state: State, extraction: Extraction, today: date, skip: frozenset[str] = frozenset()
) -> None:
    """Add what a message said to the state: people (who lives with whom) and their facts, except the
    fields in ``skip`` (those a message answering a question has already given)."""
    if not state.members:
        subject = role_id(extraction.subject)
        state.subject = subject
        state.members[subject] = _label(extraction, extraction.subject)
        state.facts[f"members.{subject}.relation"] = "self"
    subject_role = _role_of(state.subject)
    for person in extraction.people:
        if _joins(person.role, subject_role, extraction) and role_id(person.role) not in state.members:
            _place(state, role_id(person.role), person.label, _RELATIONS.get((subject_role, person.role)))
    for found in extraction.found:
        if found.fact.rsplit(".", 1)[-1] not in skip:
            apply_found(state, found, today)


def _place(state: State, member_id: str, label: str, relation: str | None) -> None:
    """A person named: one of the unnamed people of a complete household, or a new member."""
    unnamed = [m for m in state.members if re.fullmatch(rf"{_UNNAMED}[0-9]+", m)]
    same = [m for m in unnamed if relation and state.facts.get(f"members.{m}.relation") == relation]
    free = [m for m in unnamed if f"members.{m}.relation" not in state.facts]
    placeholders = same or free
    if placeholders:
        placeholder = placeholders[0]
        _rename(state, placeholder, member_id, label)
        if relation:
            state.facts[f"members.{member_id}.relation"] = relation
    elif not state.household_complete:
        add_member(state, member_id, label, relation)


def _rename(state: State, old: str, new: str, label: str) -> None:
    def moved(key: str) -> str:
        return key.replace(f"members.{old}.", f"members.{new}.", 1)

    state.members = {
        (new if m == old else m): (label if m == old else called) for m, called in state.members.items()
    }
    state.facts = {moved(k): v for k, v in state.facts.items()}
    state.choices = {moved(k): v for k, v in state.choices.items()}
    state.born = {(new if m == old else m): v for m, v in state.born.items()}
    state.asked = [moved(fact) for fact in state.asked]
    state.pending = moved(state.pending) if state.pending else None


def _label(extraction: Extraction, role: Role) -> str:
    named = [p.label for p in extraction.people if p.role == role and role != Role.SPEAKER]
    return named[0] if named else _DEFAULT_LABELS[role_id(role)]


def _role_of(member_id: str) -> Role:
    return next((role for role, rid in _IDS.items() if rid == member_id), Role.SPEAKER)


def _joins(role: Role, subject: Role, extraction: Extraction) -> bool:
    """Whether a person mentioned lives in the subject's household: the speaker's spouse and children do;
    anyone else only when the message says they live together."""
    if role == subject:
        return False
    if subject == Role.SPEAKER and role in (Role.SPOUSE, Role.CHILD, Role.GRANDCHILD):
        return True
    together = [f.about for f in extraction.found if f.fact == "member.lives_with"]
    return role in together or (subject in together and role == Role.SPEAKER and subject in ELDERS)


def add_member(state: State, member_id: str, label: str, relation: str | None) -> None:
    state.members[member_id] = label
    if relation:
        state.facts[f"members.{member_id}.relation"] = relation


def apply_found(state: State, found: Found, today: date) -> None:
    if found.fact == "household.size":
        set_household_size(state, int(str(found.value)))
        return
    if found.fact == "member.lives_with":
        return
    if found.about is None:
        set_fact(state, found.fact, found.value, today)
        return
    member_id = role_id(found.about)
    if member_id in state.members:
        set_fact(state, f"members.{member_id}.{found.fact.removeprefix('member.')}", found.value, today)


def set_fact(state: State, fact: str, value: object, today: date) -> None:
    """Record one fact: a value, bounds on a birth date, or the few values it may take."""
    if isinstance(value, AgeRange | BirthRange):
        member_id = fact.split(".")[1]
        earliest, latest = birth_bounds(value, today)
        state.born[member_id] = [earliest.isoformat(), latest.isoformat()]
        state.facts.pop(f"members.{member_id}.birth_date", None)
        if isinstance(value, AgeRange) and "age_in_words" not in state.notes:
            state.notes.append("age_in_words")
        return
    if isinstance(value, OneOf):
        state.choices[fact] = list(value.options)
        return
    if isinstance(value, date):
        state.born.pop(fact.split(".")[1], None)
        value = value.isoformat()
    if fact == "household.income_recognised_monthly" and "income_as_stated" not in state.notes:
        state.notes.append("income_as_stated")
    state.choices.pop(fact, None)
    state.facts[fact] = value


def set_household_size(state: State, size: int) -> None:
    """Everyone in the household: placeholders ("함께 사는 분", "함께 사는 두 번째 분") for the people not
    yet named."""
    if size < len(state.members) or state.household_complete:
        return
    unnamed = size - len(state.members)
    for number in range(1, unnamed + 1):
        add_member(state, f"{_UNNAMED}{number}", _unnamed_label(number, unnamed), None)
    state.household_complete = True


# Ordinals in words: a label such as "함께 사는 분 1" put a number in a reply that the citizen never said,
# and read to an older citizen like a code (found by tests/assistant/test_properties.py).
_ORDINALS = ("첫", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열")


def _unnamed_label(number: int, unnamed: int) -> str:
    """
    >>> _unnamed_label(1, 1), _unnamed_label(2, 3), _unnamed_label(12, 12)
    ('함께 사는 분', '함께 사는 두 번째 분', '함께 사는 또 다른 분')
    """
    if unnamed == 1:
        return "함께 사는 분"
    return (
        f"함께 사는 {_ORDINALS[number - 1]} 번째 분" if number <= len(_ORDINALS) else "함께 사는 또 다른 분"
    )


def birth_bounds(value: AgeRange | BirthRange, today: date) -> tuple[date, date]:
    """The earliest and latest birth date of someone of that age today (만 나이), or in that birth range.

    >>> birth_bounds(AgeRange(70, 79), date(2026, 3, 1))
    (datetime.date(1946, 3, 2), datetime.date(1956, 3, 1))
    >>> birth_bounds(AgeRange(6, 6, "months"), date(2026, 3, 31))
    (datetime.date(2025, 9, 1), datetime.date(2025, 9, 30))
    """
    if isinstance(value, BirthRange):
        return value.earliest, value.latest
    per = 12 if value.unit == "years" else 1
    return months_before(today, (value.high + 1) * per) + timedelta(days=1), months_before(
        today, value.low * per
    )


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day when it is shorter).

    >>> months_before(date(2024, 2, 29), 12), months_before(date(2026, 3, 31), 1)
    (datetime.date(2023, 2, 28), datetime.date(2026, 2, 28))
    """
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))
