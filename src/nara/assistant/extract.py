"""Facts in the citizen's own words, read only where the words are unambiguous.

Each fact is returned with the rule fact it fills (``member.age``, ``household.region`` …), its value, the
words it was read from and whom it is about (the speaker, their parent, child or spouse, or the household).
What is known only within bounds stays bounds: "70대" is an :class:`AgeRange` of 70–79, "장애가 있어요" is
:class:`OneOf` mild or severe; nothing picks a value inside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache

from nara.assistant import numbers, places
from nara.assistant.language import normalise
from nara.assistant.numbers import NATIVE_NUMBER, AgeRange


class Role(StrEnum):
    SPEAKER = "speaker"
    PARENT = "parent"  # 어머니, 아버지, 부모님
    GRANDPARENT = "grandparent"  # 할머니, 할아버지
    SPOUSE = "spouse"
    CHILD = "child"
    GRANDCHILD = "grandchild"


ELDERS = (Role.PARENT, Role.GRANDPARENT)


@dataclass(frozen=True)
class OneOf:
    """A fact known to be one of a few values ("장애가 있어요": mild or severe)."""

    options: tuple[str, ...]


@dataclass(frozen=True)
class BirthRange:
    """A birth date known only between two dates (inclusive): "1955년생"."""

    earliest: date
    latest: date


@dataclass(frozen=True)
class Person:
    role: Role
    label: str  # how the citizen called them: 어머니, 엄마, 딸
    sex: str | None
    at: int  # where in the (normalised) message
    length: int = 0  # how many characters the words for them take there


@dataclass(frozen=True)
class Found:
    """One fact: ``fact`` is ``member.<field>`` (about ``about``) or ``household.<field>`` (about None)."""

    fact: str
    value: object
    words: str
    about: Role | None = None


@dataclass(frozen=True)
class Extraction:
    subject: Role  # whose eligibility the message is about
    people: tuple[Person, ...] = ()
    found: tuple[Found, ...] = field(default=())


_PEOPLE: tuple[tuple[str, Role, str | None], ...] = (
    (r"할머니", Role.GRANDPARENT, "female"),
    (r"할아버지", Role.GRANDPARENT, "male"),
    (r"(?:친정|시)?(?:어머니|엄마|모친)(?!인데|예요|이에요|입니다|라서|로서)", Role.PARENT, "female"),
    (r"(?:친정|시)?(?:아버지|아빠|부친)(?!인데|예요|이에요|입니다|라서|로서)", Role.PARENT, "male"),
    (r"부모님?(?!\s?급여)", Role.PARENT, None),
    (r"남편|신랑", Role.SPOUSE, "male"),
    (r"아내|와이프|집사람|부인(?!하)", Role.SPOUSE, "female"),
    (r"배우자(?!\s?출산)", Role.SPOUSE, None),
    (r"손자", Role.GRANDCHILD, "male"),
    (r"손녀", Role.GRANDCHILD, "female"),
    (r"손주", Role.GRANDCHILD, None),
    (r"아들", Role.CHILD, "male"),
    (r"딸(?:아이)?", Role.CHILD, "female"),
    (
        r"아이(?!\s?돌봄)|아기|애기|갓난아기|신생아|자녀(?!\s?장려금)|첫째|둘째|셋째|애(?=[가는를도\s])",
        Role.CHILD,
        None,
    ),
    (r"저는|저도|제가|저(?=\s)|전(?=\s)|나는|나도|내가|난(?=\s)|본인", Role.SPEAKER, None),
)
_PLAIN_LABELS = {"애": "아이", "애기": "아기", "갓난아기": "아기", "신생아": "아기", "딸아이": "딸"}
_CLAUSE_BREAK = re.compile(r"[.,!?\n]|(?:는데|인데|지만|한데)\s")
_RECEIVE = re.compile(r"받을|받는|받을수|받으|탈\s?수|혜택|해당")

_TENS = r"[칠팔구육오사삼이]십[일이삼사오육칠팔구]?|스물|서른|마흔|쉰|예순|일흔|여든|아흔"
_AGE_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?<![0-9])([1-9]0)\s?대|(?<![가-힣])([칠팔구육오사삼이]십)\s?대", "decade"),
    (rf"(?<![0-9.])([0-9]{{1,3}})\s?(?:살|세)|(?<![가-힣])({NATIVE_NUMBER})\s?살", "age"),
    (r"(?<![가-힣])([칠팔구육오사삼이]십[일이삼사오육칠팔구]?)\s?세", "age"),
    (r"(?<![0-9])([0-9]{1,2})\s?개월", "months"),
    (
        rf"나이(?:가|는|는요)?\s?(?:만\s?)?([0-9]{{1,3}}|{NATIVE_NUMBER}|[칠팔구육오사삼이]십[일이삼사오육칠팔구]?)(?![0-9])",
        "age",
    ),
    (rf"(?<![가-힣0-9])([2-9][0-9]|{_TENS})(?=\s?(?:세|살)?\s?(?:이\s?)?(?:넘|이상))", "age"),
)
_CHILD_AGE = 15  # an age under this, said with a child named, is the child's even when said apart from them
_OVER = re.compile(r"^\s?(?:이\s?)?(?:넘|이상|넘으|넘은|넘었|넘으신|넘어)")

# (pattern, fact, value): flags that mean one thing; about the nearest person (household.* about no one).
_FLAGS: tuple[tuple[str, str, object], ...] = (
    (
        r"임신\s?(?:했|중|하였|한\s?지|[0-9]+\s?주|[0-9]+\s?개월|상태|하고)|임산부|임신부|출산\s?예정|예정일",
        "member.pregnant",
        True,
    ),
    (
        r"임신\s?(?:을\s?)?준비|아이를?\s?(?:갖|가지)려|아기를?\s?(?:갖|가지)려|난임",
        "member.preparing_pregnancy",
        True,
    ),
    (
        r"실직|일자리를?\s?잃|직장을?\s?잃|일을?\s?잃|회사를?\s?그만|퇴사|해고|권고\s?사직|구직\s?중|일자리를?\s?찾|일을?\s?찾고|취업\s?준비|실업\s?(?:상태|중)",
        "member.employment",
        "unemployed",
    ),
    (r"해고|권고\s?사직|계약\s?만료|계약이\s?끝", "member.left_job_involuntarily", True),
    (
        r"치매(?:가|에)?\s?(?:있|걸리|걸렸|진단|판정|이세요|예요|이에요|이셔|라서|셔서|이시)",
        "member.dementia",
        True,
    ),
    (r"국가\s?유공자|보훈\s?대상", "member.veteran", True),
    (r"대학생|대학교?에?\s?다니", "member.school", "university"),
    (r"고등학생|고등학교에?\s?다니", "member.school", "high"),
    (r"중학생|중학교에?\s?다니", "member.school", "middle"),
    (r"초등학생|초등학교에?\s?다니", "member.school", "elementary"),
    (r"농사|농업인|농민|농부|과수원", "member.industry", "farming"),
    (r"어업인|어민|어부|고기잡이", "member.industry", "fishing"),
    (r"축산|소를?\s?키우|돼지를?\s?키우", "member.industry", "livestock"),
    (r"폐업|가게를?\s?(?:닫|접)|장사를?\s?접", "member.business", "closed"),
    (r"창업\s?(?:을\s?)?준비|창업하려", "member.business", "preparing"),
    (r"육아\s?휴직\s?(?:중|하고|쓰고)", "member.leave", "parental"),
    (r"출산\s?휴가\s?(?:중|쓰고)", "member.leave", "maternity"),
    (r"모시고\s?(?:살|사)|(?:같이|함께)\s?(?:살|사|지내)", "member.lives_with", True),
    (
        r"한부모|싱글\s?맘|싱글\s?대디|미혼모|미혼부|혼자\s?(?:아이|애|애들|자녀|딸|아들)[를을]?\s?키[우워]",
        "household.single_parent",
        True,
    ),
    (r"다문화", "household.multicultural", True),
    (r"탈북|북한\s?이탈|북한에서\s?왔", "household.north_korean_defector", True),
    (r"돌아가셨|돌아가시|사망하|별세", "household.bereaved", True),
    (r"신혼\s?부부|결혼한\s?지\s?(?:[1-6]|한|두|세|네|다섯|여섯)\s?년", "household.newlywed", True),
    (r"무주택|집이\s?없|전세\s?살|월세\s?살|세\s?들어|세입자", "household.owns_home", False),
)
_DISABILITY = re.compile(
    r"장애(?:가|를|도)?\s?(?:있|가지|판정|등록|등급)|장애인|장애\s?[1-6]\s?급|[1-6]\s?급\s?장애"
)
_DISABILITY_SEVERE = re.compile(
    r"(?:심한|중증)\s?장애|장애(?:의\s?)?(?:정도가\s?)?심한|장애\s?[1-3]\s?급|[1-3]\s?급\s?장애"
)
_DISABILITY_MILD = re.compile(r"심하지\s?않은|경증|장애\s?[4-6]\s?급|[4-6]\s?급\s?장애")
_NO_DISABILITY = re.compile(r"장애(?:는|가)?\s?없")
_ALONE = re.compile(
    r"(?:혼자|홀로|독거|1인\s?가구|일인\s?가구)\s?(?:살|사|지내|계시|계세|생활|노인|어르신|가구|$)"
)
_HOUSEHOLD_SIZE = re.compile(
    rf"({NATIVE_NUMBER}|[0-9]{{1,2}})\s?(?:식구|인\s?가구|명이서|명이\s?(?:살|같이)|이서?\s?(?:살|사))"
)
_INCOME = re.compile(
    r"(?:월\s?|한\s?달\s?|매달\s?)?(?:소득인정액|소득|수입)[이은는가]?\s?(?:월\s?|한\s?달에?\s?)?"
)
_NO_INCOME = re.compile(r"(?:소득|수입|벌이)[이은는가]?\s?(?:하나도\s?|전혀\s?)?없")
_WAGE = re.compile(r"월급|월\s?급여|월\s?보수")
_RENT = re.compile(r"월세")


@lru_cache(maxsize=256)
def extract(message: str, today: date) -> Extraction:
    """The facts the message states, whom they are about, and whose eligibility it asks about."""
    text = normalise(message)
    people = _people(text)
    subject = _subject(text, people)
    found: list[Found] = []
    found += _ages(text, people, subject, today)
    found += _birth(text, people, subject, today)
    found += _flags(text, people, subject)
    found += _disability(text, people, subject)
    found += _household(text, people, subject)
    found += [Found("member.sex", person.sex, person.label, person.role) for person in people if person.sex]
    return Extraction(subject=subject, people=tuple(people), found=tuple(_unique(found)))


def without_people(message: str) -> str:
    """The message without the words for people (for a search: "아버지" finds 유족연금, not what a living
    father can get).

    >>> without_people("칠십대 부모님이 받을 수 있는 지원")
    '칠십대 이 받을 수 있는 지원'
    """
    text = normalise(message)
    for person in sorted(_people(text), key=lambda p: -p.at):
        text = text[: person.at] + text[person.at + person.length :]
    return re.sub(r"\s+", " ", text).strip()


def _people(text: str) -> list[Person]:
    people: list[Person] = []
    taken: set[int] = set()
    for pattern, role, sex in _PEOPLE:
        for match in re.finditer(rf"(?<![가-힣])(?:{pattern})", text):
            if match.start() in taken:
                continue
            taken.update(range(match.start(), match.end()))
            label = _PLAIN_LABELS.get(match.group(0), match.group(0))
            people.append(Person(role, label, sex, match.start(), len(match.group(0))))
    return sorted(people, key=lambda p: p.at)


def _subject(text: str, people: list[Person]) -> Role:
    """The person who would receive: named just before 받을 수 …, else an elder named, else the speaker.
    A child or grandchild is never the subject: services for children are the parent's (for_each children)."""
    receive = _RECEIVE.search(text)
    if receive:
        before = [p for p in people if p.at < receive.start() and _same_clause(text, p.at, receive.start())]
        if before and before[-1].role in (Role.SPEAKER, *ELDERS):
            return before[-1].role
    elders = [p.role for p in people if p.role in ELDERS]
    return elders[0] if elders else Role.SPEAKER


