"""맞춤형 안내: the questionnaire as a state that travels with the person (in their session, never in
a URL) — who lives with them, what they answered, what they said they do not know — and the next step.

The engine's ``next_question`` picks each question: the one fact that could settle the most undetermined
services. At most ``MAX_QUESTIONS`` are asked; then, or as soon as nothing more can be settled, the
results are shown. "잘 모르겠어요" leaves the fact unknown (it is never guessed) and is not asked again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nara import rules
from nara.guide.household import Composition, member_name
from nara.guide.inputs import Input, input_for

MAX_QUESTIONS = 8


@dataclass(frozen=True)
class Journey:
    composition: Composition = field(default_factory=Composition)
    answers: dict[str, Any] = field(default_factory=dict)  # fact → value the rules read
    asked: tuple[str, ...] = ()  # facts in the order they were asked (answered or not known)
    started: bool = False

    @property
    def unknown(self) -> frozenset[str]:
        return frozenset(fact for fact in self.asked if fact not in self.answers)

    def answer(self, fact: str, value: object) -> Journey:
        return Journey(self.composition, {**self.answers, fact: value}, _add(self.asked, fact), self.started)

    def not_known(self, fact: str) -> Journey:
        answers = {k: v for k, v in self.answers.items() if k != fact}
        return Journey(self.composition, answers, _add(self.asked, fact), self.started)

    def back(self) -> tuple[Journey, str | None]:
        """The journey without its last question, and that question's fact (to ask it again)."""
        if not self.asked:
            return Journey(self.composition, {}, (), False), None
        last = self.asked[-1]
        answers = {k: v for k, v in self.answers.items() if k != last}
        return Journey(self.composition, answers, self.asked[:-1], self.started), last

    def as_dict(self) -> dict[str, Any]:
        return {
            "composition": self.composition.as_dict(),
            "answers": self.answers,
            "asked": list(self.asked),
            "started": self.started,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Journey:
        answers = data.get("answers") or {}
        asked = data.get("asked") or []
        if not isinstance(answers, dict) or not isinstance(asked, list):
            return cls()
        composition = Composition.from_dict(data.get("composition") or {})
        return cls(composition, dict(answers), tuple(str(a) for a in asked)[:50], bool(data.get("started")))


def _add(asked: tuple[str, ...], fact: str) -> tuple[str, ...]:
    return asked if fact in asked else (*asked, fact)


@dataclass(frozen=True)
class Question:
    fact: str
    text: str  # plain Korean, members named as people see them
    input: Input
    number: int  # this is question number … (1-based)
    settles: int  # how many services the answer could settle


@dataclass(frozen=True)
class Step:
    question: Question | None  # None: show the results
    results: list[rules.EligibilityResult]
    situation: rules.Situation


def situation_document(journey: Journey, today: date) -> dict[str, Any]:
    """The rules' situation document for what is known so far."""
    members = {m["id"]: dict(m) for m in journey.composition.members()}
    household: dict[str, Any] = {}
    for fact, value in journey.answers.items():
        if fact.startswith("household."):
            household[fact.removeprefix("household.")] = value
            continue
        _, member_id, name = fact.split(".", 2)
        if member_id in members:
            members[member_id][name] = value
    return {
        "on": today.isoformat(),
        "subject": "me",
        "household": household,
        "members": list(members.values()),
    }


def next_step(journey: Journey, today: date) -> Step:
    """Evaluate what is known; ask the next question unless the results are as good as they will get."""
    situation = rules.parse_situation(situation_document(journey, today), today=today)
    results = rules.evaluate(situation)
    if len(journey.asked) >= MAX_QUESTIONS:
        return Step(None, results, situation)
    found = rules.next_question(results, frozenset(journey.asked))
    if found is None:
        return Step(None, results, situation)
    question = Question(
        found.fact, _named(found.question, found.fact), input_for(found.fact), len(journey.asked) + 1,
        len(found.settles),
    )  # fmt: skip
    return Step(question, results, situation)


def question_text(fact: str) -> str:
    """The question for a fact (as when going back to it)."""
    return _named(rules.question_for(fact), fact)


def _named(text: str, fact: str) -> str:
    """The engine's question with the member id replaced by the member's Korean name."""
    if fact.startswith("members."):
        member_id = fact.split(".", 2)[1]
        return text.replace(member_id, member_name(member_id), 1)
    return text


def situation_from_registry(facts: dict[str, Any], today: date) -> dict[str, Any]:
    """A one-person situation from registry facts (``member.*`` about the citizen, ``household.*``).

    >>> situation_from_registry({"member.birth_date": "1950-01-01", "household.region": "11110"},
    ...                         date(2026, 1, 1))["members"]
    [{'id': 'me', 'relation': 'self', 'birth_date': '1950-01-01'}]
    """
    member: dict[str, Any] = {"id": "me", "relation": "self"}
    household: dict[str, Any] = {}
    for name, value in facts.items():
        kind, _, field_name = name.partition(".")
        if value is not None:
            (member if kind == "member" else household)[field_name] = value
    return {"on": today.isoformat(), "subject": "me", "household": household, "members": [member]}


def misnamed_facts(journey: Journey) -> list[str]:
    """Answered or unknown facts that name no household field or no member of this household.

    >>> misnamed_facts(Journey(Composition(), {"members.child1.birth_date": "2020-01-01", "": 1}))
    ['', 'members.child1.birth_date']
    """
    members = {m["id"] for m in journey.composition.members()}
    wrong = []
    for fact in sorted({*journey.answers, *journey.asked}):
        parts = fact.split(".")
        household = len(parts) == 2 and parts[0] == "household" and parts[1].isidentifier()
        member = len(parts) == 3 and parts[0] == "members" and parts[1] in members and parts[2].isidentifier()
        if not (household or member):
            wrong.append(fact)
    return wrong
