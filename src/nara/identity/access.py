"""Who may call what (제로 트러스트): every route declares a :class:`Rule`; :func:`decide` applies it.

A caller is a :class:`Principal`, made afresh for every request from its bearer token or its site
session — nothing is trusted because of where a request comes from. A rule names who may call
(``public``, ``citizen``, ``official`` or ``official:<role>``, ``client``), the purpose, and the token
scopes an app must hold. Object-level checks (this citizen's consent, this agency's case) happen in the
domain services, which take the principal's ids, never ids from the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nara.identity.accounts import Role
from nara.identity.errors import AccessDenied, SignInRequired

WHO = ("public", "citizen", "official", "client")


@dataclass(frozen=True)
class Principal:
    kind: str  # anonymous | citizen | official | client
    account_id: str | None = None
    client_id: str | None = None  # the app a token was issued to; the site for a session
    scopes: frozenset[str] = frozenset()
    via: str = "none"  # none | session | token
    consent_id: str | None = None
    person_id: str | None = None  # citizens: their resident registry id
    roles: tuple[Role, ...] = ()
    session_id: str | None = None

    @property
    def actor(self) -> str:
        """How this caller is named in logs."""
        if self.kind == "anonymous":
            return "anonymous"
        if self.account_id:
            return f"account:{self.account_id}" + (
                f" via client:{self.client_id}" if self.via == "token" else ""
            )
        return f"client:{self.client_id}"

    def agencies(self, role: str | None = None) -> set[str]:
        return {r.agency for r in self.roles if role is None or r.role == role}


ANONYMOUS = Principal("anonymous")


@dataclass(frozen=True)
class Rule:
    """An access declaration: who may call, for which purpose, with which token scopes."""

    who: tuple[str, ...]
    purpose: str
    scopes: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for who in self.who:
            if who.split(":")[0] not in WHO:
                raise ValueError(f"unknown caller kind in an access rule: {who}")

    def describe(self) -> str:
        scopes = f" [scope: {' '.join(sorted(self.scopes))}]" if self.scopes else ""
        return f"{', '.join(self.who)} — {self.purpose}{scopes}"


def decide(rule: Rule, principal: Principal) -> None:
    """Nothing if ``principal`` may call under ``rule``; otherwise the refusal, with a stable code."""
    if "public" in rule.who:
        return
    if principal.kind == "anonymous":
        raise SignInRequired("로그인한 뒤 이용할 수 있습니다.")
    if not any(_matches(who, principal) for who in rule.who):
        raise AccessDenied("access.not_allowed", "이 기능을 쓸 수 있는 권한이 없습니다.")
    if principal.via == "token" and not rule.scopes <= principal.scopes:
        missing = " ".join(sorted(rule.scopes - principal.scopes))
        raise AccessDenied(
            "access.insufficient_scope", f"이 기능에는 다음 권한(scope)이 필요합니다: {missing}"
        )


def _matches(who: str, principal: Principal) -> bool:
    kind, _, role = who.partition(":")
    if kind == "client":
        return principal.via == "token"
    if kind != principal.kind:
        return False
    if kind == "official":
        return bool(principal.roles) and (not role or any(r.role == role for r in principal.roles))
    return True