def _same_clause(text: str, start: int, end: int) -> bool:
    low, high = min(start, end), max(start, end)
    return not _CLAUSE_BREAK.search(text[low:high])


def _about(text: str, people: list[Person], at: int, default: Role) -> Role:
    """The person nearest to a fact at ``at`` within the same clause; ``default`` when there is none."""
    near = [p for p in people if _same_clause(text, p.at, at)]
    if not near:
        return default
    return min(near, key=lambda p: abs(p.at - at)).role


def _ages(text: str, people: list[Person], subject: Role, today: date) -> list[Found]:
    found = []
    for pattern, kind in _AGE_PATTERNS:
        for match in re.finditer(pattern, text):
            words = next(g for g in match.groups() if g)
            value = numbers.any_number(
                words.removesuffix("십") + "십" if kind == "decade" and not words[0].isdigit() else words
            )
            if value is None:
                continue
            over = bool(_OVER.match(text[match.end() :]))
            age = _age_range(kind, value, over)
            if age is not None:
                young = kind == "months" or (
                    age.high < _CHILD_AGE and any(p.role == Role.CHILD for p in people)
                )
                default = Role.CHILD if young else subject
                found.append(
                    Found("member.age", age, match.group(0), _about(text, people, match.start(), default))
                )
    return found


