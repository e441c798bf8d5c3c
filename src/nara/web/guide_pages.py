"""맞춤형 안내 pages: one question per screen, "잘 모르겠어요" always allowed, back works, answers kept in
a signed session cookie (never in a URL); then the results in three groups. Signed in, the citizen can
consent once and see everything the registries can answer with no questions at all (/guide/me).
Works without JavaScript."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from nara import guide, rules
from nara.kernel.clock import today
from nara.web.access import allow, form_page, secret_key, secure_cookies
from nara.web.deps import app_state

router = APIRouter(include_in_schema=False, dependencies=[allow("public", purpose="guide")])
COOKIE = "nara_guide"
_MAX_AGE = 2 * 60 * 60
SCREENING_SHOWN = 20


def load(request: Request) -> guide.Journey:
    serializer = URLSafeTimedSerializer(secret_key(request), salt="guide")
    try:
        data = serializer.loads(request.cookies.get(COOKIE, ""), max_age=_MAX_AGE)
    except BadSignature:
        return guide.Journey()
    return guide.Journey.from_dict(data) if isinstance(data, dict) else guide.Journey()


def save(request: Request, response: Response, journey: guide.Journey) -> Response:
    value = URLSafeTimedSerializer(secret_key(request), salt="guide").dumps(journey.as_dict())
    response.set_cookie(
        COOKIE, value, max_age=_MAX_AGE, httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response


def _go(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


@router.get("/guide", response_class=HTMLResponse)
def startform_page(request: Request) -> HTMLResponse:
    return form_page(request, "guide_start.html", journey=load(request), max_questions=guide.MAX_QUESTIONS)


@router.post("/guide/start")
def start(
    request: Request,
    spouse: Annotated[str, Form(max_length=5)] = "",
    children: Annotated[int, Form(ge=0, le=6)] = 0,
    parents: Annotated[int, Form(ge=0, le=4)] = 0,
) -> Response:
    composition = guide.Composition(spouse=spouse == "yes", children=children, parents=parents)
    return save(request, _go("/guide/question"), guide.Journey(composition, started=True))


@router.get("/guide/question", response_class=HTMLResponse, response_model=None)
def questionform_page(request: Request) -> Response:
    journey = load(request)
    if not journey.started:
        return _go("/guide")
    asked_for = request.query_params.get("fact", "")
    step = guide.next_step(journey, today())
    if asked_for and asked_for in _open_facts(step):  # "답하기" from the results: beyond the count
        return _question(request, journey, asked_for, min(len(journey.asked) + 1, guide.MAX_QUESTIONS + 1))
    if step.question is None:
        return _go("/guide/results")
    return _question(request, journey, step.question.fact, step.question.number)


def _open_facts(step: guide.Step) -> set[str]:
    """Facts a person may answer now: what the results still miss."""
    return {fact for result in step.results for fact in result.missing_facts}


def _question(
    request: Request,
    journey: guide.Journey,
    fact: str,
    number: int,
    *,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    return form_page(
        request,
        "guide_question.html",
        status_code,
        fact=fact,
        text=guide.question_text(fact),
        input=guide.input_for(fact),
        number=number,
        max_questions=guide.MAX_QUESTIONS,
        previous=journey.answers.get(fact),
        answered=[
            (guide.question_text(f), guide.shown_value(f, journey.answers[f])) for f in journey.answers
        ],
        can_go_back=bool(journey.asked),
        error=error,
    )


@router.post("/guide/answer", response_model=None)
def answer(
    request: Request,
    fact: Annotated[str, Form(max_length=120)],
    action: Annotated[str, Form(max_length=10)] = "answer",
    value: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    journey = load(request)
    if action == "back":
        earlier, last = journey.back()
        target = f"/guide/question?fact={last}" if last else "/guide"
        return save(request, _go(target), earlier)
    if not journey.started or fact not in _open_facts(guide.next_step(journey, today())) | set(journey.asked):
        return _go("/guide/question")
    if action == "unknown":
        return save(request, _go("/guide/question"), journey.not_known(fact))
    try:
        parsed = guide.parse_answer(fact, value, today=today())
    except guide.AnswerInvalid as error:
        return _question(request, journey, fact, len(journey.asked) + 1, error=error.detail, status_code=422)
    return save(request, _go("/guide/question"), journey.answer(fact, parsed))


@router.get("/guide/results", response_class=HTMLResponse, response_model=None)
def resultsform_page(request: Request) -> Response:
    journey = load(request)
    if not journey.started:
        return _go("/guide")
    step = guide.next_step(journey, today())
    grouped = guide.group(_public(request, step))
    return form_page(
        request, "guide_results.html", results=grouped, asked=len(journey.asked), signed_in=False
    )


def _public(request: Request, step: guide.Step) -> rules.EvaluationPublic:
    screened = app_state(request).search.screening_book().screen(step.situation)
    return rules.evaluation_public(step.situation, step.results, screened, SCREENING_SHOWN)


@router.post("/guide/reset")
def reset(request: Request) -> Response:
    response = _go("/guide")
    response.delete_cookie(COOKIE)
    return response
