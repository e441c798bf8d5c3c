"""Scopes a client may ask for, and which of them stand for a citizen's consent (동의).

A delegated scope is not a blanket permission: when a citizen approves it, a consent is recorded in
the consent domain (recipient ``third_party:<client_id>``, a purpose, the facts), the access token names
that consent, and every registry read made with the token is checked against it — so revoking the
consent on 동의 관리 stops the app at its very next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class DelegatedConsent:
    purpose: str
    facts: tuple[str, ...]
    valid_for: timedelta


@dataclass(frozen=True)
class Scope:
    name: str
    label: str  # what the citizen is asked, in plain Korean
    government_only: bool = False  # only government sites may ask for it
    user: bool = True  # needs a signed-in person (not client credentials)
    consent: DelegatedConsent | None = None


# Facts the eligibility rules can use; names and addresses are never needed to decide eligibility.
ELIGIBILITY_FACTS = (
    "household.assets",
    "household.income_annual",
    "household.income_recognised_monthly",
    "household.multicultural",
    "household.north_korean_defector",
    "household.owns_home",
    "household.region",
    "household.single_parent",
    "member.birth_date",
    "member.birth_order",
    "member.childcare",
    "member.disability",
    "member.employment",
    "member.health_insurance",
    "member.industry",
    "member.school",
    "member.sex",
    "member.veteran",
)

SCOPES = {
    scope.name: scope
    for scope in (
        Scope("openid", "나라 통합로그인으로 로그인"),
        Scope("profile", "이름"),
        Scope("mydata", "내 정보·동의·이용내역 보기와 관리", government_only=True),
        Scope(
            "eligibility",
            "공공기관이 가진 내 정보로 받을 수 있는 혜택 찾기",
            consent=DelegatedConsent("eligibility_check", ELIGIBILITY_FACTS, timedelta(days=90)),
        ),
        Scope("api.read", "공개 API 읽기 (서비스 목록, 익명 판정)", user=False),
    )
}


def parse_scopes(scope: str | None) -> list[str]:
    """The scope names of a space-separated scope string, in order, without repeats."""
    return list(dict.fromkeys((scope or "").split()))


def delegated(scopes: list[str]) -> list[Scope]:
    return [SCOPES[name] for name in scopes if name in SCOPES and SCOPES[name].consent is not None]