def _age_range(kind: str, value: int, over: bool) -> AgeRange | None:
    if kind == "months":
        return AgeRange(value, value, "months") if value < 36 else None
    if not 0 <= value <= 110:
        return None
    if over:
        return AgeRange(value, 110)
    return AgeRange(value, value + 9) if kind == "decade" else AgeRange(value, value)


def _birth(text: str, people: list[Person], subject: Role, today: date) -> list[Found]:
    exact = numbers.birth_date(text, today)
    if exact is not None:
        return [Found("member.birth_date", exact, str(exact), _about(text, people, 0, subject))]
    year = numbers.birth_year(text, today)
    if year is None:
        return []
    latest = min(date(year, 12, 31), today)
    return [
        Found(
            "member.birth_date",
            BirthRange(date(year, 1, 1), latest),
            f"{year}년생",
            _about(text, people, 0, subject),
        )
    ]


def _flags(text: str, people: list[Person], subject: Role) -> list[Found]:
    found = []
    for pattern, fact, value in _FLAGS:
        match = re.search(pattern, text)
        if not match:
            continue
        if fact.startswith("household."):
            found.append(Found(fact, value, match.group(0)))
            continue
        about = _about(text, people, match.start(), subject)
        if fact == "member.pregnant":
            about = about if about == Role.SPOUSE else Role.SPEAKER
            found.append(Found("member.sex", "female", match.group(0), about))
        found.append(Found(fact, value, match.group(0), about))
    return found


