"""Output shapes of eligibility results (what the CLI prints and the API returns)."""

from __future__ import annotations

from pydantic import BaseModel


class AmountPublic(BaseModel):
    value: int
    unit: str
    period: str  # month | once | year
    computation: str


class ReasonPublic(BaseModel):
    condition: str
    holds: bool
    member: str | None
    sentence: str


class ResultPublic(BaseModel):
    service_id: str
    name: str
    status: str  # eligible | ineligible | undetermined
    amount: AmountPublic | None
    missing_facts: list[str]
    explanation: list[str]
    reasons: list[ReasonPublic]
    legal_basis: list[str]
    rule_kind: str  # full | screening


class ScreeningPublic(BaseModel):
    """National-catalog services screened on their support conditions: 받을 가능성이 있어요, not decisions."""

    eligible: int
    undetermined: int
    ineligible: int
    results: list[ResultPublic]  # eligible first, then undetermined, up to the requested limit


class EvaluationPublic(BaseModel):
    on: str
    subject: str
    results: list[ResultPublic]
    screening: ScreeningPublic | None = None


class NextQuestionPublic(BaseModel):
    fact: str | None
    question: str | None
    settles: list[str]
