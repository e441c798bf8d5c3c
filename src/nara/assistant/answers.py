"""The answer to the one question asked: yes or no, an amount, a count, a date or age, one of a few words.

``read_answer`` returns the value for the rules (or bounds on it), :data:`DONT_KNOW` when the citizen says
they do not know, and None when the words do not answer the question unambiguously.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from nara.assistant import numbers, places
from nara.assistant.extract import BirthRange, OneOf, extract
from nara.assistant.language import normalise
from nara.assistant.numbers import AgeRange
from nara.assistant.state import HOUSEHOLD_COUNT

DONT_KNOW = "dont_know"

_MONEY_FIELDS = frozenset(
    [
        "income_recognised_monthly",
        "assets",
        "income_annual",
        "medical_expenses_annual",
        "rent_monthly",
        "rent_deposit",
        "earned_income_annual",
        "monthly_wage",
    ]
)
_YES_NO_FIELDS = frozenset(
    [
        "owns_home",
        "multicultural",
        "north_korean_defector",
        "single_parent",
        "recently_moved_in",
        "crisis",
        "newlywed",
        "bereaved",
        "pregnant",
        "veteran",
        "chronic_illness",
        "preparing_pregnancy",
        "left_job_involuntarily",
        "dementia",
        "geriatric_disease",
        "rare_disease",
        "activity_support_assessed",
        "infertility_diagnosed",
        "mental_health_referral",
        "protected_child",
    ]
)
_COUNTS: dict[str, tuple[str, int, int, bool]] = {  # field → (units, min, max, a bare number is enough)
    "deceased_pension_years": ("년", 0, 60, True),
    "child_support_unpaid_months": ("개월|달", 0, 300, True),
    "insured_days": ("일", 0, 20_000, True),
    "unemployed_months": ("개월|달", 0, 1_200, True),
    "workplace_employees": ("명|인", 0, 1_000_000, True),
    "credits_last_term": ("학점", 0, 40, True),
    "grade_score": ("점", 0, 100, True),
    "birth_order": ("째", 1, 20, True),
}
# field → ((pattern, value), …): the first pattern found decides; "none" answers come last.
_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "relation": (
        (r"배우자|남편|아내|부인|와이프|신랑|집사람", "spouse"), (r"손자|손녀|손주", "grandchild"),
        (r"아들|딸|자녀|자식|아이|애", "child"), (r"어머니|엄마|아버지|아빠|부모|장모|장인|시어머니|시아버지", "parent"),
        (r"형|누나|언니|오빠|동생|형제|자매|남매", "sibling"), (r"본인|저요|저예요|나요", "self"),
        (r"친척|지인|친구|기타|이모|고모|삼촌", "other"),
    ),
    "sex": ((r"여자|여성|여|엄마|어머니|딸", "female"), (r"남자|남성|남|아빠|아버지|아들", "male")),
    "disability": (
        (r"심하지\s?않|경증|[4-6]\s?급", "mild"), (r"심한|심해|중증|[1-3]\s?급", "severe"), (r"없|아니|아뇨", "none"),
    ),
    "employment": (
        (r"자영업|장사|가게|사업|프리랜서", "self_employed"), (r"학생", "student"),
        (r"구직|실직|찾고|찾는|일자리가?\s?없|쉬고\s?있|잃", "unemployed"),
        (r"다니|일하|일해|근무|직장|회사|출근|알바|아르바이트|네|예", "employed"),
        (r"은퇴|주부|집에|안\s?해|안\s?하|없", "none"),
    ),
    "school": (
        (r"초등", "elementary"), (r"중학", "middle"), (r"고등", "high"), (r"대학", "university"),
        (r"안\s?다녀|안\s?다니|아니|아뇨|없|졸업", "none"),
    ),
    "industry": (
        (r"농사|농업|농민|과수", "farming"), (r"어업|어민|고기잡|양식", "fishing"), (r"축산|소|돼지|닭", "livestock"),
        (r"임업|산림|나무", "forestry"), (r"아니|아뇨|없|안\s?해", "none"),
    ),
    "childcare": ((r"어린이집", "daycare"), (r"유치원", "kindergarten"), (r"집에서|가정|아니|아뇨|안\s?다", "none")),
    "health_insurance": (
        (r"피부양", "dependent"), (r"직장", "employee"), (r"지역", "regional"), (r"의료\s?급여", "medical_aid"),
        (r"없|안\s?들", "none"),
    ),
    "leave": (
        (r"배우자\s?출산", "paternity"), (r"육아\s?휴직", "parental"), (r"출산\s?(?:전후\s?)?휴가|유산|사산", "maternity"),
        (r"아니|아뇨|없|안\s?해", "none"),
    ),
    "business": (
        (r"폐업\s?예정|정리\s?중|접으려|닫으려", "closing"), (r"폐업|닫았|접었|그만뒀", "closed"),
        (r"준비", "preparing"), (r"운영|하고\s?있|해요|합니다|네|예", "operating"), (r"아니|아뇨|없|안\s?해", "none"),
    ),
    "disability_kind": (
        (r"지체", "physical"), (r"뇌병변", "brain_lesion"), (r"시각|눈", "visual"), (r"청각|귀", "hearing"),
        (r"언어", "speech"), (r"지적", "intellectual"), (r"자폐", "autism"), (r"정신", "mental"), (r"신장", "kidney"),
        (r"심장", "heart"), (r"호흡", "respiratory"), (r"간", "liver"), (r"안면", "facial"), (r"장루|요루", "ostomy"),
        (r"뇌전증|간질", "epilepsy"),
    ),
}  # fmt: skip


def read_answer(fact: str, message: str, today: date) -> object | None:
    """The value ``message`` gives the fact asked, :data:`DONT_KNOW`, or None when it does not answer.

    >>> d = date(2026, 3, 1)
    >>> read_answer("household.income_recognised_monthly", "한 달에 120만 원쯤이요", d)
    1200000
    >>> read_answer("household.income_recognised_monthly", "120이요", d) is None
    True
    >>> read_answer("members.me.pregnant", "아니요", d), read_answer("household.members.count", "셋이요", d)
    (False, 3)
    >>> read_answer("members.parent.birth_date", "1950년 5월 3일이에요", d)
    datetime.date(1950, 5, 3)
    >>> read_answer("members.me.relation", "모르겠어요", d)
    'dont_know'
    """
    text = normalise(message)
    if numbers.dont_know(text):
        return DONT_KNOW
    field = fact.rsplit(".", 1)[-1]
    if fact == HOUSEHOLD_COUNT:
        return _household_count(text)
    reader = _READERS.get(field)
    if reader is not None:
        return reader(text, today)
    if field in _MONEY_FIELDS:
        return _money(text)
    if field in _YES_NO_FIELDS:
        return numbers.yes_no(text)
    if field in _COUNTS:
        return _count(text, *_COUNTS[field])
    if field in _WORDS:
        return _word(field, text)
    return None


def hint_kind(fact: str) -> str:
    """Which hint helps to answer the question for ``fact`` (see ``templates.HINTS``).

    >>> hint_kind("household.assets"), hint_kind("members.me.pregnant"), hint_kind("household.members.count")
    ('money', 'yes_no', 'household')
    """
    field = fact.rsplit(".", 1)[-1]
    if fact == HOUSEHOLD_COUNT:
        return "household"
    if field in _COUNTS:
        return "count"
    if field in _MONEY_FIELDS:
        return "money"
    if field in _YES_NO_FIELDS:
        return "yes_no"
    return field if field in ("birth_date", "region") else "word"


def _money(text: str) -> int | None:
    found = numbers.amounts(text)
    if found:
        return found[0]
    return 0 if re.search(r"없|0\s?원|한\s?푼도|전혀", text) else None


def _count(text: str, units: str, low: int, high: int, bare: bool) -> int | None:
    value = numbers.count(text, units)
    if value is None and units == "째":
        order = re.search(r"(첫|둘|셋|넷|다섯|여섯)째", text)
        value = ["첫", "둘", "셋", "넷", "다섯", "여섯"].index(order.group(1)) + 1 if order else None
    if value is None and units in ("개월|달",) and (years := numbers.count(text, "년")) is not None:
        value = years * 12
    if value is None and bare:
        alone = re.fullmatch(r"\s*([0-9]{1,6})\s*(?:이요|요|입니다|이에요|예요)?\s*[.!]?\s*", text)
        value = int(alone.group(1)) if alone else None
    if value is None and re.search(r"^(없|아니|아뇨|안)", text.strip()) and low == 0:
        value = 0
    return value if value is not None and low <= value <= high else None


def _household_count(text: str) -> int | None:
    if re.search(r"혼자|홀로|저만|나만|1인", text):
        return 1
    if re.search(r"(?<![가-힣])(둘이|부부)", text):
        return 2
    value = numbers.count(text, "명|식구|인|분")
    if value is None:
        alone = re.fullmatch(
            rf"\s*([0-9]{{1,2}}|{numbers.NATIVE_NUMBER})\s*(?:이요|요|이에요|예요|입니다)?\s*[.!]?\s*", text
        )
        value = numbers.any_number(alone.group(1)) if alone else None
    return value if value is not None and 1 <= value <= 30 else None


def _word(field: str, text: str) -> str | None:
    for pattern, value in _WORDS[field]:
        if re.search(pattern, text):
            return value
    return None


def _birth(text: str, today: date) -> object | None:
    exact = numbers.birth_date(text, today)
    if exact is not None:
        return exact
    for found in extract(text, today).found:
        if found.fact in ("member.age", "member.birth_date") and isinstance(
            found.value, AgeRange | BirthRange
        ):
            return found.value
    alone = re.fullmatch(r"\s*(?:만\s?)?([0-9]{1,3})\s*(?:이요|요|입니다)?\s*[.!]?\s*", text)
    if alone and int(alone.group(1)) <= 110:  # an age question answered with a bare number
        return AgeRange(int(alone.group(1)), int(alone.group(1)))
    return None


def _disability(text: str, today: date) -> object | None:
    word = _word("disability", text)
    if word is not None:
        return word
    return OneOf(("mild", "severe")) if numbers.yes_no(text) else None


def _region(text: str, today: date) -> object | None:
    return places.region_code(text)


_READERS: dict[str, Callable[[str, date], object | None]] = {
    "birth_date": _birth,
    "disability": _disability,
    "region": _region,
}
