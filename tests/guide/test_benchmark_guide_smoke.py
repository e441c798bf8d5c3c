"""benchmarks/guide.py keeps working: its citizens go through the real HTML journey and the interview."""

from __future__ import annotations

from pathlib import Path

from benchmarks import guide as bench
from fastapi.testclient import TestClient


def test_the_guide_benchmark_walks_real_journeys(client: TestClient, tmp_path: Path) -> None:
    people = bench.citizens(3, 7, tmp_path)
    assert len(people) == 3
    steps: list[float] = []
    results: list[float] = []
    for citizen in people:
        bench.html_journey(client, citizen, steps, results)
    assert len(results) == 3
    assert len(steps) >= 3
    run = bench.interview_of(people[0].document)
    assert run.sound
    assert 0 < run.questions <= run.static_questions
