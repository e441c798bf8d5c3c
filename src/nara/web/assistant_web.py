"""지능형 국민비서 on the web: a chat page that works without JavaScript (the transcript and the
assistant's state travel in a signed session cookie) and ``POST /api/v1/assistant/messages`` (the state
travels back and forth as a signed token, so the server keeps nothing between turns)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import BaseModel, Field

from nara import assistant
from nara.kernel.clock import today
from nara.web.access import allow, csrf_token, secure_cookies, set_csrf_cookie
from nara.web.api import PROBLEM_RESPONSES
from nara.web.deps import app_state
from nara.web.templating import render

pages = APIRouter(include_in_schema=False, dependencies=[allow("public", purpose="assistant")])
api = APIRouter(
    prefix="/api/v1/assistant",
    tags=["assistant"],
    responses=PROBLEM_RESPONSES,
    dependencies=[allow("public", purpose="assistant", csrf=False)],
)
COOKIE = "nara_assistant"
_MAX_AGE = 2 * 60 * 60
_TRANSCRIPT_TURNS = 12


def _serializer(request: Request) -> URLSafeTimedSerializer:
    secret = app_state(request).settings.secret_key.get_secret_value().encode()
    return URLSafeTimedSerializer(secret, salt="assistant")


def _state(request: Request, token: str | None) -> assistant.State:
    if not token:
        return assistant.State()
    try:
        data = _serializer(request).loads(token, max_age=_MAX_AGE)
        return assistant.State.from_json(
            data["state"] if isinstance(data, dict) and "state" in data else data
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return assistant.State()


def _turn(request: Request, state: assistant.State, message: str) -> tuple[assistant.Reply, assistant.State]:
    search = assistant.catalog_search(app_state(request).search.index())
    return assistant.reply(state, message, search=search, today=today())


# --- the chat page ---------------------------------------------------------------------------------


def _transcript(request: Request) -> tuple[assistant.State, list[dict[str, Any]]]:
    try:
        data = _serializer(request).loads(request.cookies.get(COOKIE, ""), max_age=_MAX_AGE)
    except BadSignature:
        return assistant.State(), []
    if not isinstance(data, dict):
        return assistant.State(), []
    try:
        state = assistant.State.from_json(data.get("state") or {})
    except (TypeError, ValueError):
        state = assistant.State()
    turns = data.get("turns")
    return state, turns if isinstance(turns, list) else []


@pages.get("/assistant", response_class=HTMLResponse)
def chat_page(request: Request) -> HTMLResponse:
    _, turns = _transcript(request)
    response = render(request, "assistant.html", {"turns": turns, "csrf_token": csrf_token(request)})
    set_csrf_cookie(request, response)
    return response


@pages.post("/assistant")
def send_message(request: Request, message: Annotated[str, Form(min_length=1, max_length=500)]) -> Response:
    state, turns = _transcript(request)
    answer, state = _turn(request, state, message)
    turns = [*turns, {"you": message, "reply": answer.to_json()}][-_TRANSCRIPT_TURNS:]
    response = RedirectResponse("/assistant#latest", status_code=303)
    value = _serializer(request).dumps({"state": state.to_json(), "turns": turns})
    response.set_cookie(
        COOKIE, value, max_age=_MAX_AGE, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response


@pages.post("/assistant/reset")
def reset(request: Request) -> Response:
    response = RedirectResponse("/assistant", status_code=303)
    response.delete_cookie(COOKIE)
    return response


# --- the API ---------------------------------------------------------------------------------------


class MessageIn(BaseModel):
    message: str = Field(
        min_length=1,
        max_length=500,
        description="시민이 한 말 (예: 혼자 사는 70대 어머니가 받을 수 있는 거 알려줘)",
    )
    state: str | None = Field(
        default=None, max_length=20_000, description="앞 턴에서 받은 state (처음엔 비움)"
    )


class MessageOut(BaseModel):
    reply: dict[str, Any] = Field(
        description="text, intent, confidence, services, question, sources, handoff"
    )
    state: str = Field(description="다음 턴에 그대로 돌려보내는 서명된 상태")


@api.post(
    "/messages", summary="국민비서에게 말하기 (카탈로그와 규칙에 있는 것만 답함)", response_model=MessageOut
)
def message(body: MessageIn, request: Request) -> MessageOut:
    answer, state = _turn(request, _state(request, body.state), body.message)
    return MessageOut(reply=answer.to_json(), state=_serializer(request).dumps({"state": state.to_json()}))
