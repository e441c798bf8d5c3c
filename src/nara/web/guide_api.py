"""The guide as an open API, so a private app can run the same journey (민간 앱에서 공공서비스 이용):
send who lives together, the answers so far and what the person does not know; get the next question
(with how to ask it) or, when nothing more is worth asking, the grouped results."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from nara import guide, rules
from nara.kernel.clock import today
from nara.web.access import allow
from nara.web.api import PROBLEM_RESPONSES
from nara.web.deps import app_state

router = APIRouter(
    prefix="/api/v1/guide",
    tags=["guide"],
    responses=PROBLEM_RESPONSES,
    dependencies=[allow("public", purpose="guide", csrf=False)],
)
SCREENING_SHOWN = 20


class Household(BaseModel):
    spouse: bool = False
    children: int = Field(default=0, ge=0, le=6)
    parents: int = Field(default=0, ge=0, le=4)


class StepRequest(BaseModel):
    household: Household = Field(default_factory=Household, description="함께 사는 가족 (본인 포함은 자동)")
    answers: dict[str, Any] = Field(
        default_factory=dict,
        max_length=60,
        description='답한 사실: 규칙 엔진의 이름과 값 (예: {"members.me.birth_date": "1955-03-02"}, 금액은 원)',
    )
    unknown: list[str] = Field(
        default_factory=list, max_length=60, description="‘잘 모르겠어요’라고 답한 사실"
    )


class Option(BaseModel):
    value: str
    label: str


class QuestionOut(BaseModel):
    fact: str
    text: str
    kind: str = Field(description="choice | date | money(만원으로 묻고 원으로 보냄) | number | region")
    options: list[Option]
    unit_label: str
    hint: str
    number: int
    max_questions: int


class Pending(BaseModel):
    result: rules.ResultPublic
    settle_with: list[dict[str, str]]


class ResultsOut(BaseModel):
    eligible: list[rules.ResultPublic]
    undetermined: list[Pending]
    ineligible: list[rules.ResultPublic]
    possible: list[rules.ResultPublic] = Field(
        description="전국 서비스 지원조건으로 본 ‘가능성 있음’ (결정 아님)"
    )
    monthly_total: int
    yearly_total: int
    once_total: int


class StepOut(BaseModel):
    question: QuestionOut | None = Field(description="다음에 물어볼 한 가지 (없으면 결과를 보여 줄 때)")
    results: ResultsOut


@router.post("/steps", summary="맞춤형 안내: 다음 질문 또는 결과", response_model=StepOut)
def step(body: StepRequest, request: Request) -> StepOut:
    journey = guide.Journey(
        guide.Composition(body.household.spouse, body.household.children, body.household.parents),
        dict(body.answers),
        tuple(dict.fromkeys([*body.answers, *body.unknown])),
        started=True,
    )
    wrong = guide.misnamed_facts(journey)
    if wrong:
        raise guide.AnswerInvalid(
            f"이 가구에 없는 사실 이름입니다: {', '.join(wrong)[:300]}", facts=wrong[:20]
        )
    found = guide.next_step(journey, today())
    screened = app_state(request).search.screening_book().screen(found.situation)
    grouped = guide.group(rules.evaluation_public(found.situation, found.results, screened, SCREENING_SHOWN))
    return StepOut(question=_question(found.question), results=_results(grouped))


def _question(question: guide.Question | None) -> QuestionOut | None:
    if question is None:
        return None
    shown = question.input
    return QuestionOut(
        fact=question.fact, text=question.text, kind=shown.kind,
        options=[Option(value=v, label=label) for v, label in shown.options], unit_label=shown.unit_label,
        hint=shown.hint, number=question.number, max_questions=guide.MAX_QUESTIONS,
    )  # fmt: skip


def _results(grouped: guide.GuideResults) -> ResultsOut:
    return ResultsOut(
        eligible=grouped.eligible,
        undetermined=[
            Pending(result=r, settle_with=[{"fact": m.fact, "label": m.label} for m in missing])
            for r, missing in grouped.undetermined
        ],
        ineligible=grouped.ineligible,
        possible=grouped.possible,
        monthly_total=grouped.monthly_total,
        yearly_total=grouped.yearly_total,
        once_total=grouped.once_total,
    )
