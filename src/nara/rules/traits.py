"""The traits of the national catalog's support conditions (JA codes), read from a situation.

Each trait is true, false or unknown for the subject or the household, with the facts that would tell.
JA code meanings: 행정안전부 공공서비스 정보 API, supportConditions model (see docs/domains/rules.md).
"""

from __future__ import annotations

from collections.abc import Callable

from nara.rules.facts import full_months
from nara.rules.situation import Employment, Industry, Member, School, Situation
from nara.rules.truth import Truth

TraitValue = tuple[Truth, frozenset[str]]


def _flag(member: Member, field: str, wanted: object) -> TraitValue:
    value = getattr(member, field)
    if value is None:
        return Truth.UNKNOWN, frozenset({f"members.{member.id}.{field}"})
    allowed = wanted if isinstance(wanted, tuple) else (wanted,)
    return Truth.of(value in allowed), frozenset()


def _household_flag(situation: Situation, field: str, wanted: object) -> TraitValue:
    value = getattr(situation.household, field)
    if value is None:
        return Truth.UNKNOWN, frozenset({f"household.{field}"})
    return Truth.of(value == wanted), frozenset()


def _any_member(
    situation: Situation, test: Callable[[Member], Truth | None], facts: Callable[[Member], set[str]]
) -> TraitValue:
    truths, missing = [], set()
    for member in situation.members:
        truth = test(member)
        if truth is None:
            truths.append(Truth.UNKNOWN)
            missing |= facts(member)
        else:
            truths.append(truth)
    if Truth.TRUE in truths:
        return Truth.TRUE, frozenset()
    return (Truth.UNKNOWN, frozenset(missing)) if Truth.UNKNOWN in truths else (Truth.FALSE, frozenset())


def _new_baby(situation: Situation) -> TraitValue:
    def test(member: Member) -> Truth | None:
        if member.relation is not None and member.relation.value != "child":
            return Truth.FALSE
        if member.relation is None or member.birth_date is None:
            return None
        return Truth.of(full_months(member.birth_date, situation.on) < 12)

    return _any_member(situation, test, lambda m: {f"members.{m.id}.relation", f"members.{m.id}.birth_date"})


def _children_count_at_least(situation: Situation, count: int) -> TraitValue:
    known = sum(1 for m in situation.members if m.relation is not None and m.relation.value == "child")
    unsure = [m for m in situation.members if m.relation is None]
    if known >= count:
        return Truth.TRUE, frozenset()
    if known + len(unsure) < count:
        return Truth.FALSE, frozenset()
    return Truth.UNKNOWN, frozenset(f"members.{m.id}.relation" for m in unsure)


def _extended_family(situation: Situation) -> TraitValue:
    def test(member: Member) -> Truth | None:
        return (
            None if member.relation is None else Truth.of(member.relation.value in ("parent", "grandchild"))
        )

    return _any_member(situation, test, lambda m: {f"members.{m.id}.relation"})


def personal_traits(situation: Situation) -> dict[str, TraitValue]:
    """개인 특성 (JA03xx) of the subject."""
    me = situation.member(situation.subject)
    working = (Employment.EMPLOYED, Employment.SELF_EMPLOYED)
    return {
        "JA0301": _flag(me, "preparing_pregnancy", True),
        "JA0302": _flag(me, "pregnant", True),
        "JA0303": _new_baby(situation),
        "JA0313": _flag(me, "industry", Industry.FARMING),
        "JA0314": _flag(me, "industry", Industry.FISHING),
        "JA0315": _flag(me, "industry", Industry.LIVESTOCK),
        "JA0316": _flag(me, "industry", Industry.FORESTRY),
        "JA0317": _flag(me, "school", School.ELEMENTARY),
        "JA0318": _flag(me, "school", School.MIDDLE),
        "JA0319": _flag(me, "school", School.HIGH),
        "JA0320": _flag(me, "school", School.UNIVERSITY),
        "JA0326": _flag(me, "employment", working),
        "JA0327": _flag(me, "employment", Employment.UNEMPLOYED),
        "JA0328": _flag(me, "disability", ("mild", "severe")),
        "JA0329": _flag(me, "veteran", True),
        "JA0330": _flag(me, "chronic_illness", True),
    }


def household_traits(situation: Situation) -> dict[str, TraitValue]:
    """가구 특성 (JA04xx). 다자녀 is read as two or more children, as most current programmes do."""
    return {
        "JA0401": _household_flag(situation, "multicultural", True),
        "JA0402": _household_flag(situation, "north_korean_defector", True),
        "JA0403": _household_flag(situation, "single_parent", True),
        "JA0404": (Truth.of(len(situation.members) == 1), frozenset()),
        "JA0411": _children_count_at_least(situation, 2),
        "JA0412": _household_flag(situation, "owns_home", False),
        "JA0413": _household_flag(situation, "recently_moved_in", True),
        "JA0414": _extended_family(situation),
    }


PERSONAL_CODES = (
    "JA0301", "JA0302", "JA0303", "JA0313", "JA0314", "JA0315", "JA0316", "JA0317",
    "JA0318", "JA0319", "JA0320", "JA0326", "JA0327", "JA0328", "JA0329", "JA0330",
)  # fmt: skip
PERSONAL_NONE = "JA0322"
HOUSEHOLD_CODES = ("JA0401", "JA0402", "JA0403", "JA0404", "JA0411", "JA0412", "JA0413", "JA0414")
HOUSEHOLD_NONE = "JA0410"
TRAIT_LABELS = {
    "JA0301": "예비부모·난임", "JA0302": "임산부", "JA0303": "출산·입양", "JA0313": "농업인", "JA0314": "어업인",
    "JA0315": "축산업인", "JA0316": "임업인", "JA0317": "초등학생", "JA0318": "중학생", "JA0319": "고등학생",
    "JA0320": "대학생·대학원생", "JA0326": "근로자·직장인", "JA0327": "구직자·실업자", "JA0328": "장애인",
    "JA0329": "국가보훈대상자", "JA0330": "질병·질환자", "JA0401": "다문화가족", "JA0402": "북한이탈주민",
    "JA0403": "한부모·조손가정", "JA0404": "1인 가구", "JA0411": "다자녀 가구", "JA0412": "무주택 세대",
    "JA0413": "신규 전입", "JA0414": "확대가족",
}  # fmt: skip
