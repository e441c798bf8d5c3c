"""Numbers as Koreans say them: amounts of money, ages, counts, dates, yes and no.

Every reader returns None when the words are not unambiguous: a bare "150" is not an amount of money (150원?
150만 원?), "20년생" is not a birth year (1920 or 2020?).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_SINO_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_SINO_UNITS = {"십": 10, "백": 100, "천": 1000}
_BIG_UNITS = {"만": 10_000, "억": 100_000_000}
_NATIVE_TENS = {"열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50, "예순": 60, "일흔": 70,
                "여든": 80, "아흔": 90}  # fmt: skip
_NATIVE_UNITS = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "석": 3, "네": 4, "넷": 4, "넉": 4,
                 "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9}  # fmt: skip
NATIVE_NUMBER = (
    "(?:(?:" + "|".join(sorted(_NATIVE_TENS, key=len, reverse=True)) + ")"
    "(?:" + "|".join(sorted(_NATIVE_UNITS, key=len, reverse=True)) + ")?"
    "|(?:" + "|".join(sorted(_NATIVE_UNITS, key=len, reverse=True)) + "))"
)
_SINO_CHARS = "일이삼사오육칠팔구십백천"
# A number written with digits (commas allowed) or Sino-Korean numerals, possibly mixed ("2천", "3백5십"):
# runs of digits and runs of numerals, taking turns. Never two runs of digits in a row: a run of digits that
# could be cut into parts was cut in exponentially many ways when what followed failed ("억" missing), and
# 30 digits typed as an income held a worker for minutes.
_DIGITS = r"[0-9][0-9,]*(?:\.[0-9]+)?"
_NUMERALS = f"[{_SINO_CHARS}]+"
NUMBER = f"(?:{_NUMERALS}(?:{_DIGITS}{_NUMERALS})*(?:{_DIGITS})?|{_DIGITS}(?:{_NUMERALS}{_DIGITS})*(?:{_NUMERALS})?)"
_MONEY = re.compile(
    rf"(?<![가-힣0-9])(?=[0-9{_SINO_CHARS}])((?:{NUMBER}\s?억\s?)?(?:{NUMBER}\s?만\s?)?(?:{NUMBER})?)\s?(원)?"
)


@dataclass(frozen=True)
class AgeRange:
    """An age in full years (만 나이), or months for infants, known only between two bounds (inclusive)."""

    low: int
    high: int
    unit: str = "years"  # years | months


def sino_number(text: str) -> int | None:
    """A number written with digits and/or Sino-Korean numerals and units.

    >>> sino_number("150"), sino_number("2,500,000"), sino_number("칠십이"), sino_number("1억2천만")
    (150, 2500000, 72, 120000000)
    >>> sino_number("34만 2,510"), sino_number("백오십만"), sino_number("만"), sino_number("사과")
    (342510, 1500000, 10000, None)
    >>> sino_number("9" * 30) is None
    True
    """
    total = section = 0
    number: int | None = None
    for token in re.findall(r"[0-9][0-9,]*(?:\.[0-9]+)?|[^\s0-9,]", text):
        if token[0].isdigit():
            number = digits_value(token)
            if number is None:
                return None
        elif token in _SINO_DIGITS:
            number = _SINO_DIGITS[token]
        elif token in _SINO_UNITS:
            section += (1 if number is None else number) * _SINO_UNITS[token]
            number = None
        elif token in _BIG_UNITS:
            total += ((section + (number or 0)) or 1) * _BIG_UNITS[token]
            section, number = 0, None
        else:
            return None
    return total + section + (number or 0)


def native_number(text: str) -> int | None:
    """A native Korean number from 1 to 99 (일흔두, 서른, 다섯).

    >>> native_number("일흔두"), native_number("서른"), native_number("다섯"), native_number("여든여덟")
    (72, 30, 5, 88)
    """
    for tens_word, tens in sorted(_NATIVE_TENS.items(), key=lambda item: -len(item[0])):
        if text.startswith(tens_word):
            rest = text[len(tens_word) :]
            if not rest:
                return tens
            return tens + _NATIVE_UNITS[rest] if rest in _NATIVE_UNITS else None
    return _NATIVE_UNITS.get(text)


def any_number(text: str) -> int | None:
    """A number in digits, Sino-Korean or native Korean words.

    >>> any_number("72"), any_number("칠십이"), any_number("일흔두"), any_number("셋")
    (72, 72, 72, 3)
    """
    return native_number(text) if native_number(text) is not None else sino_number(text)


def amounts(text: str) -> list[int]:
    """Every amount of money in the text, in won: the number must carry 원, 만 or 억.

    >>> amounts("월 소득 150만원이고 재산은 1억 2천만 원이에요")
    [1500000, 120000000]
    >>> amounts("한 달에 34만 2,510원"), amounts("150 벌어요"), amounts("소득이 백만원")
    ([342510], [], [1000000])
    """
    return [value for value, _ in amount_spans(text)]


def amount_spans(text: str) -> list[tuple[int, tuple[int, int]]]:
    """Every amount of money in the text with where it is written.

    >>> amount_spans("매달 34만 9,700원")
    [(349700, (3, 13))]
    """
    found: list[tuple[int, tuple[int, int]]] = []
    for match in _MONEY.finditer(text):
        words = match.group(1).strip()
        if not words or not (match.group(2) or "만" in words or "억" in words):
            continue
        value = sino_number(words)
        if value is not None:
            found.append((value, match.span()))
    return found


def whole_numbers(text: str) -> list[int]:
    """Every number written with digits, as integers (for checking answers against their sources).

    >>> whole_numbers("2025년 기준 월 34만 2,510원, 110번")
    [2025, 34, 2510, 110]
    """
    found = (digits_value(token) for token in re.findall(r"[0-9][0-9,]*(?:\.[0-9]+)?", text))
    return [value for value in found if value is not None]


_MOST_DIGITS = 16  # 1경 원 (17 digits) and more is no amount a citizen has: a run that long is not a number


def digits_value(token: str) -> int | None:
    """The whole part of a number written with digits ("2,510" → 2510, "3.5" → 3); None past 16 digits.

    >>> digits_value("2,510"), digits_value("3.5"), digits_value("9" * 17)
    (2510, 3, None)
    """
    whole = token.replace(",", "").split(".")[0]
    return int(whole) if len(whole) <= _MOST_DIGITS else None


_YES = re.compile(
    r"^(네|예|응|어|그렇|맞|있어|있습니|있고|받았|받고|했어|했습|하고\s?있|해요|다녀|그래|예스|yes|ㅇㅇ|o\b)"
)
_NO = re.compile(
    r"^(아니|아뇨|안\s?|없|no\b|ㄴㄴ|못\s?|x\b)|(없어요|없습니다|없어|아니에요|아닙니다|안\s?해요|안했|않아요)"
)
_DONT_KNOW = re.compile(r"모르|몰라|잘\s?몰|글쎄|기억이\s?안|확실하지")


def yes_no(text: str) -> bool | None:
    """An answer to a yes/no question; None when it is neither (or says it does not know).

    >>> yes_no("네, 맞아요"), yes_no("아니요"), yes_no("없어요"), yes_no("잘 모르겠어요"), yes_no("150만원")
    (True, False, False, None, None)
    """
    text = text.strip().lower()
    if _DONT_KNOW.search(text):
        return None
    if _NO.search(text):
        return False
    if _YES.search(text):
        return True
    return None


def dont_know(text: str) -> bool:
    """Whether the citizen says they do not know.

    >>> dont_know("잘 모르겠어요"), dont_know("네")
    (True, False)
    """
    return bool(_DONT_KNOW.search(text))


_FULL_DATE = re.compile(
    r"((?:19|20)\d{2}|\d{2})\s*(?:년|[.\-/])\s*(\d{1,2})\s*(?:월|[.\-/])\s*(\d{1,2})\s*일?(?![0-9])"
)
_YEAR_BORN = re.compile(r"((?:19|20)\d{2}|(?<![0-9])\d{2})\s*년\s*생|((?:19|20)\d{2})\s*년(?:에)?\s*태어")


def full_year(written: str, today: date) -> int | None:
    """A four-digit year from a written year; a two-digit year only when one century is possible.

    >>> d = date(2026, 3, 1)
    >>> full_year("1955", d), full_year("55", d), full_year("20", d), full_year("05", d)
    (1955, 1955, None, 2005)
    """
    if len(written) == 4:
        return int(written)
    candidates = [century + int(written) for century in (1900, 2000)]
    possible = [year for year in candidates if today.year - 110 <= year <= today.year]
    return possible[0] if len(possible) == 1 else None


def birth_date(text: str, today: date) -> date | None:
    """A full date in the text (1955년 3월 2일, 1955.3.2, 1955-03-02), if it is a real date not after today.

    >>> birth_date("1955년 3월 2일생이에요", date(2026, 3, 1)), birth_date("1955.13.2", date(2026, 3, 1))
    (datetime.date(1955, 3, 2), None)
    """
    match = _FULL_DATE.search(text)
    if not match:
        return None
    year = full_year(match.group(1), today)
    if year is None:
        return None
    try:
        found = date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return found if found <= today else None


def birth_year(text: str, today: date) -> int | None:
    """A birth year ("1955년생", "55년생", "1955년에 태어났어요").

    >>> birth_year("55년생이에요", date(2026, 3, 1)), birth_year("1955년에 태어났어요", date(2026, 3, 1))
    (1955, 1955)
    """
    match = _YEAR_BORN.search(text)
    if not match:
        return None
    year = full_year(match.group(1) or match.group(2), today)
    return year if year is not None and year <= today.year else None


def count(text: str, units: str) -> int | None:
    """A number followed by one of ``units`` (a regex alternation), in digits or words.

    >>> count("3명이에요", "명"), count("두 명", "명"), count("석 달째", "달|개월"), count("많아요", "명")
    (3, 2, 3, None)
    """
    # A number starts where no digit or numeral stands before it: tried from inside a long run, every start
    # read to the run's end again (quadratic).
    pattern = rf"((?<![0-9{_SINO_CHARS}])(?<![0-9],){NUMBER}|{NATIVE_NUMBER})\s*(?:{units})"
    match = re.search(pattern, text)
    return any_number(match.group(1)) if match else None
