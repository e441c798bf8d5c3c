"""The dialogue: one message in, one reply out, and what is known carried in a small state.

Each turn: if a question is pending, the message is first read as its answer; otherwise (or when it is not
an answer) its intent is classified and the facts it states are added. Then the intent is answered:
eligibility by the rules engine (:mod:`nara.assistant.eligibility`), everything else from the catalog or
a template (:mod:`nara.assistant.responses`). Below :data:`~nara.assistant.intents.CONFIDENT` the
assistant says it is not sure, shows what search found and gives the call centre's number.
"""

from __future__ import annotations

from datetime import date

from nara.assistant import answers, responses
from nara.assistant import templates as t
from nara.assistant.eligibility import check
from nara.assistant.extract import Extraction, extract
from nara.assistant.intents import Intent, IntentGuess, classify
from nara.assistant.language import lemmas
from nara.assistant.names import named_services
from nara.assistant.schemas import Reply
from nara.assistant.search import SearchFn
from nara.assistant.state import HOUSEHOLD_COUNT, State, apply_extraction, set_fact, set_household_size

MAX_MESSAGE = 500  # characters read of one message; a question to a 국민비서 is a sentence or two
ANSWER_CONFIDENCE = 0.9  # a pending question read as answered
IMPLIED_CONFIDENCE = 0.6  # no intent cue, but facts about a person: they want to know what they can get
_TOPICAL = (Intent.FIND_SERVICE, Intent.CHECK_ELIGIBILITY)


def reply(state: State, message: str, *, search: SearchFn, today: date) -> tuple[Reply, State]:
    """Answer one message. The given state is not changed; the new one is returned with the reply."""
    state = State.from_json(state.to_json())
    state.turns += 1
    message = message[:MAX_MESSAGE]
    if state.pending is not None:
        answered = _answer_pending(state, message, search=search, today=today)
        if answered is not None:
            return answered, state
    guess = _intent(state, classify(message), extract(message, today))
    return _dispatch(state, message, guess, today=today, search=search), state


def prepare(today: date) -> None:
    """Load what the first reply would otherwise wait for (Kiwi's model, the compiled rules): call once at
    start-up."""
    classify("기초연금 받을 수 있나요")
    lemmas("준비")
    check(State(), search=lambda query, limit: [], today=today, confidence=1.0)


def _answer_pending(state: State, message: str, *, search: SearchFn, today: date) -> Reply | None:
    """The reply when ``message`` answers the pending question (or twice could not); None to classify it."""
    fact = state.pending
    assert fact is not None
    value = answers.read_answer(fact, message, today)
    prefix: tuple[str, ...] = ()
    if value == answers.DONT_KNOW:
        prefix = (t.ANSWER_SKIPPED,)
    elif value is not None:
        _record(state, fact, value, today)
        answered = fact.rsplit(".", 1)[-1]
        same = {"birth_date", "age"} if answered == "birth_date" else {answered, "size"}
        apply_extraction(state, extract(message, today), today, skip=frozenset(same))
    elif classify(message).confident or extract(message, today).found:
        state.asked.remove(fact)  # not an answer but something else: the question may come again
        state.pending = None
        return None
    elif state.retries == 0:
        state.retries = 1
        return _unclear(state, fact)
    else:
        prefix = (t.ANSWER_SKIPPED,)
    state.pending = None
    return check(state, search=search, today=today, confidence=ANSWER_CONFIDENCE, prefix=prefix)


def _record(state: State, fact: str, value: object, today: date) -> None:
    if fact == HOUSEHOLD_COUNT:
        set_household_size(state, int(str(value)))
    else:
        set_fact(state, fact, value, today)


def _unclear(state: State, fact: str) -> Reply:
    question = state.pending_question or ""
    hint = t.HINTS[answers.hint_kind(fact)]
    return Reply(
        text="\n".join([t.ANSWER_UNCLEAR.format(hint=hint), question]),
        intent=state.intent or Intent.UNKNOWN,
        confidence=0.0,
        question=question,
    )


def _intent(state: State, guess: IntentGuess, extraction: Extraction) -> IntentGuess:
    """The classified intent; or, with no cue but facts about someone, checking what they can get."""
    if guess.confident:
        return guess
    if extraction.found and (state.intent in (None, *_TOPICAL)):
        return IntentGuess(Intent.CHECK_ELIGIBILITY, IMPLIED_CONFIDENCE, ("facts",))
    return guess


def _dispatch(state: State, message: str, guess: IntentGuess, *, today: date, search: SearchFn) -> Reply:
    named = named_services(message)
    if not guess.confident:
        return responses.not_sure(message, guess, named, search)
    if guess.intent == Intent.HUMAN:
        return responses.human(guess)
    if guess.intent == Intent.APPLICATION_STATUS:
        return responses.application_status(guess)
    if guess.intent == Intent.HOW_TO_APPLY:
        return responses.how_to_apply(state, message, named, search=search, confidence=guess.confidence)
    _begin(state, guess.intent, message, named, today)
    if guess.intent == Intent.FIND_SERVICE:
        return responses.find(state, message, search=search, today=today, confidence=guess.confidence)
    return check(state, search=search, today=today, confidence=guess.confidence)


def _begin(state: State, intent: Intent, message: str, named: list[str], today: date) -> None:
    """A topical message: it may start a new topic (what search is asked) and adds what it says."""
    extraction = extract(message, today)
    states_facts = bool(extraction.found or extraction.people)
    if named or not state.topic or (not states_facts and intent != state.intent):
        state.topic = message
        state.named = named
    state.intent = intent
    apply_extraction(state, extraction, today)
