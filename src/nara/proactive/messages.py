"""The notice a member receives for a newly eligible service, in plain Korean (pure: no database).

Only what the rules say: the service's name, the amount when the rule's amount needs no fact of the
household (a parameter such as 기초연금's 기준연금액, for the date of the run), how many people in the
household it is for, and where to read more and apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from nara.rules import won
from nara.rules.expressions import Arithmetic, Expr, Number, ParamRef
from nara.rules.parameters import parameters
from nara.rules.rulebook import Rule

KIND = "proactive"
_PERIOD = {"month": "매달", "once": "한 번", "year": "매년"}
_WHOM = {"children": "자녀", "members": "가구원", "spouse": "배우자"}
FOOTER = (
    "신청해야 받을 수 있어요. 자세한 내용과 신청 방법은 아래 서비스 안내에서 확인하세요.\n"
    "이 안내는 복지멤버십에 가입하셔서 기관이 가진 정보로 정기적으로 확인해 보내 드리는 것입니다. "
    "그만 받으려면 내 정보 › 동의 관리에서 복지멤버십을 탈퇴하세요."
)


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    link: str


def message(rule: Rule, reason: str, beneficiaries: int, on: date) -> Message:
    """The notice for ``rule`` found newly eligible on ``on`` (``reason``: its reason code)."""
    lines = [f"{korean_date(on)} 기준으로 살펴보니 {rule.name}{object_particle(rule.name)} 받을 수 있어요."]
    if rule.for_each != "subject":
        lines.append(f"대상: {_WHOM.get(rule.for_each, '가구원')} {beneficiaries}명")
    amount = amount_of(rule, reason, on)
    if amount is not None and rule.amount is not None:
        each = " (1명당)" if rule.for_each != "subject" else ""
        lines.append(
            f"금액: {_PERIOD[rule.amount.period]} {won(amount)}{each} — 실제 금액은 신청 뒤 심사에서 정해져요."
        )
    elif rule.amount is not None:
        lines.append("금액은 가구의 소득·재산 등에 따라 신청 뒤 심사에서 정해져요.")
    lines.append(f"근거: {', '.join(rule.legal_basis)}")
    return Message(
        title=f"새로 받을 수 있는 혜택: {rule.name}",
        body="\n".join([*lines, "", FOOTER]),
        link=f"/services/{rule.service_id}",
    )


def amount_of(rule: Rule, reason: str, on: date) -> float | None:
    """The amount of the case the reason code names (``amount=k``; the only case when there is one), if
    it needs no fact of the household; None otherwise."""
    if rule.amount is None:
        return None
    codes = dict(part.split("=", 1) for part in reason.split(",") if "=" in part)
    case = int(codes.get("amount", "1")) - 1
    if not 0 <= case < len(rule.amount.cases):
        return None
    return constant(rule.amount.cases[case].value, on)


def constant(expr: Expr, on: date) -> float | None:
    """The value of an expression of numbers and plain parameters on ``on``; None if it reads a fact.

    >>> constant(Arithmetic("*", ParamRef("basic_pension.standard_amount"), Number(0.8)), date(2025, 3, 1))
    274008.0
    """
    if isinstance(expr, Number):
        return float(expr.value)
    if isinstance(expr, ParamRef) and expr.size is None and expr.at is None:
        value = parameters()[expr.name].at(on)
        return None if value is None else float(value)
    if isinstance(expr, Arithmetic):
        left, right = constant(expr.left, on), constant(expr.right, on)
        if left is None or right is None:
            return None
        if expr.op == "+":
            return left + right
        if expr.op == "-":
            return left - right
        if expr.op == "*":
            return left * right
        return left / right if right else None
    return None


def korean_date(day: date) -> str:
    """A date as Koreans write it.

    >>> korean_date(date(2024, 11, 27))
    '2024년 11월 27일'
    """
    return f"{day.year}년 {day.month}월 {day.day}일"


def object_particle(word: str) -> str:
    """을 after a final consonant, 를 after a vowel (a name's last Hangul syllable before any brackets).

    >>> object_particle("기초연금"), object_particle("디딤씨앗통장(아동발달지원계좌)"), object_particle("아이돌봄 서비스")
    ('을', '을', '를')
    """
    last = word.split("(")[0].rstrip()[-1:] or "가"
    if "가" <= last <= "힣":
        return "을" if (ord(last) - ord("가")) % 28 else "를"
    return "을"
