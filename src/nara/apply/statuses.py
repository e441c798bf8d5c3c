"""The status timeline of an application and the reasons an office may give for a refusal."""

from __future__ import annotations

STATUS_LABELS = {
    "received": "접수",
    "in_review": "검토중",
    "supplement_requested": "보완요청",
    "supplement_submitted": "보완제출",
    "approved": "승인",
    "rejected": "반려",
    "paid": "지급",
    "provided": "제공",
}
OPEN = ("received", "in_review", "supplement_requested", "supplement_submitted")
DECIDABLE = ("received", "in_review", "supplement_submitted")
FINAL = ("rejected", "paid", "provided")
# 반려 사유 (reason codes are stable; the official adds their own sentence).
REJECTION_REASONS = {
    "not_eligible": "지원 대상에 해당하지 않습니다",
    "income_over": "소득·재산 기준을 넘습니다",
    "already_receiving": "이미 같은 지원을 받고 있습니다",
    "documents_missing": "보완 요청한 서류가 제출되지 않았습니다",
    "facts_differ": "확인한 사실이 신청 내용과 다릅니다",
    "other": "그 밖의 사유",
}


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
