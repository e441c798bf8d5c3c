"""국민비서 on the web: the chat page without JavaScript, and the API with its signed state."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.identity.journeys import csrf_of


def test_the_chat_page_answers_the_mother_question_and_asks_one_thing_next(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/assistant")
    assert page.status_code == 200
    answered = client.post(
        "/assistant",
        data={"csrf_token": csrf_of(page.text), "message": "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘"},
    )
    assert answered.url.path == "/assistant"
    text = answered.text
    assert "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘" in text
    assert "기초연금" in text
    assert "소득인정액" in text  # the one question the engine needs next
    followed = client.post(
        "/assistant", data={"csrf_token": csrf_of(text), "message": "한 달에 100만 원이요"}
    )
    assert "받을 수 있어요" in followed.text
    client.cookies.clear()


def test_the_api_keeps_the_conversation_in_a_signed_state(client: TestClient) -> None:
    first = client.post(
        "/api/v1/assistant/messages", json={"message": "혼자 사는 70대 어머니가 받을 수 있는 거 알려줘"}
    )
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["reply"]["intent"] == "check_eligibility"
    assert body["reply"]["question"]
    names = {s["name"] for s in body["reply"]["services"]}
    assert any("기초연금" in name for name in names)
    second = client.post(
        "/api/v1/assistant/messages", json={"message": "한 달에 100만 원이요", "state": body["state"]}
    )
    statuses = {s["name"]: s["status"] for s in second.json()["reply"]["services"]}
    assert statuses.get("기초연금") == "eligible"
    forged = client.post(
        "/api/v1/assistant/messages", json={"message": "한 달에 100만 원이요", "state": "forged"}
    )
    assert forged.status_code == 200  # a forged state is no state: the conversation starts afresh
    afresh = {s["name"]: s["status"] for s in forged.json()["reply"]["services"]}
    assert afresh.get("기초연금") != "eligible"  # nothing of the first conversation carried over


def test_unsure_answers_offer_a_person(client: TestClient) -> None:
    reply = client.post("/api/v1/assistant/messages", json={"message": "ㅁㄴㅇㄹ"}).json()["reply"]
    assert reply["handoff"]["phone"] == "110"
