"""Services the citizen calls by name ("기초연금", "실업급여", "내일배움카드").

The names are the rulebook's (which are the catalog's curated names); each also answers to its name
without the parenthesis, to what is in the parenthesis, without a leading 국민/전국민 and without a
trailing 지원/서비스. Where two names overlap ("장애아동수당" holds "아동수당"), the longer one wins.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nara.assistant.language import compact
from nara.rules import rulebook

_MIN_ALIAS = 3
# Parts of names that say too little alone ("국민연금" is the whole pension system, not its 유족연금).
_TOO_GENERIC = frozenset(
    [
        "국민연금",
        "연금유족연금",
        "소상공인",
        "취약계층",
        "기존주택",
        "한부모가족",
        "임신출산",
        "ⅰ유형",
        "장애인활동",
    ]
)
# Everyday names of services, by the rule's service id.
_EVERYDAY = {
    "유족연금": "NARA-NPS-SURVIVOR-PENSION",
    "난임시술": "SME000000100",
    "국가건강검진": "NARA-HEALTH-SCREENING",
    "전세임대": "999000000022",
    "장기요양등급": "999000000089",
    "요양등급": "999000000089",
    "활동지원": "VOU000000020",
    "활동보조": "VOU000000020",
    "보육료": "134200005036",
    "양육수당": "134200005012",
    "통신요금감면": "172100000012",
    "한부모양육비": "SSI000000020",
    "아동양육비": "SSI000000020",
}


@lru_cache(maxsize=1)
def aliases() -> tuple[tuple[str, str], ...]:
    """(alias in compact form, service id), longest aliases first."""
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    for rule in rulebook():
        for alias in _aliases_of(rule.name):
            if alias in found and found[alias] != rule.service_id:
                ambiguous.add(alias)
            found[alias] = rule.service_id
    found.update(_EVERYDAY)
    unusable = ambiguous | _TOO_GENERIC
    kept = [
        (alias, sid) for alias, sid in found.items() if alias not in unusable and len(alias) >= _MIN_ALIAS
    ]
    return tuple(sorted(kept, key=lambda item: -len(item[0])))


def _aliases_of(name: str) -> set[str]:
    outer = re.sub(r"\(.*?\)", "", name).strip()
    inner = re.findall(r"\((.*?)\)", name)
    words = {
        name,
        outer,
        *inner,
        outer.split(" 및 ")[0],
        outer.split()[0] if len(outer.split()[0]) >= 4 else "",
    }
    more = set()
    for word in words:
        more.add(re.sub(r"^(전국민|국민)\s?", "", word))
        more.add(re.sub(r"\s?(지원사업|지원|서비스)$", "", word))
    return {compact(word) for word in words | more if word}


def named_services(message: str) -> list[str]:
    """The services named in the message, in the order named.

    >>> named_services("기초연금이랑 실업급여 받을 수 있나요")
    ['SSE000000170', 'SD0000015536']
    >>> named_services("장애아동수당 신청"), named_services("어떤 지원이 있나요")
    (['SPE000000020'], [])
    """
    text = compact(message)
    taken: list[tuple[int, int, str]] = []
    for alias, service_id in aliases():
        for match in re.finditer(re.escape(alias), text):
            start, end = match.span()
            if not any(s <= start and end <= e for s, e, _ in taken):
                taken.append((start, end, service_id))
    ordered = [service_id for _, _, service_id in sorted(taken)]
    return list(dict.fromkeys(ordered))