def _disability(text: str, people: list[Person], subject: Role) -> list[Found]:
    for pattern, value in (
        (_NO_DISABILITY, "none"),
        (_DISABILITY_SEVERE, "severe"),
        (_DISABILITY_MILD, "mild"),
        (_DISABILITY, OneOf(("mild", "severe"))),
    ):
        match = pattern.search(text)
        if match:
            if value == "mild" and not _DISABILITY.search(text):
                continue
            return [
                Found(
                    "member.disability", value, match.group(0), _about(text, people, match.start(), subject)
                )
            ]
    return []


def _household(text: str, people: list[Person], subject: Role) -> list[Found]:
    found: list[Found] = []
    alone = _ALONE.search(text)
    size = _HOUSEHOLD_SIZE.search(text)
    if alone:
        found.append(Found("household.size", 1, alone.group(0)))
    elif size and (count := numbers.any_number(size.group(1))) and 1 <= count <= 30:
        found.append(Found("household.size", count, size.group(0)))
    region = places.region_code(text)
    if region:
        found.append(Found("household.region", region, region))
    found += _money(text, people, subject)
    return found


def _money(text: str, people: list[Person], subject: Role) -> list[Found]:
    found = []
    if _NO_INCOME.search(text):
        found.append(Found("household.income_recognised_monthly", 0, "소득이 없어요"))
    for pattern, fact in (
        (_INCOME, "household.income_recognised_monthly"),
        (_WAGE, "member.monthly_wage"),
        (_RENT, "household.rent_monthly"),
    ):
        for match in pattern.finditer(text):
            following = numbers.amounts(text[match.end() : match.end() + 16])
            if following and not (
                fact.startswith("household.income")
                and "연" in text[max(0, match.start() - 3) : match.start()]
            ):
                about = _about(text, people, match.start(), subject) if fact.startswith("member.") else None
                found.append(Found(fact, following[0], text[match.start() : match.end() + 16].strip(), about))
                break
    return found


def _unique(found: list[Found]) -> list[Found]:
    """One value per fact and person: the first stated."""
    seen: set[tuple[str, Role | None]] = set()
    kept = []
    for item in found:
        key = (item.fact, item.about)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept
