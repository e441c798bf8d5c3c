"""Which of a bundle's services the family gets, and why: the rules engine on the registries' facts and
the citizen's answers to the bundle's shared questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from nara import rules
from nara.apply.errors import ApplyInvalid
from nara.apply.household import Household, Member
from nara.apply.specs import Bundle, FormField, Question, form

_MEMBER_FIELDS = set(rules.Situation.model_fields["members"].annotation.__args__[0].model_fields)  # type: ignore[union-attr]
_HOUSEHOLD_FIELDS = set(rules.Situation.model_fields["household"].annotation.model_fields)  # type: ignore[union-attr]
PERIODS = {"month": "매달", "once": "한 번", "year": "매년"}
NEWBORN = "newborn"


@dataclass(frozen=True)
class ServiceCheck:
    """One service of the bundle for this family: offered, or shown with the reason it is not."""

    service_id: str
    name: str
    status: str  # eligible | ineligible | undetermined
    amount: str | None  # "한 번 200만 원"
    explanation: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def offered(self) -> bool:
        return self.status != "ineligible"

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "amount": self.amount, "explanation": list(self.explanation),
                "missing": list(self.missing)}  # fmt: skip


def parse_answers(
    questions: tuple[FormField, ...] | tuple[Question, ...], given: dict[str, str]
) -> dict[str, Any]:
    """The answers as values (dates, numbers, true/false); a required answer left empty is an error."""
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for question in questions:
        text = (given.get(question.name) or "").strip()
        if not text:
            if not question.optional:
                problems[question.name] = f"{question.label}: 답해 주세요."
            continue
        try:
            answers[question.name] = _value(question, text)
        except ValueError:
            problems[question.name] = f"{question.label}: {_hint(question)}"
    if problems:
        raise ApplyInvalid(" ".join(problems.values()), fields=problems)
    return answers


def parse_fields(service_id: str, given: dict[str, str], prefix: str) -> dict[str, Any]:
    """A service form's own fields as values; an error names each bad field ``<prefix>.<service>.<name>``
    (as the page or the API called it) and says which service it belongs to."""
    spec = form(service_id)
    if spec is None:
        raise ApplyInvalid(f"온라인으로 신청할 수 없는 서비스입니다: {service_id}")
    try:
        return parse_answers(spec.fields, given)
    except ApplyInvalid as error:
        problems = error.fields.get("fields", {})
        raise ApplyInvalid(f"{spec.service}: {error.detail}", fields={
            f"{prefix}.{service_id}.{name}": text for name, text in problems.items()
        }) from error  # fmt: skip


def _value(question: FormField, text: str) -> Any:
    if question.kind == "choice":
        if text not in question.choices:
            raise ValueError(text)
        return {"true": True, "false": False}.get(text, text)
    if question.kind == "date":
        return date.fromisoformat(text).isoformat()
    if question.kind == "number":
        number = int(text.replace(",", ""))
        if number < 0:
            raise ValueError(text)
        return number
    if len(text) > 200:
        raise ValueError(text)
    return text


def _hint(question: FormField) -> str:
    return {
        "choice": "보기 중에서 골라 주세요.",
        "date": "날짜를 2026-01-31처럼 적어 주세요.",
        "number": "0 이상의 숫자로 적어 주세요.",
    }.get(question.kind, "200자 안으로 적어 주세요.")


def situation(household: Household, answers: dict[str, Any], on: date, newborn: bool) -> rules.Situation:
    """The rules' situation: registry facts, then the citizen's answers (a newborn joins as a child)."""
    members = [_member(member) for member in household.members]
    household_doc = {
        f.name.partition(".")[2]: f.value for f in household.facts.values() if f.value is not None
    }
    household_doc = {k: v for k, v in household_doc.items() if k in _HOUSEHOLD_FIELDS}
    if newborn:
        members.append(_newborn(household, answers))
    for name, value in answers.items():
        scope, _, field_name = name.partition(".")
        if scope == "household" and field_name in _HOUSEHOLD_FIELDS:
            household_doc[field_name] = value
        elif scope == "applicant" and field_name in _MEMBER_FIELDS:
            members[0][field_name] = value
    document = {"on": on.isoformat(), "subject": "me", "household": household_doc, "members": members}
    try:
        return rules.parse_situation(document, today=on)
    except (rules.SituationInvalid, ValidationError) as error:
        raise ApplyInvalid(f"가족 정보로 자격을 판단하지 못했습니다: {error}") from error


def _member(member: Member) -> dict[str, Any]:
    document: dict[str, Any] = {"id": member.member_id, "relation": member.relation}
    for name, fact in member.facts.items():
        field_name = name.partition(".")[2]
        if field_name in _MEMBER_FIELDS and field_name != "relation" and fact.value is not None:
            document[field_name] = fact.value
    return document


def _newborn(household: Household, answers: dict[str, Any]) -> dict[str, Any]:
    children = [m for m in household.members if m.relation == "child"]
    orders = [int(m.facts["member.birth_order"].value) for m in children
              if "member.birth_order" in m.facts and m.facts["member.birth_order"].value]  # fmt: skip
    document: dict[str, Any] = {"id": NEWBORN, "relation": "child",
                                "birth_order": max([*orders, len(children)]) + 1}  # fmt: skip
    for name, value in answers.items():
        scope, _, field_name = name.partition(".")
        if scope == NEWBORN and field_name in _MEMBER_FIELDS:
            document[field_name] = value
    return document


def check(bundle_services: tuple[str, ...], situation_: rules.Situation) -> list[ServiceCheck]:
    """Each service's answer, in the bundle's order."""
    wanted = set(bundle_services)
    chosen = tuple(rule for rule in rules.rulebook() if rule.service_id in wanted)
    by_service = {result.service_id: result for result in rules.evaluate(situation_, chosen)}
    return [_service_check(by_service[service]) for service in bundle_services if service in by_service]


def check_bundle(
    bundle: Bundle, household: Household, answers: dict[str, Any], on: date
) -> list[ServiceCheck]:
    """The bundle's national services and the local ones of the family's 시·도, each with its answer."""
    services = bundle.services_for(household.region)
    return check(services, situation(household, answers, on, bundle.newborn))


def _service_check(result: rules.EligibilityResult) -> ServiceCheck:
    amount = None
    if result.amount is not None and result.amount.unit == "KRW":
        amount = f"{PERIODS.get(result.amount.period, '')} {rules.won(result.amount.value)}".strip()
    return ServiceCheck(
        service_id=result.service_id,
        name=result.name,
        status=str(result.status),
        amount=amount,
        explanation=tuple(result.explanation),
        missing=tuple(result.missing_facts),
    )
