"""A message as long as the assistant reads (500 characters), of the kind that makes a pattern backtrack,
gets its reply in seconds whatever question is pending — not after the age of the universe.

Found 2026-12-07: 30 digits typed as an income held a worker for minutes (a run of digits could be cut into
parts in exponentially many ways). The guard below is an alarm far above any real reply (milliseconds), so
the test fails instead of hanging CI; it is not a measure of speed.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from tests.assistant.conftest import TODAY

from nara import assistant
from nara.assistant.conversation import MAX_MESSAGE
from nara.assistant.state import HOUSEHOLD_COUNT, SPEAKER
from nara.rules.interview import read_facts

_PIECES = [
    "9",
    "1,",
    "1.",
    "9 ",
    "일",
    "3백5십",
    "9만",
    "9억 ",
    "일흔",
    "두 ",
    "년생",
    "1950년 3월 ",
    "가",
    "ㅋ",
]
LONG_MESSAGES = [(piece * MAX_MESSAGE)[:MAX_MESSAGE] for piece in _PIECES] + [
    ("9" * 40 + " ") * 12,
    "월 소득 " + "9" * 490 + "원",
]


def _pending_facts() -> list[str | None]:
    """Every fact the rules may ask about, and none pending."""
    household, member = read_facts()
    facts: list[str | None] = [None, HOUSEHOLD_COUNT, *(f"household.{field}" for field in sorted(household))]
    return facts + [f"members.{SPEAKER}.{field}" for field in sorted(member)]


@contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    def stop(*_: object) -> None:
        raise TimeoutError(f"no reply within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("pending", _pending_facts())
def test_long_messages_are_answered(search: assistant.SearchFn, pending: str | None) -> None:
    for message in LONG_MESSAGES:
        state = assistant.State(members={SPEAKER: "본인"}, pending=pending)
        with _alarm(20):
            answer, _ = assistant.reply(state, message, search=search, today=TODAY)
        assert answer.text, message[:20]
