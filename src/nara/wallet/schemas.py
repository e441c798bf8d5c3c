"""One canonical claim schema per document type (전자증명서, 모바일 신분증): pure data and pure functions.

Each document type names its ``vct`` (the SD-JWT VC type URI), the registry facts it is made from, its
claims (each with a Korean label, whether it is selectively disclosable, whether a wallet may ever
pre-tick it) and how long a copy is valid. ``build_claims`` turns verified registry facts into the
credential's claims, including predicates a verifier can ask for instead of the value itself
(``age_over_19`` rather than the birth date, ``tax_arrears: false`` rather than a tax record).

The resident registration number (주민등록번호) appears only in its masked form (생년월일-성별 숫자 뒤
여섯 자리 가림) and is ``sensitive``: a wallet never pre-ticks it, even when a verifier asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

VCT_BASE = "https://nara.example/vct"
FORMAT = "dc+sd-jwt"
ALWAYS_VISIBLE = ("iss", "iat", "exp", "vct", "cnf", "status")
AGE_PREDICATES = (14, 19, 65)

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Claim:
    name: str
    label: str
    sensitive: bool = False  # never pre-ticked by a wallet, never part of a preset request
    predicate: bool = False  # a yes/no answer derived from a value (age_over_19, tax_arrears)
    array: bool = False  # a list whose every element is its own disclosure
    member_fields: tuple[str, ...] = ()  # for an array of objects: their (each disclosable) fields


@dataclass(frozen=True)
class DocType:
    code: str
    label: str
    agency: str  # the registry (and so the agency) that answers for this document
    facts: tuple[str, ...]  # registry facts read through the exchange
    claims: tuple[Claim, ...]
    household: bool = False  # read every member of the household (세대원)
    valid_days: int = 90
    description: str = ""
    requires: Mapping[str, Any] = field(default_factory=dict)  # facts that must hold to issue
    refusal: str = ""  # why it cannot be issued when ``requires`` does not hold (default: not eligible)

    @property
    def vct(self) -> str:
        return f"{VCT_BASE}/{self.code}"

    def claim(self, name: str) -> Claim | None:
        return next((claim for claim in self.claims if claim.name == name), None)

    def label_of(self, name: str) -> str:
        found = self.claim(name)
        return found.label if found else name


_MEMBER = ("name", "relation", "birth_date")
_PERSON = (
    Claim("name", "성명"),
    Claim("birth_date", "생년월일"),
)
_RRN = Claim("resident_number", "주민등록번호 (뒷자리 가림)", sensitive=True)
_AGES = tuple(Claim(f"age_over_{age}", f"만 {age}세 이상", predicate=True) for age in AGE_PREDICATES)
# 납세증명서 states that there are no arrears on the day of issue (「국세징수법」 제107조 제2항,
# 「지방세징수법」 제5조): with arrears there is nothing to certify, so it is not issued.
_ARREARS = (
    "기관 기록에 체납된 국세나 지방세가 있어 납세증명서를 발급할 수 없습니다"
    "(「국세징수법」 제107조, 「지방세징수법」 제5조). 체납액을 낸 뒤 다시 신청하거나, "
    "기록이 틀렸다면 관할 세무서나 시·군·구청 세무 부서에 문의해 주세요."
)

DOC_TYPES: dict[str, DocType] = {
    doc.code: doc
    for doc in (
        DocType(
            "resident-register-extract",
            "주민등록표 등본",
            "resident",
            ("member.name", "member.birth_date", "member.sex", "member.relation", "household.address"),
            (
                *_PERSON,
                Claim("address", "주소"),
                Claim("household_members", "세대원", array=True, member_fields=_MEMBER),
                Claim("household_size", "세대원 수"),
                _RRN,
            ),
            household=True,
            description="주소와 세대원을 증명합니다. 은행, 학교, 관공서에 냅니다.",
        ),
        DocType(
            "family-relations-certificate",
            "가족관계증명서",
            "family",
            ("member.name", "member.birth_date", "member.sex", "member.relation"),
            (
                *_PERSON,
                Claim("family_members", "가족", array=True, member_fields=_MEMBER),
                _RRN,
            ),
            household=True,
            description="함께 사는 가족(배우자, 자녀, 부모)을 증명합니다.",
        ),
        DocType(
            "tax-payment-certificate",
            "납세증명서",
            "tax",
            ("member.name", "member.birth_date", "member.sex", "member.tax_arrears"),
            (*_PERSON, Claim("tax_arrears", "체납 여부", predicate=True), _RRN),
            valid_days=30,
            description="밀린 세금이 없음을 증명합니다.",
            requires={"member.tax_arrears": (False,)},
            refusal=_ARREARS,
        ),
        DocType(
            "disability-certificate",
            "장애인증명서",
            "disability",
            ("member.name", "member.birth_date", "member.sex", "member.disability"),
            (
                *_PERSON,
                Claim("disability_level", "장애 정도"),
                Claim("registered_disabled", "등록 장애인 여부", predicate=True),
                _RRN,
            ),
            description="장애인으로 등록되어 있음을 증명합니다.",
            requires={"member.disability": ("mild", "severe")},
        ),
        DocType(
            "mobile-id",
            "모바일 신분증",
            "resident",
            ("member.name", "member.birth_date", "member.sex", "household.address", "member.photo_hash"),
            (
                *_PERSON,
                Claim("address", "주소"),
                Claim("portrait_hash", "사진 (요약값)"),
                *_AGES,
                _RRN,
            ),
            valid_days=365,
            description="신분증 대신 이름, 생년월일, 나이(만 19세 이상 등)를 확인시켜 줍니다.",
        ),
    )
}

RELATIONS = {
    "self": "본인(세대주)",
    "spouse": "배우자",
    "child": "자녀",
    "parent": "부모",
    "sibling": "형제자매",
    "grandchild": "손자녀",
    "other": "그 밖의 세대원",
}
_FAMILY = {"self", "spouse", "child", "parent"}
DISABILITY_LEVELS = {"mild": "장애의 정도가 심하지 않은 장애인", "severe": "장애의 정도가 심한 장애인"}


def doc_type(code: str) -> DocType | None:
    return DOC_TYPES.get(code)


def doc_type_of_vct(vct: str) -> DocType | None:
    return next((doc for doc in DOC_TYPES.values() if doc.vct == vct), None)


def age_on(born: date, on: date) -> int:
    """Full years (만 나이) on a day.

    >>> age_on(date(2007, 3, 1), date(2026, 2, 28)), age_on(date(2007, 3, 1), date(2026, 3, 1))
    (18, 19)
    """
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def masked_resident_number(born: date, sex: str | None) -> str:
    """The front six digits and the sex digit; the rest hidden, as 등본 shows it by default.

    >>> masked_resident_number(date(1957, 12, 8), "female"), masked_resident_number(date(2001, 1, 2), "male")
    ('571208-2******', '010102-3******')
    """
    century = 0 if born.year < 2000 else 2
    digit = century + (2 if sex == "female" else 1)
    return f"{born:%y%m%d}-{digit}******"


def build_claims(
    doc: DocType, person: Mapping[str, Any], household: Sequence[Mapping[str, Any]], on: date
) -> dict[str, Any]:
    """The credential's claims (without iss/iat/exp/vct/cnf/status) from verified registry facts.

    ``person`` maps fact names to values for the subject; ``household`` holds one such mapping per
    member (the subject first) when the document is about the household.
    """
    born = date.fromisoformat(str(person["member.birth_date"]))
    claims: dict[str, Any] = {"name": person["member.name"], "birth_date": born.isoformat()}
    if doc.claim("address"):
        claims["address"] = person["household.address"]
    if doc.claim("household_members"):
        claims["household_members"] = [_member(m) for m in household]
        claims["household_size"] = len(household)
    if doc.claim("family_members"):
        claims["family_members"] = [_member(m) for m in household if m.get("member.relation") in _FAMILY]
    if doc.claim("tax_arrears"):
        claims["tax_arrears"] = bool(person["member.tax_arrears"])
    if doc.claim("disability_level"):
        level = str(person.get("member.disability") or "none")
        claims["disability_level"] = DISABILITY_LEVELS.get(level, level)
        claims["registered_disabled"] = level in DISABILITY_LEVELS
    if doc.claim("portrait_hash") and person.get("member.photo_hash"):
        claims["portrait_hash"] = person["member.photo_hash"]  # SHA-256 of the photo the registry holds
    for age in AGE_PREDICATES:
        if doc.claim(f"age_over_{age}"):
            claims[f"age_over_{age}"] = age_on(born, on) >= age
    if doc.claim("resident_number"):
        claims["resident_number"] = masked_resident_number(born, person.get("member.sex"))
    return claims


def _member(facts: Mapping[str, Any]) -> dict[str, Any]:
    relation = str(facts.get("member.relation") or "other")
    return {
        "name": facts.get("member.name"),
        "relation": RELATIONS.get(relation, relation),
        "birth_date": str(facts.get("member.birth_date")),
    }


def disclosable_paths(doc: DocType, claims: Mapping[str, Any]) -> list[Path]:
    """Every claim path the issuer makes selectively disclosable: each top-level claim, each array
    element, and each field of an array's objects (``"*"`` = every element)."""
    paths: list[Path] = []
    for claim in doc.claims:
        if claim.name not in claims:
            continue
        paths.append((claim.name,))
        if claim.array:
            paths.append((claim.name, "*"))
            paths += [(claim.name, "*", name) for name in claim.member_fields]
    return paths


def offered_claims(doc: DocType) -> list[Claim]:
    """Claims a verifier may ask for in the portal (sensitive ones are not offered)."""
    return [claim for claim in doc.claims if not claim.sensitive]
