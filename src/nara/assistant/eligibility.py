"""The answer to "can I get it?": the engine's statuses for what is known, and the one question that could
settle the most of what is not (slot filling, one fact at a time)."""

from __future__ import annotations

from datetime import date

from nara.assistant import templates as t
from nara.assistant.assess import assess
from nara.assistant.extract import without_people
from nara.assistant.language import has_content
from nara.assistant.schemas import Reply, ServiceItem, Source
from nara.assistant.search import SearchFn, ServiceHit
from nara.assistant.state import HOUSEHOLD_COUNT, SPEAKER, State, ensure_subject
from nara.rules import EligibilityResult, NextQuestion, Status, next_question, sigungu_table

_ELDERLY = 65
_YOUTH = (19, 34)
_PROFILE_WORDS = (
    (("relation", "child"), "아동"),
    (("pregnant", "True"), "임신 출산"),
    (("employment", "unemployed"), "실업 구직"),
    (("disability", "severe"), "장애인"),
    (("disability", "mild"), "장애인"),
    (("disability", "any"), "장애인"),
    (("income_recognised_monthly", "0"), "저소득 생계"),
    (("single_parent", "True"), "한부모"),
    (("business", "closed"), "폐업 소상공인"),
)
MAX_SHOWN = 6
_SEARCHED = 5  # search results that count as what the citizen asked about
_CLOSE = 2  # unless a service was named, questions are asked for services missing at most this many facts


def check(
    state: State, *, search: SearchFn, today: date, confidence: float, prefix: tuple[str, ...] = ()
) -> Reply:
    """Evaluate what ``state`` knows, choose what to show and what to ask; records both in ``state``."""
    ensure_subject(state)
    results = assess(state, today)
    by_id = {r.service_id: r for r in results}
    focus = [by_id[s] for s in state.named if s in by_id]
    query = search_query(state, today)
    found = search(query, _SEARCHED) if has_content(query) else []
    hits = {hit.service_id: hit for hit in found}
    shown = focus or _shown(results, list(hits))
    question = _question(state, results, shown, bool(focus))
    wording = question_text(state, question) if question else None
    state.shown = [r.service_id for r in shown]
    state.pending = question.fact if question else None
    state.pending_question = wording
    state.retries = 0
    if question:
        state.asked.append(question.fact)
    return Reply(
        text="\n".join([*prefix, *_text(state, shown, wording, today)]),
        intent="check_eligibility",
        confidence=confidence,
        services=tuple(service_item(r, hits.get(r.service_id)) for r in shown),
        question=wording,
        sources=_sources(shown, hits),
    )


def _question(
    state: State, results: list[EligibilityResult], shown: list[EligibilityResult], named: bool
) -> NextQuestion | None:
    """For services the citizen named, until the engine decides them. Otherwise for a service shown that a
    question or two could settle; failing that, one of the facts that matter to most services (the
    subject's birth date, the household's size and income)."""
    asked = frozenset(state.asked)
    if named:
        return next_question(shown, asked)
    question = next_question(_close(shown), asked)
    if question is not None:
        return question
    core = {f"members.{state.subject}.birth_date", HOUSEHOLD_COUNT, "household.income_recognised_monthly"}
    others = {fact for r in results for fact in r.missing_facts} - core
    return next_question(results, asked | others)


def search_query(state: State, today: date) -> str:
    """What to ask the catalog: the citizen's words without the people in them ("아버지" would find
    유족연금), and the words of their situation the catalog is written in ("노인", "장애인")."""
    return " ".join([without_people(state.topic), *profile_words(state, today)]).strip()


def profile_words(state: State, today: date) -> list[str]:
    """Catalog words for what the state knows of the subject and the household."""
    words = []
    ages = _ages(state, state.subject, today)
    if ages and ages[0] >= _ELDERLY:
        words.append("노인")
    elif ages and _YOUTH[0] <= ages[0] and ages[1] <= _YOUTH[1]:
        words.append("청년")
    values = {(fact.rsplit(".", 1)[-1], str(value)) for fact, value in state.facts.items()}
    values |= {(fact.rsplit(".", 1)[-1], "any") for fact in state.choices}
    words += [word for key, word in _PROFILE_WORDS if key in values]
    return words


def _ages(state: State, member_id: str, today: date) -> tuple[int, int] | None:
    """The youngest and oldest the member may be today."""
    if member_id in state.born:
        earliest, latest = (date.fromisoformat(day) for day in state.born[member_id])
        return _years(latest, today), _years(earliest, today)
    born = state.facts.get(f"members.{member_id}.birth_date")
    if born:
        age = _years(date.fromisoformat(born), today)
        return age, age
    return None


def _close(results: list[EligibilityResult]) -> list[EligibilityResult]:
    """The undetermined services a question or two could settle: worth asking about unprompted."""
    return [r for r in results if r.status is Status.UNDETERMINED and len(r.missing_facts) <= _CLOSE]


def _shown(results: list[EligibilityResult], searched: list[str]) -> list[EligibilityResult]:
    """What could be got, most relevant first: what search found (unless the engine says it cannot be
    got), then every service the engine says can surely be got."""
    by_id = {r.service_id: r for r in results}
    order = [by_id[s] for s in searched if s in by_id] + [r for r in results if r.status is Status.ELIGIBLE]
    shown: list[EligibilityResult] = []
    for result in order:
        if result.status is not Status.INELIGIBLE and result not in shown:
            shown.append(result)
    return shown[:MAX_SHOWN]


