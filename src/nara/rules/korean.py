"""Plain-Korean wording: amounts, units, particles, and comparison sentences."""

from __future__ import annotations

from typing import Any


def won(amount: float) -> str:
    """An amount of money as Koreans write it.

    >>> won(1_800_000), won(765_444), won(100_000), won(0), won(150_000_000)
    ('180만 원', '76만 5,444원', '10만 원', '0원', '1억 5,000만 원')
    """
    amount = round(amount)
    if amount < 10_000:
        return f"{amount:,}원"
    eok, rest = divmod(amount, 100_000_000)
    man, units = divmod(rest, 10_000)
    parts = ([f"{eok:,}억"] if eok else []) + ([f"{man:,}만"] if man else [])
    return " ".join(parts) + (f" {units:,}원" if units else " 원")


def with_unit(value: Any, unit: str) -> str:
    """A value in its unit.

    >>> with_unit(30, "months"), with_unit(True, "bool"), with_unit(2_280_000, "KRW/month")
    ('30개월', '예', '228만 원')
    """
    if isinstance(value, bool):
        return "예" if value else "아니요"
    if unit.startswith("KRW") and isinstance(value, int | float):
        return won(value)
    suffix = {"months": "개월", "years": "세", "years_span": "년", "persons": "명", "order": "째", "ratio": "",
              "days": "일", "credits": "학점", "score": "점"}.get(unit, "")  # fmt: skip
    if unit == "ratio" and isinstance(value, float):
        return f"{value:.0%}"
    return f"{value}{suffix}"


def subject_particle(word: str) -> str:
    """이 after a final consonant, 가 after a vowel (digits read as Korean numbers).

    >>> subject_particle("180만 원"), subject_particle("나이")
    ('이', '가')
    """
    last = word.rstrip()[-1:] or "가"
    if "가" <= last <= "힣":
        return "이" if (ord(last) - ord("가")) % 28 else "가"
    return "이" if last in "0136789" else "가"


_RELATION_TEXT = {
    ("<", True): "보다 적습니다",
    ("<", False): " 이상입니다",
    ("<=", True): " 이하입니다",
    ("<=", False): "보다 많습니다",
    (">", True): "보다 많습니다",
    (">", False): " 이하입니다",
    (">=", True): " 이상입니다",
    (">=", False): "보다 적습니다",
    ("==", True): "와(과) 같습니다",
    ("==", False): "와(과) 다릅니다",
    ("!=", True): "와(과) 다릅니다",
    ("!=", False): "와(과) 같습니다",
}


def comparison_sentence(left: str, op: str, right: str, holds: bool) -> str:
    """ "가구 소득인정액 180만 원이 기준 164만 원보다 많습니다." and the like."""
    if op == "in":
        verb = "에 해당합니다" if holds else "에 해당하지 않습니다"
        return f"{left}{subject_particle(left)} {right}{verb}."
    return f"{left}{subject_particle(left)} {right}{_RELATION_TEXT[(op, holds)]}."
