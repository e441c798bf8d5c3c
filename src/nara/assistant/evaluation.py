"""How well the assistant does on written dialogues (``evaluation/dialogues.yaml``), and whether it ever
says what neither the catalog nor the engine gave it.

Every turn's reply is checked against that turn's sources: the engine's answer for what the state knows
(recomputed here), the catalog cards search returned during the turn, the engine's question, and the
citizen's own words. A turn is *invented* when its reply names a service that is not in the catalog or the
rulebook, shows a status, amount or reason the engine did not give, or writes a number found in none of
those sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from nara.assistant import numbers
from nara.assistant import templates as t
from nara.assistant.assess import assess
from nara.assistant.conversation import reply
from nara.assistant.extract import BirthRange, extract
from nara.assistant.numbers import AgeRange
from nara.assistant.schemas import Reply
from nara.assistant.search import SearchFn, ServiceHit
from nara.assistant.state import State
from nara.rules import EligibilityResult, Status, next_question, rulebook

_GUIDE_LABELS = ("- 온라인: ", "- 찾아가실 곳: ", "- 신청하는 방법: ", "- 준비할 서류: ", "- 문의: ")


@dataclass(frozen=True)
class Turn:
    say: str
    intent: str | None = None
    top3: tuple[str, ...] = ()
    statuses: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Dialogue:
    id: str
    turns: tuple[Turn, ...]


@dataclass
class Report:
    intent_accuracy: float = 0.0
    top3_hit_rate: float = 0.0
    invented: int = 0  # turns whose reply says something no source gave
    dialogues: int = 0
    turns: int = 0
    status_errors: int = 0  # expected statuses the engine did not give
    misses: list[str] = field(default_factory=list)  # what went wrong, one line each

    def summary(self) -> str:
        return (
            f"{self.dialogues} dialogues, {self.turns} turns: intent accuracy {self.intent_accuracy:.1%}, "
            f"top-3 hit rate {self.top3_hit_rate:.1%}, invented {self.invented}, status errors {self.status_errors}"
        )


def load_dialogues(name: str = "dialogues.yaml") -> list[Dialogue]:
    """The written dialogues: ``dialogues.yaml`` (developed against) or ``holdout.yaml`` (never tuned on)."""
    text = resources.files("nara.assistant").joinpath("evaluation", name).read_text("utf-8")
    return [
        Dialogue(
            item["id"],
            tuple(
                Turn(turn["say"], turn.get("intent"), tuple(turn.get("top3", ())), turn.get("statuses", {}))
                for turn in item["turns"]
            ),
        )
        for item in yaml.safe_load(text)
    ]


def evaluate_dialogues(search: SearchFn, today: date, dialogues: list[Dialogue] | None = None) -> Report:
    """Run every dialogue through :func:`~nara.assistant.reply` and score it."""
    report = Report()
    intents = [0, 0]
    top3 = [0, 0]
    for dialogue in dialogues if dialogues is not None else load_dialogues():
        report.dialogues += 1
        _run(dialogue, search, today, report, intents, top3)
    report.intent_accuracy = intents[0] / intents[1] if intents[1] else 0.0
    report.top3_hit_rate = top3[0] / top3[1] if top3[1] else 0.0
    return report


def _run(
    dialogue: Dialogue, search: SearchFn, today: date, report: Report, intents: list[int], top3: list[int]
) -> None:
    state = State()
    said: list[str] = []
    for turn in dialogue.turns:
        report.turns += 1
        said.append(turn.say)
        recording = _Recording(search)
        answer, state = reply(state, turn.say, search=recording, today=today)
        seen = recording.hits
        where = f"{dialogue.id} «{turn.say}»"
        problems = inventions(answer, state, said, seen, today)
        if problems:
            report.invented += 1
            report.misses += [f"{where}: invented {p}" for p in problems]
        if turn.intent is not None:
            intents[1] += 1
            intents[0] += answer.intent == turn.intent
            if answer.intent != turn.intent:
                report.misses.append(
                    f"{where}: intent {answer.intent} ({answer.confidence}), expected {turn.intent}"
                )
        if turn.top3:
            top3[1] += 1
            shown = [s.service_id for s in answer.services[:3]]
            top3[0] += bool(set(shown) & set(turn.top3))
            if not set(shown) & set(turn.top3):
                report.misses.append(f"{where}: top 3 {shown}, expected one of {list(turn.top3)}")
        report.status_errors += _status_errors(turn, state, today, report, where)


class _Recording:
    """A search that keeps every card it returned during one turn (the catalog's part of that turn)."""

    def __init__(self, search: SearchFn) -> None:
        self.search = search
        self.hits: list[ServiceHit] = []

    def __call__(self, query: str, limit: int) -> list[ServiceHit]:
        found = self.search(query, limit)
        self.hits.extend(found)
        return found


def _status_errors(turn: Turn, state: State, today: date, report: Report, where: str) -> int:
    if not turn.statuses:
        return 0
    results = {r.service_id: r.status.value for r in assess(state, today)}
    wrong = {sid: results.get(sid) for sid, status in turn.statuses.items() if results.get(sid) != status}
    if wrong:
        report.misses.append(f"{where}: statuses {wrong}, expected {turn.statuses}")
    return len(wrong)


def inventions(
    answer: Reply, state: State, said: list[str], hits: list[ServiceHit], today: date
) -> list[str]:
    """What the reply says that none of its sources gave (empty when everything is accounted for)."""
    results = {r.service_id: r for r in assess(state, today)} if state.members else {}
    cards = {hit.service_id: hit for hit in hits}
    problems = [p for item in answer.services for p in _item_problems(item, results, cards)]
    problems += _line_problems(answer, cards)
    allowed = _allowed_numbers(said, results, cards, state, today)
    problems += [f"number {n}" for n in _numbers(answer.text) if n not in allowed]
    return problems


def _item_problems(
    item: Any, results: dict[str, EligibilityResult], cards: dict[str, ServiceHit]
) -> list[str]:
    names = known_names()
    if item.service_id not in names and item.service_id not in cards:
        return [f"service id {item.service_id}"]
    if item.name not in (names.get(item.service_id), getattr(cards.get(item.service_id), "name", None)):
        return [f"name {item.name} for {item.service_id}"]
    if item.status is None:
        return []
    result = results.get(item.service_id)
    if result is None or result.status.value != item.status:
        return [f"status {item.status} of {item.service_id}"]
    expected = t.amount_text(result.amount.value, result.amount.period) if result.amount else None
    problems = [f"amount {item.amount} of {item.service_id}"] if item.amount != expected else []
    engine_reasons = {reason.sentence for reason in result.reasons}
    problems += [f"reason {r!r}" for r in item.reasons if r not in engine_reasons]
    return problems


def _line_problems(answer: Reply, cards: dict[str, ServiceHit]) -> list[str]:
    """Every listed service is a known one and in the reply's services; every 신청 방법 line is the
    catalog's."""
    problems = []
    listed = {s.name: s for s in answer.services}
    for line in answer.text.splitlines():
        if not line.startswith("- "):
            continue
        label = next((label for label in _GUIDE_LABELS if line.startswith(label)), None)
        if label is not None:
            value = line.removeprefix(label)
            if not any(value in _guide_texts(card) for card in cards.values()):
                problems.append(f"신청 방법 {line!r}")
            continue
        name = re.split(r": | \(", line[2:])[0] if " (" in line or ": " in line else line[2:]
        if name not in known_names().values() and name not in {c.name for c in cards.values()}:
            problems.append(f"service name {name!r}")
        elif name not in listed:
            problems.append(f"{name!r} listed but not among the reply's services")
    return problems


def _guide_texts(card: ServiceHit) -> set[str]:
    guide = card.apply
    if guide is None:
        return set()
    return {
        guide.online_url or "",
        guide.offices or "",
        ", ".join(guide.methods),
        ", ".join(guide.documents),
        guide.contact or "",
    }


def _allowed_numbers(
    said: list[str],
    results: dict[str, EligibilityResult],
    cards: dict[str, ServiceHit],
    state: State,
    today: date,
) -> set[int]:
    allowed = _numbers(" ".join([t.HANDOFF_PHONE, *t.HINTS.values()]))  # 110, and the hints' examples
    for message in said:
        allowed |= _numbers(message) | _spoken_numbers(message, today)
    for result in results.values():
        allowed |= {result.amount.value} if result.amount else set()
        allowed |= _numbers(result.name)
    for card in cards.values():
        allowed |= _numbers(" ".join([card.name, card.agency, card.summary, *_guide_texts(card)]))
    if state.pending:
        allowed |= _numbers(engine_question(state.pending))
    allowed |= {len(state.members)} if state.household_complete else set()
    return allowed


def _spoken_numbers(message: str, today: date) -> set[int]:
    """Numbers the citizen said in words ("일흔 살", "두 명"), as the extraction read them."""
    found: set[int] = set()
    for item in extract(message, today).found:
        if isinstance(item.value, AgeRange):
            found |= {item.value.low, item.value.high}
        elif isinstance(item.value, BirthRange):
            found |= {item.value.earliest.year}
        elif isinstance(item.value, int) and not isinstance(item.value, bool):
            found.add(item.value)
    value = numbers.count(message, "명|식구|인|분|째|개월|달|년|일")
    return found | ({value} if value is not None else set())


def _numbers(text: str) -> set[int]:
    """Amounts of money as one number each ("34만 9,700원" is 349700), then every other number."""
    text = re.sub(r"https?://\S+", "", text)
    found = set()
    for value, (start, end) in reversed(numbers.amount_spans(text)):
        found.add(value)
        text = text[:start] + " " + text[end:]
    return found | set(numbers.whole_numbers(text))


def engine_question(fact: str) -> str:
    """The engine's own question for a fact (``next_question`` over one result missing only that fact)."""
    probe = EligibilityResult("probe", "probe", Status.UNDETERMINED, None, [fact], [], [])
    asked = next_question([probe])
    return asked.question if asked else ""


@lru_cache(maxsize=1)
def known_names() -> dict[str, str]:
    """Every rule's service id and name (the curated catalog's are the same)."""
    return {rule.service_id: rule.name for rule in rulebook()}