def service_item(result: EligibilityResult, hit: ServiceHit | None) -> ServiceItem:
    """A service in a reply: the engine's status, amount and reasons as given, the catalog's agency."""
    amount = t.amount_text(result.amount.value, result.amount.period) if result.amount else None
    return ServiceItem(
        service_id=result.service_id,
        name=result.name,
        status=result.status.value,
        amount=amount,
        reasons=tuple(reason.sentence for reason in result.reasons),
        agency=hit.agency if hit else None,
    )


def _sources(shown: list[EligibilityResult], hits: dict[str, ServiceHit]) -> tuple[Source, ...]:
    sources = [Source(r.service_id, "law", basis) for r in shown for basis in r.legal_basis]
    sources += [
        Source(r.service_id, "agency", hits[r.service_id].agency) for r in shown if r.service_id in hits
    ]
    return tuple(sources)


def _text(state: State, shown: list[EligibilityResult], question: str | None, today: date) -> list[str]:
    subject = state.label(state.subject)
    lines = [
        t.CHECK_INTRO_SELF if state.subject == SPEAKER else t.CHECK_INTRO_OTHER.format(who=subject + "께서")
    ]
    understood = understood_facts(state, today)
    if understood:
        lines.append(t.UNDERSTOOD.format(facts=", ".join(understood)))
    eligible = [r for r in shown if r.status is Status.ELIGIBLE]
    undetermined = [r for r in shown if r.status is Status.UNDETERMINED]
    if eligible:
        lines.append(t.SECTION_ELIGIBLE)
        lines += [_line(r) for r in eligible]
    else:
        lines.append(t.SECTION_NONE)
    if undetermined:
        lines.append(t.SECTION_UNDETERMINED)
        lines += [t.LINE.format(name=r.name) for r in undetermined]
    lines += [t.NOTE_AGE] if "age_in_words" in state.notes and state.born else []
    lines += [t.NOTE_INCOME] if "income_as_stated" in state.notes else []
    lines += [t.DECIDES] if eligible else []
    if question:
        lines.append(t.QUESTION.format(question=question))
    else:
        lines += [t.DONE] + ([t.APPLY_NEXT] if eligible else [])
    return lines


def _line(result: EligibilityResult) -> str:
    if result.amount is None:
        return t.LINE.format(name=result.name)
    return t.LINE_AMOUNT.format(
        name=result.name, amount=t.amount_text(result.amount.value, result.amount.period)
    )


def question_text(state: State, question: NextQuestion) -> str:
    """The engine's question with the people called as the citizen calls them."""
    subject = state.label(state.subject)
    if question.fact == HOUSEHOLD_COUNT:
        who = "" if state.subject == SPEAKER else t.particle(subject, "과")
        whom = t.particle(subject, "을")
        return t.HOUSEHOLD_QUESTION.format(who=who, whom=whom).strip().replace("  ", " ")
    parts = question.fact.split(".")
    if parts[0] != "members":
        return question.question
    member_id = parts[1]
    label = state.label(member_id)
    if parts[2] == "relation":
        return t.RELATION_QUESTION.format(who=t.particle(label, "은"), subject=t.particle(subject, "과"))
    text = question.question
    if text.startswith(member_id):
        text = label + text[len(member_id) :]
    return t.fix_particles(text)


def understood_facts(state: State, today: date) -> list[str]:
    """What the citizen told, restated in their own terms (never a value they did not give)."""
    facts = [] if state.subject == SPEAKER else [state.label(state.subject)]
    age = _age_said(state, state.subject, today)
    facts += [age] if age else []
    if state.household_complete:
        size = len(state.members)
        facts.append(t.ALONE if size == 1 else t.HOUSEHOLD_OF.format(count=size))
    for member_id, label in state.members.items():
        age = _age_said(state, member_id, today) if member_id != state.subject else None
        facts += [f"{label} {age}"] if age else []
    region = state.facts.get("household.region")
    if region:
        facts += [f"{sido} {name}" for code, sido, name in sigungu_table() if code == region]
    return facts if len(facts) > (0 if state.subject == SPEAKER else 1) else []


def _age_said(state: State, member_id: str, today: date) -> str | None:
    if member_id in state.born:
        earliest, latest = (date.fromisoformat(day) for day in state.born[member_id])
        return _age_words(earliest, latest, today)
    born = state.facts.get(f"members.{member_id}.birth_date")
    if born:
        day = date.fromisoformat(born)
        return f"{day.year}년 {day.month}월 {day.day}일생"
    return None


def _age_words(earliest: date, latest: date, today: date) -> str:
    """A birth range as it was said: "1955년생", "70대", "80세 이상", "68세", "6개월"."""
    if (earliest.month, earliest.day, latest.month, latest.day) == (
        1,
        1,
        12,
        31,
    ) and earliest.year == latest.year:
        return f"{earliest.year}년생"
    youngest, oldest = _years(latest, today), _years(earliest, today)
    if youngest < 3 and oldest < 3:
        months = _months(latest, today)
        return f"{months}개월" if months == _months(earliest, today) else f"{youngest}세"
    if oldest >= 110:
        return f"{youngest}세 이상"
    if youngest % 10 == 0 and oldest == youngest + 9:
        return f"{youngest}대"
    return f"{youngest}세" if youngest == oldest else f"{youngest}~{oldest}세"


def _years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _months(born: date, on: date) -> int:
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
