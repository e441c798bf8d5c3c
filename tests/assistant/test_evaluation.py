"""The written dialogues: intent accuracy and top-3 hit rate reported, nothing invented, ever."""

from __future__ import annotations

import dataclasses

from tests.assistant.conftest import TODAY, talk

from nara import assistant
from nara.assistant.evaluation import inventions, load_dialogues


def test_the_dialogue_set_is_large_and_varied() -> None:
    dialogues = load_dialogues()
    assert len(dialogues) >= 80
    intents = {turn.intent for d in dialogues for turn in d.turns if turn.intent}
    assert intents == {
        "find_service",
        "check_eligibility",
        "how_to_apply",
        "application_status",
        "human",
        "unknown",
    }


def test_nothing_is_invented_over_the_whole_set(search: assistant.SearchFn) -> None:
    report = assistant.evaluate_dialogues(search, TODAY)
    print(f"\n{report.summary()}")  # the figures, for docs/domains/assistant.md
    for miss in report.misses:
        print(f"  {miss}")
    assert report.invented == 0
    assert report.status_errors == 0
    assert report.intent_accuracy >= 0.9
    assert report.top3_hit_rate >= 0.85


def test_nothing_is_invented_in_the_held_out_dialogues(search: assistant.SearchFn) -> None:
    report = assistant.evaluate_dialogues(search, TODAY, load_dialogues("holdout.yaml"))
    print(f"\nheld out: {report.summary()}")  # reported, never tuned on: no floor on accuracy
    for miss in report.misses:
        print(f"  {miss}")
    assert report.invented == 0


def test_the_check_finds_an_invented_amount_name_or_number(search: assistant.SearchFn) -> None:
    replies, state = talk(search, "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘", "한 달에 100만 원이요")
    answer = replies[-1]
    said = ["혼자 사는 70대 어머니가 받을 수 있는 거 알려줘", "한 달에 100만 원이요"]
    assert inventions(answer, state, said, [], TODAY) == []
    pension = next(s for s in answer.services if s.service_id == "SSE000000170")
    richer = dataclasses.replace(pension, amount="매달 50만 원")
    forged = [
        dataclasses.replace(answer, services=(richer,)),
        dataclasses.replace(answer, text=answer.text + "\n- 효도수당"),
        dataclasses.replace(answer, text=answer.text + "\n매달 30만 원을 더 드려요."),
        dataclasses.replace(answer, services=(dataclasses.replace(pension, status="ineligible"),)),
        dataclasses.replace(
            answer, services=(dataclasses.replace(pension, reasons=("나이가 많아서 받아요.",)),)
        ),
    ]
    for reply in forged:
        assert inventions(reply, state, said, [], TODAY), reply
