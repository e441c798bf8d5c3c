"""The results page's shape: 받을 수 있어요 (with amounts and totals), 확인이 더 필요해요 (with the one or
two facts that would settle each), 받기 어려워요 (each with its reason), and 가능성 있음 (screening on
the national catalog's support conditions — never presented as a decision)."""

from __future__ import annotations

from dataclasses import dataclass, field

from nara import rules
from nara.guide.household import member_name
from nara.guide.inputs import spec_of

SETTLING_FACTS_SHOWN = 2


@dataclass(frozen=True)
class MissingFact:
    fact: str
    label: str


@dataclass(frozen=True)
class GuideResults:
    eligible: list[rules.ResultPublic] = field(default_factory=list)
    undetermined: list[tuple[rules.ResultPublic, list[MissingFact]]] = field(default_factory=list)
    ineligible: list[rules.ResultPublic] = field(default_factory=list)
    possible: list[rules.ResultPublic] = field(default_factory=list)  # screening: 가능성 있음
    monthly_total: int = 0
    yearly_total: int = 0
    once_total: int = 0


def group(evaluation: rules.EvaluationPublic) -> GuideResults:
    eligible = [r for r in evaluation.results if r.status == "eligible"]
    monthly = sum(r.amount.value for r in eligible if r.amount and r.amount.period == "month")
    yearly = sum(r.amount.value for r in eligible if r.amount and r.amount.period == "year")
    once = sum(r.amount.value for r in eligible if r.amount and r.amount.period == "once")
    screening = evaluation.screening.results if evaluation.screening else []
    return GuideResults(
        eligible=eligible,
        undetermined=[
            (r, [missing_fact(f) for f in r.missing_facts[:SETTLING_FACTS_SHOWN]])
            for r in evaluation.results
            if r.status == "undetermined"
        ],
        ineligible=[r for r in evaluation.results if r.status == "ineligible"],
        possible=[r for r in screening if r.status != "ineligible"],
        monthly_total=monthly,
        yearly_total=monthly * 12 + yearly,
        once_total=once,
    )


def missing_fact(fact: str) -> MissingFact:
    """A fact as a person reads it: "본인의 생년월일", "가구 소득인정액"."""
    spec = spec_of(fact)
    label = spec.label if spec else fact
    if fact.startswith("members."):
        return MissingFact(fact, f"{member_name(fact.split('.', 2)[1])}의 {label}")
    return MissingFact(fact, label)
