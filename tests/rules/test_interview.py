"""Greedy interviews end with exactly the answers full information gives, in fewer questions."""

from __future__ import annotations

import random
from datetime import date

from tests.factories import random_situation

from nara.rules import parse_situation
from nara.rules.interview import interview


def test_interviews_are_sound_and_shorter_than_the_static_form() -> None:
    rng = random.Random(11)
    # 24 households: each interview evaluates the whole rulebook once per question (about 2 s with 190 rules)
    runs = [interview(parse_situation(random_situation(rng), today=date(2025, 6, 1))) for _ in range(24)]
    assert all(run.sound for run in runs)
    assert all(run.questions <= run.static_questions for run in runs)
    assert sum(run.questions for run in runs) < sum(run.static_questions for run in runs)
