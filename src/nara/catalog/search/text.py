"""Korean text to search terms, with Kiwi morphological analysis."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

# Kiwi part-of-speech tags kept as search terms: nouns, numerals, roots, foreign words,
# verb and adjective stems, and general adverbs ("혼자", "매달").
_KEPT_TAG_PREFIXES = ("NNG", "NNP", "NR", "SL", "SH", "SN", "XR", "VV", "VA", "MAG")
_STEM_TAG_PREFIXES = ("VV", "VA")
_MAX_QUERY_CHARS = 200
_WHITESPACE = re.compile(r"\s+")

_kiwi_lock = threading.Lock()


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    with _kiwi_lock:
        return Kiwi(num_workers=2)


def _term(form: str, tag: str) -> str | None:
    if not tag.startswith(_KEPT_TAG_PREFIXES):
        return None
    if tag.startswith(_STEM_TAG_PREFIXES):
        return form + "다"
    return form.lower()


def clean_query(query: str) -> str:
    """Collapse white space and cut a query to a sane length.

    >>> clean_query("  아기   낳으면\\n돈 ")
    '아기 낳으면 돈'
    """
    return _WHITESPACE.sub(" ", query).strip()[:_MAX_QUERY_CHARS]


def terms(text: str) -> list[str]:
    """The search terms of one text, in order."""
    if not text.strip():
        return []
    tokens = _kiwi().tokenize(text)
    return [term for token in tokens if (term := _term(token.form, token.tag))]


def terms_many(texts: list[str]) -> list[list[str]]:
    """The search terms of many texts (faster than one by one)."""
    analysed = _kiwi().tokenize(texts)
    return [[term for token in tokens if (term := _term(token.form, token.tag))] for tokens in analysed]


@lru_cache(maxsize=1)
def thesaurus() -> dict[str, tuple[str, ...]]:
    """Everyday words mapped to the words public services are written in (thesaurus.yaml)."""
    text = resources.files("nara.catalog.search").joinpath("thesaurus.yaml").read_text("utf-8")
    raw: dict[str, list[str]] = yaml.safe_load(text)
    expanded: dict[str, tuple[str, ...]] = {}
    for word, related in raw.items():
        key = terms(word)
        if len(key) == 1:
            expanded[key[0]] = tuple(t for phrase in related for t in terms(phrase))
    return expanded


# Words so common in questions that they find nothing by themselves; their thesaurus entries still count.
QUESTION_WORDS = frozenset(
    [
        "돈",
        "받다",
        "있다",
        "되다",
        "하다",
        "주다",
        "나오다",
        "알려주다",
        "어떻다",
        "뭐",
        "거",
        "것",
        "수",
        "좀",
        "나라",
        "사람",
    ]
)


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """A query's own search terms and the terms its thesaurus adds."""
    found = terms(query)
    return [t for t in found if t not in QUESTION_WORDS], expansion_terms(found)


def expansion_terms(query_terms: list[str]) -> list[str]:
    """Terms the thesaurus adds to a query (none that the query already has)."""
    table = thesaurus()
    seen = set(query_terms)
    added: list[str] = []
    for term in query_terms:
        for extra in table.get(term, ()):
            if extra not in seen:
                seen.add(extra)
                added.append(extra)
    return added
