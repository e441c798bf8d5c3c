"""The fact catalogue (catalogue.yaml): agencies, purposes, legal bases and the facts each registry holds.

Everything about which agency holds what and who may read it for which purpose is data; this module
only loads it, checks it is consistent, and answers questions about it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from nara.rules import sigungu_table
from nara.rules.facts import fact_spec

FACT_TYPES = ("date", "integer", "boolean", "code", "text")
_ORDINALS = {1: "첫째", 2: "둘째", 3: "셋째", 4: "넷째", 5: "다섯째"}
# Facts the rules never read: personal data (name, address, the photo's hash) and 체납 여부, which only
# the wallet's 납세증명서 needs.
_REGISTRY_ONLY = {"member.name", "household.address", "member.photo_hash", "member.tax_arrears"}


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    holder: str
    english: str

    @property
    def display(self) -> str:
        """e.g. "주민등록 (행정안전부)"."""
        return f"{self.name} ({self.holder})"


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    registry: str
    type: str
    unit: str
    column: str
    absent: Any = None  # what no record in a partial registry means
    partial: bool = False  # the registry lists only people for whom this fact is not ``absent``
    values: Mapping[str, str] = field(default_factory=dict)  # Korean labels of a code's values

    def display(self, value: Any) -> str:
        """The value as a citizen reads it: "1957년 12월 8일", "906,386,476원", "예", "지역가입자"."""
        if value is None:
            return "기록 없음"
        if self.type == "boolean":
            return "예" if value else "아니요"
        if self.type == "date":
            day = date.fromisoformat(str(value))
            return f"{day.year}년 {day.month}월 {day.day}일"
        if self.unit == "order":
            return _ORDINALS.get(int(value), f"{int(value)}번째")
        if self.type == "integer":
            suffix = {
                "KRW": "원",
                "KRW/month": "원 (월)",
                "KRW/year": "원 (연)",
                "persons": "명",
                "order": "째",
            }
            return f"{int(value):,}{suffix.get(self.unit, '')}"
        if self.unit == "code" and self.name == "household.region":
            return region_names().get(str(value), str(value))
        return self.values.get(str(value), str(value))


@dataclass(frozen=True)
class LegalBasis:
    id: str
    title: str
    purposes: frozenset[str]
    callers: tuple[str, ...]  # glob patterns of callers (``official:*``) or ``self``
    covers: frozenset[str]  # fact names and ``registry:<code>``

    def allows_caller(self, caller: str, subject: str) -> bool:
        if "self" in self.callers and caller == f"citizen:{subject}":
            return True
        return any(pattern != "self" and fnmatchcase(caller, pattern) for pattern in self.callers)

    def covers_fact(self, fact: Fact) -> bool:
        return fact.name in self.covers or f"registry:{fact.registry}" in self.covers


@dataclass(frozen=True)
class Catalogue:
    agencies: dict[str, Agency]
    purposes: dict[str, str]
    legal_bases: dict[str, LegalBasis]
    facts: dict[str, Fact]

    def facts_of(self, registry: str) -> list[Fact]:
        return [fact for fact in self.facts.values() if fact.registry == registry]

    def is_partial(self, registry: str) -> bool:
        """Whether the registry lists only some people (every fact it holds has an ``absent`` value)."""
        return all(fact.partial for fact in self.facts_of(registry))

    def purpose_label(self, purpose: str) -> str:
        return self.purposes.get(purpose, purpose)


class CatalogueInvalid(ValueError):
    """catalogue.yaml contradicts itself (a developer's mistake, caught by the tests)."""


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The fact catalogue shipped with Nara."""
    text = resources.files("nara.registry").joinpath("catalogue.yaml").read_text("utf-8")
    return parse_catalogue(yaml.safe_load(text))


def parse_catalogue(document: dict[str, Any]) -> Catalogue:
    agencies = {code: Agency(code=code, **fields) for code, fields in document["agencies"].items()}
    purposes = {str(code): str(label) for code, label in document["purposes"].items()}
    facts = {entry["name"]: _fact(entry, agencies) for entry in document["facts"]}
    bases = {
        basis_id: _basis(basis_id, fields, purposes, agencies, facts)
        for basis_id, fields in document["legal_bases"].items()
    }
    return Catalogue(agencies=agencies, purposes=purposes, legal_bases=bases, facts=facts)


def _fact(entry: dict[str, Any], agencies: dict[str, Agency]) -> Fact:
    name = entry["name"]
    if entry["registry"] not in agencies:
        raise CatalogueInvalid(f"{name}: 없는 기관 {entry['registry']}")
    if entry["type"] not in FACT_TYPES:
        raise CatalogueInvalid(f"{name}: 알 수 없는 형식 {entry['type']}")
    if name not in _REGISTRY_ONLY and fact_spec(name) is None:
        raise CatalogueInvalid(f"{name}: 규칙 엔진에 없는 정보 이름입니다 (이름은 같아야 합니다).")
    column = entry.get("column") or name.partition(".")[2]
    return Fact(
        name,
        entry["label"],
        entry["registry"],
        entry["type"],
        entry["unit"],
        column,
        absent=entry.get("absent"),
        partial="absent" in entry,
        values={str(code): str(label) for code, label in (entry.get("values") or {}).items()},
    )


def _basis(
    basis_id: str,
    fields: dict[str, Any],
    purposes: dict[str, str],
    agencies: dict[str, Agency],
    facts: dict[str, Fact],
) -> LegalBasis:
    unknown_purposes = set(fields["purposes"]) - set(purposes)
    if unknown_purposes:
        raise CatalogueInvalid(f"{basis_id}: 없는 목적 {sorted(unknown_purposes)}")
    for covered in fields["covers"]:
        kind, _, code = covered.partition(":")
        if (kind == "registry" and code not in agencies) or (kind != "registry" and covered not in facts):
            raise CatalogueInvalid(f"{basis_id}: 없는 정보나 기관 {covered}")
    return LegalBasis(
        id=basis_id,
        title=fields["title"],
        purposes=frozenset(fields["purposes"]),
        callers=tuple(fields["callers"]),
        covers=frozenset(fields["covers"]),
    )


@lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    """ "시·도 시군구" by 시군구 code."""
    return {code: f"{sido} {name}" for code, sido, name in sigungu_table()}
