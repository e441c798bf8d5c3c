"""Where the household lives: a 시·군·구 named in the citizen's words, only when exactly one fits.

"종로구" is one place; "중구" is six (서울, 부산, 대구, 인천, 대전, 울산) until a 시·도 is named with it;
"수원시 장안구" is the 구, not the 시 that contains it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nara.rules import sigungu_table

# Short and former names of the 시·도 as people say them → the name in the 시군구 table.
_SIDO_ALIASES: dict[str, tuple[str, ...]] = {
    "서울특별시": ("서울특별시", "서울시", "서울"),
    "부산광역시": ("부산광역시", "부산시", "부산"),
    "대구광역시": ("대구광역시", "대구시", "대구"),
    "인천광역시": ("인천광역시", "인천시", "인천"),
    "광주광역시": ("광주광역시",),  # "광주시" is also 경기도 광주시
    "대전광역시": ("대전광역시", "대전시", "대전"),
    "울산광역시": ("울산광역시", "울산시", "울산"),
    "세종특별자치시": ("세종특별자치시", "세종시", "세종"),
    "경기도": ("경기도", "경기"),
    "강원특별자치도": ("강원특별자치도", "강원도", "강원"),
    "충청북도": ("충청북도", "충북"),
    "충청남도": ("충청남도", "충남"),
    "전북특별자치도": ("전북특별자치도", "전라북도", "전북"),
    "전라남도": ("전라남도", "전남"),
    "경상북도": ("경상북도", "경북"),
    "경상남도": ("경상남도", "경남"),
    "제주특별자치도": ("제주특별자치도", "제주도", "제주"),
}
_BEFORE = r"(?<![가-힣])"


@lru_cache(maxsize=1)
def _places() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(code, 시·도, the names that call it) for every 시군구: "수원시 장안구" is called that or "장안구"."""
    places = []
    for code, sido, name in sigungu_table():
        parts = name.split()
        names = (name, "".join(parts), parts[-1]) if len(parts) > 1 else (name,)
        if sido == "세종특별자치시":
            names = (*names, "세종시", "세종특별자치시")
        places.append((code, sido, names))
    return tuple(places)


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    """Every place name and 시·도 alias, longest first, at the start of a word."""
    words = {name for *_, names in _places() for name in names}
    words |= {alias for aliases in _SIDO_ALIASES.values() for alias in aliases}
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"{_BEFORE}(?=({alternation}))")


def _named(text: str) -> set[str]:
    """The place names and aliases the text mentions (each ending a word, "강서구청" is not 강서구)."""
    named = set()
    for match in _pattern().finditer(text):
        for word in _prefixes(match.group(1), text, match.start()):
            named.add(word)
    return named


def _prefixes(longest: str, text: str, start: int) -> list[str]:
    """The longest name found at ``start`` and any shorter names it begins with ("수원시 장안구", "수원시")."""
    candidates = [longest] + [w for w in _all_words() if len(w) < len(longest) and longest.startswith(w)]
    return [w for w in candidates if _ends_word(text[start + len(w) : start + len(w) + 2])]


@lru_cache(maxsize=1)
def _all_words() -> tuple[str, ...]:
    words = {name for *_, names in _places() for name in names}
    return tuple(words | {alias for aliases in _SIDO_ALIASES.values() for alias in aliases})


def sido_named(text: str) -> set[str]:
    """The 시·도 named in the text.

    >>> sorted(sido_named("부산 해운대구 살아요"))
    ['부산광역시']
    """
    named = _named(text)
    return {sido for sido, aliases in _SIDO_ALIASES.items() if named & set(aliases)}


def region_code(text: str) -> str | None:
    """The 시군구 code of the one place the text names, or None when none or several fit.

    >>> region_code("서울 종로구에 살아요"), region_code("종로구"), region_code("중구에 살아요")
    ('11110', '11110', None)
    >>> region_code("부산 중구"), region_code("수원시 장안구"), region_code("수원시"), region_code("강서구청")
    ('26110', '41111', '41110', None)
    """
    named = _named(text)
    named_sido = {sido for sido, aliases in _SIDO_ALIASES.items() if named & set(aliases)}
    found = [(code, sido, names[0]) for code, sido, names in _places() if named & set(names)]
    if named_sido:
        found = [place for place in found if place[1] in named_sido]
    # a 시 and one of its 구 both named ("수원시 장안구"): the 구
    codes = {
        code for code, _, name in found if not any(o != name and o.startswith(name + " ") for *_, o in found)
    }
    return codes.pop() if len(codes) == 1 else None


def _ends_word(rest: str) -> bool:
    """What follows a name is a particle or the end, not more of a word ("강서구청" is an office)."""
    return not rest or not re.match(r"[가-힣]", rest) or bool(re.match(_PARTICLE, rest))


_PARTICLE = r"(에|에서|이|은|는|으로|로|요|이에|입니|쪽|민|살|사|거|내|인|시|도)"
