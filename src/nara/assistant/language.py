"""Korean text as the assistant reads it: Kiwi morphemes, and a compact form for keyword cues.

Citizens type without spaces, with common misspellings and with dialect or chat endings; the compact form
removes spaces and punctuation and repairs the misspellings listed in ``_TYPOS`` (a short, reviewed list:
no fuzzy guessing), so that cue patterns can be written once.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Any, NamedTuple

_kiwi_lock = threading.Lock()

# Misspellings and chat spellings seen in citizens' questions → the standard spelling (applied in order).
_TYPOS: tuple[tuple[str, str], ...] = (
    ("바들수", "받을수"),
    ("받을쑤", "받을수"),
    ("받을수잇", "받을수있"),
    ("있나여", "있나요"),
    ("있을까여", "있을까요"),
    ("되나여", "되나요"),
    ("세여", "세요"),
    ("주세용", "주세요"),
    ("방볍", "방법"),
    ("방업", "방법"),
    ("신쳥", "신청"),
    ("싱청", "신청"),
    ("어케", "어떻게"),
    ("어떡게", "어떻게"),
    ("어떻해", "어떻게"),
    ("어떠케", "어떻게"),
    ("할라면", "하려면"),
    ("할려면", "하려면"),
    ("하려며", "하려면"),
    ("년금", "연금"),
    ("상담원이랑", "상담원과"),
    ("알려줘요", "알려주세요"),
    ("알려줄래", "알려주세요"),
    ("알려죠", "알려줘"),
    ("머가", "뭐가"),
    ("머있", "뭐있"),
    ("뭐잇", "뭐있"),
    ("잇나요", "있나요"),
    ("잇어요", "있어요"),
    ("됬", "됐"),
    ("어머님", "어머니"),
    ("아버님", "아버지"),
)
_NOT_TEXT = re.compile(r"[\s.,!?~…·'\"“”‘’()\[\]]+")


class Morpheme(NamedTuple):
    form: str
    tag: str
    start: int  # character offset in the analysed text


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    with _kiwi_lock:
        return Kiwi(num_workers=1)


def morphemes(text: str) -> list[Morpheme]:
    """Kiwi's morphemes of ``text`` (form, part-of-speech tag, offset)."""
    if not text.strip():
        return []
    return [Morpheme(token.form, token.tag, token.start) for token in _kiwi().tokenize(text)]


def lemmas(text: str) -> set[str]:
    """Nouns as written and verb/adjective stems with 다, of ``text`` after repairing misspellings."""
    found: set[str] = set()
    for morpheme in morphemes(fix_typos(text)):
        if morpheme.tag.startswith(("NN", "NP", "NR", "XR", "MAG", "SL")):
            found.add(morpheme.form)
        elif morpheme.tag.startswith(("VV", "VA", "VX")):
            found.add(morpheme.form + "다")
    return found


def fix_typos(text: str) -> str:
    """The text with the listed misspellings repaired.

    >>> fix_typos("기초년금 신청방볍 알려주세여")
    '기초연금 신청방법 알려주세요'
    """
    for wrong, right in _TYPOS:
        text = text.replace(wrong, right)
    return text


def compact(text: str) -> str:
    """The text without spaces and punctuation, misspellings repaired, Latin letters in lower case.

    >>> compact("받을 수 있나여?  어케 신청해요")
    '받을수있나요어떻게신청해요'
    """
    return fix_typos(_NOT_TEXT.sub("", text).lower())


def normalise(text: str) -> str:
    """Spaces collapsed and misspellings repaired, for reading facts (spacing is kept: it separates words).

    >>> normalise("  70대   어머니가  받을수 있는거  ")
    '70대 어머니가 받을수 있는거'
    """
    return fix_typos(re.sub(r"\s+", " ", text).strip())


# Words of any question about public services: they say nothing about which one.
GENERIC_WORDS = frozenset(
    [
        "것",
        "거",
        "수",
        "좀",
        "뭐",
        "무엇",
        "지원",
        "혜택",
        "도움",
        "나라",
        "정부",
        "복지",
        "서비스",
        "제도",
        "돈",
    ]
)


def has_content(message: str, ignore: frozenset[str] = GENERIC_WORDS) -> bool:
    """Whether the message has a noun worth searching for (one not in ``ignore``).

    >>> has_content("제가 받을 수 있는 거 알려주세요"), has_content("출산 지원금")
    (False, True)
    """
    return any(m.tag.startswith(("NNG", "NNP", "SL")) and m.form not in ignore for m in morphemes(message))
