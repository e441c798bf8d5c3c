"""How each fact is asked on a screen, and how an answer becomes the value the rules read.

Money is asked in 만원 (what people say) and stored in 원; yes/no and choices use plain Korean labels;
regions are chosen from the official 시군구 list. Anything that cannot be read raises
:class:`AnswerInvalid` with a message saying how to answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from nara.kernel.errors import InvalidInputError
from nara.rules import FactSpec, fact_spec, sigungu_table

YES_NO = (("true", "예"), ("false", "아니요"))
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "sex": (("female", "여성"), ("male", "남성")),
    "disability": (("none", "없음"), ("mild", "장애의 정도가 심하지 않음"), ("severe", "장애의 정도가 심함")),
    "employment": (
        ("employed", "직장에 다님"), ("self_employed", "자영업"), ("unemployed", "일자리를 찾는 중"),
        ("student", "학생"), ("none", "일하지 않음"),
    ),
    "school": (
        ("none", "다니지 않음"), ("elementary", "초등학교"), ("middle", "중학교"), ("high", "고등학교"),
        ("university", "대학교"),
    ),
    "industry": (("none", "해당 없음"), ("farming", "농업"), ("fishing", "어업"), ("livestock", "축산업"),
                 ("forestry", "임업")),
    "childcare": (("none", "다니지 않음"), ("daycare", "어린이집"), ("kindergarten", "유치원")),
    "health_insurance": (
        ("employee", "직장가입자"), ("regional", "지역가입자"), ("dependent", "피부양자"),
        ("medical_aid", "의료급여"), ("none", "없음"),
    ),
    "leave": (("none", "아니요"), ("parental", "육아휴직 중"), ("maternity", "출산전후휴가 중"),
              ("paternity", "배우자 출산휴가 중")),
    "business": (("none", "하지 않음"), ("preparing", "준비 중"), ("operating", "운영 중"),
                 ("closing", "폐업 예정"), ("closed", "폐업함")),
}  # fmt: skip
_MONEY_UNITS = ("KRW", "KRW/month", "KRW/year")


class AnswerInvalid(InvalidInputError):
    code = "guide.answer_invalid"
    title = "답을 알아보지 못했습니다."


@dataclass(frozen=True)
class Input:
    """What the screen shows for one fact."""

    fact: str
    kind: str  # choice | date | money | number | region
    options: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    unit_label: str = ""  # 만원, 개월, 명 …
    hint: str = ""


def spec_of(fact: str) -> FactSpec | None:
    """The rules' description of a fact named as in missing facts (``members.<id>.<field>``)."""
    if fact.startswith("members."):
        return fact_spec("member." + fact.split(".", 2)[2])
    return fact_spec(fact)


def input_for(fact: str) -> Input:
    """The input a fact is asked with."""
    field_name = fact.rsplit(".", 1)[-1]
    spec = spec_of(fact)
    unit = spec.unit if spec else "text"
    if fact == "household.region":
        return Input(fact, "region", _regions(), hint="시·도와 시·군·구가 함께 적혀 있어요.")
    if field_name in CHOICES:
        return Input(fact, "choice", CHOICES[field_name])
    if unit == "bool":
        return Input(fact, "choice", YES_NO)
    if unit == "date":
        return Input(fact, "date", hint="예: 1955-03-02")
    if unit in _MONEY_UNITS:
        return Input(fact, "money", unit_label="만원", hint="대략이라도 괜찮아요. 만원 단위로 적어 주세요.")
    labels = {"months": "개월", "days": "일", "persons": "명", "years_span": "년", "order": "째"}
    return Input(fact, "number", unit_label=labels.get(unit, ""))


def parse_answer(fact: str, raw: str, *, today: date) -> object:
    """The rules' value for a submitted answer."""
    shown = input_for(fact)
    text = raw.strip()
    if not text:
        raise AnswerInvalid("답을 고르거나 적어 주세요. 모르시면 ‘잘 모르겠어요’를 눌러 주세요.")
    if shown.kind in ("choice", "region"):
        return _choice(shown, text)
    if shown.kind == "date":
        return _date(text, today)
    number = _number(text)
    return number * 10_000 if shown.kind == "money" else number


def _choice(shown: Input, text: str) -> object:
    if text not in {value for value, _ in shown.options}:
        raise AnswerInvalid("보기 가운데에서 골라 주세요.")
    return {"true": True, "false": False}.get(text, text)


def _date(text: str, today: date) -> str:
    try:
        born = date.fromisoformat(text)
    except ValueError as error:
        raise AnswerInvalid("날짜를 1955-03-02처럼 적어 주세요.") from error
    if born > today or born.year < 1900:
        raise AnswerInvalid("날짜를 다시 확인해 주세요.")
    return born.isoformat()


def _number(text: str) -> int:
    digits = text.replace(",", "").replace(" ", "")
    if not digits.isdigit() or len(digits) > 9:
        raise AnswerInvalid("숫자만 적어 주세요. 예: 150")
    return int(digits)


def _regions() -> tuple[tuple[str, str], ...]:
    return tuple((code, f"{sido} {name}") for code, sido, name in sigungu_table())


def shown_value(fact: str, value: object) -> str:
    """An answer as the person would read it back (for the summary and the back button)."""
    shown = input_for(fact)
    if shown.kind in ("choice", "region"):
        key = {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else value
        return dict(shown.options).get(str(key), str(value))
    if shown.kind == "money" and isinstance(value, int):
        return f"{value // 10_000:,}만원"
    return f"{value}{shown.unit_label}"
