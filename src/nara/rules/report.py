"""Results as the JSON documents the CLI and the API give out, and as text for people."""

from __future__ import annotations

from typing import Any

from nara.rules import korean
from nara.rules.evaluate import EligibilityResult, Status
from nara.rules.schemas import EvaluationPublic, ResultPublic, ScreeningPublic
from nara.rules.screening import Screening
from nara.rules.situation import Situation

_PERIOD = {"month": "매달", "once": "한 번", "year": "매년"}
_STATUS = {"eligible": "받을 수 있어요", "ineligible": "받기 어려워요", "undetermined": "확인이 더 필요해요"}


def result_public(result: EligibilityResult) -> ResultPublic:
    return ResultPublic.model_validate(result_json(result))


def result_json(result: EligibilityResult) -> dict[str, Any]:
    amount = result.amount
    return {
        "service_id": result.service_id,
        "name": result.name,
        "status": result.status.value,
        "amount": (
            {
                "value": amount.value,
                "unit": amount.unit,
                "period": amount.period,
                "computation": amount.computation,
            }
            if amount
            else None
        ),
        "missing_facts": result.missing_facts,
        "explanation": result.explanation,
        "reasons": [
            {"condition": r.condition, "holds": r.holds, "member": r.member, "sentence": r.sentence}
            for r in result.reasons
        ],
        "legal_basis": result.legal_basis,
        "rule_kind": result.rule_kind,
    }


def evaluation_json(situation: Situation, results: list[EligibilityResult]) -> dict[str, Any]:
    return evaluation_public(situation, results).model_dump()


def evaluation_public(
    situation: Situation,
    results: list[EligibilityResult],
    screening: Screening | None = None,
    limit: int = 50,
) -> EvaluationPublic:
    return EvaluationPublic(
        on=situation.on.isoformat(),
        subject=situation.subject,
        results=[result_public(r) for r in results],
        screening=screening_public(screening, limit) if screening else None,
    )


def screening_public(screening: Screening, limit: int) -> ScreeningPublic:
    counts = screening.counts()
    shown = screening.results([Status.ELIGIBLE], limit)
    if len(shown) < limit:
        shown += screening.results([Status.UNDETERMINED], limit - len(shown))
    return ScreeningPublic(
        eligible=counts[Status.ELIGIBLE],
        undetermined=counts[Status.UNDETERMINED],
        ineligible=counts[Status.INELIGIBLE],
        results=[result_public(r) for r in shown],
    )


def evaluation_text(situation: Situation, results: list[EligibilityResult]) -> str:
    lines = [f"{situation.on.isoformat()} 기준, {situation.subject}님"]
    for result in results:
        status = _STATUS[result.status.value]
        if result.rule_kind == "screening" and result.status.value == "eligible":
            status = "받을 가능성이 있어요 (지원조건만 본 것이라 결정은 아니에요)"
        head = f"- {result.name}: {status}"
        if result.amount:
            head += f" ({_PERIOD[result.amount.period]} {korean.won(result.amount.value)})"
        lines.append(head)
        lines.extend(f"    {sentence}" for sentence in result.explanation)
        if result.missing_facts:
            lines.append(f"    더 필요한 정보: {', '.join(result.missing_facts)}")
    return "\n".join(lines)
