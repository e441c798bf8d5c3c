"""The seventeen 시·도 (first-level local governments), used for the region filter.

Source for names and codes: 행정표준코드관리시스템 법정동코드 (code.go.kr), as of 2024
(강원특별자치도 since 2023-06-11, 전북특별자치도 since 2024-01-18).
"""

from __future__ import annotations

SIDO: dict[str, str] = {
    "11": "서울특별시",
    "26": "부산광역시",
    "27": "대구광역시",
    "28": "인천광역시",
    "29": "광주광역시",
    "30": "대전광역시",
    "31": "울산광역시",
    "36": "세종특별자치시",
    "41": "경기도",
    "43": "충청북도",
    "44": "충청남도",
    "46": "전라남도",
    "47": "경상북도",
    "48": "경상남도",
    "50": "제주특별자치도",
    "51": "강원특별자치도",
    "52": "전북특별자치도",
}

_FORMER_NAMES = {"강원도": "강원특별자치도", "전라북도": "전북특별자치도", "제주도": "제주특별자치도"}
_NAMES_LONGEST_FIRST = sorted([*SIDO.values(), *_FORMER_NAMES], key=len, reverse=True)


def region_of_agency(agency_name: str) -> str | None:
    """The 시·도 an agency belongs to, or None for a national agency.

    >>> region_of_agency("서울특별시 강남구")
    '서울특별시'
    >>> region_of_agency("전라북도 전주시")
    '전북특별자치도'
    >>> region_of_agency("보건복지부") is None
    True
    """
    for name in _NAMES_LONGEST_FIRST:
        if agency_name.startswith(name):
            return _FORMER_NAMES.get(name, name)
    return None


def is_region(name: str) -> bool:
    """Whether ``name`` is one of the seventeen 시·도."""
    return name in SIDO.values()


_PLACE_SUFFIXES = ("특별자치시", "특별자치도", "특별시", "광역시", "도", "시", "군", "구")


def place_names(agency: str) -> set[str]:
    """The place words a citizen may use for a local agency, full and short.

    >>> sorted(place_names("경기도 안양시"))
    ['경기', '경기도', '안양', '안양시']
    """
    names: set[str] = set()
    for part in agency.split():
        names.add(part)
        for suffix in _PLACE_SUFFIXES:
            if part.endswith(suffix) and len(part) - len(suffix) >= 2:
                names.add(part[: -len(suffix)])
                break
    return {name for name in names if len(name) >= 2}
