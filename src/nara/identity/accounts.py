"""Accounts (통합 계정) and officials' roles per agency.

A citizen's account is made only after identity proofing (본인확인) against the resident registry; an
official's by a supervisor of their agency (or, for the first supervisor, by an operator on the command
line). Roles are granted and revoked by a supervisor of the same agency; rows are never deleted, so the
table is itself the history of every grant.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.identity.errors import AccessDenied, AccountExists, AccountNotFound, ClientInvalid
from nara.identity.models import Account, OfficialRole
from nara.kernel.clock import utcnow

ROLES = {
    "checker": "담당자 (신청 검토)",
    "decider": "결정권자 (승인·반려)",
    "supervisor": "관리자 (권한 부여)",
    "auditor": "감사자 (기록 열람)",
}


@dataclass(frozen=True)
class Role:
    agency: str
    role: str


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(10)}"


def create_citizen_account(session: Session, *, person_id: str, display_name: str, phone: str) -> Account:
    """The account of a citizen whose identity was proven; one account per resident."""
    if session.scalar(select(Account).where(Account.person_id == person_id)) is not None:
        raise AccountExists()
    account = Account(
        id=new_id("acct"),
        kind="citizen",
        person_id=person_id,
        display_name=display_name,
        phone=phone,
        created_at=utcnow(),
    )
    session.add(account)
    session.flush()
    return account


def create_official_account(session: Session, *, display_name: str, phone: str) -> Account:
    account = Account(
        id=new_id("official"), kind="official", display_name=display_name, phone=phone, created_at=utcnow()
    )
    session.add(account)
    session.flush()
    return account


def account(session: Session, account_id: str) -> Account:
    found = session.get(Account, account_id)
    if found is None:
        raise AccountNotFound()
    return found


def account_of_person(session: Session, person_id: str) -> Account | None:
    return session.scalar(select(Account).where(Account.person_id == person_id))


def accounts_with_phone(session: Session, phone: str) -> list[Account]:
    return list(session.scalars(select(Account).where(Account.phone == normalise_phone(phone))))


def normalise_phone(phone: str) -> str:
    """010-1234-5678, whatever spacing or dashes the person typed."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 11:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return digits


def roles_of(session: Session, account_id: str) -> list[Role]:
    rows = session.scalars(
        select(OfficialRole).where(OfficialRole.account_id == account_id, OfficialRole.revoked_at.is_(None))
    )
    return sorted({Role(row.agency, row.role) for row in rows}, key=lambda r: (r.agency, r.role))


def grant_role(session: Session, *, account_id: str, agency: str, role: str, granted_by: str) -> OfficialRole:
    """Give an official a role in ``agency``. ``granted_by`` is ``operator`` (command line) or a
    supervisor's account id; the caller (web or CLI) logs the grant."""
    if role not in ROLES:
        raise ClientInvalid(f"알 수 없는 역할입니다: {role}")
    if account(session, account_id).kind != "official":
        raise AccessDenied("access.not_official", "공무원 계정에만 역할을 줄 수 있습니다.")
    if granted_by != "operator" and Role(agency, "supervisor") not in roles_of(session, granted_by):
        raise AccessDenied("access.not_supervisor", "이 기관의 관리자만 역할을 줄 수 있습니다.")
    grant = OfficialRole(
        id=new_id("role"),
        account_id=account_id,
        agency=agency,
        role=role,
        granted_by=granted_by,
        granted_at=utcnow(),
    )
    session.add(grant)
    session.flush()
    return grant


def revoke_role(session: Session, *, account_id: str, agency: str, role: str, revoked_by: str) -> None:
    if Role(agency, "supervisor") not in roles_of(session, revoked_by):
        raise AccessDenied("access.not_supervisor", "이 기관의 관리자만 역할을 거둘 수 있습니다.")
    rows = session.scalars(
        select(OfficialRole).where(
            OfficialRole.account_id == account_id,
            OfficialRole.agency == agency,
            OfficialRole.role == role,
            OfficialRole.revoked_at.is_(None),
        )
    )
    for row in rows:
        row.revoked_at = utcnow()


def officials_of(session: Session, agency: str) -> list[tuple[Account, list[str]]]:
    """Every official holding a role in ``agency``, with those roles."""
    rows = session.execute(
        select(Account, OfficialRole.role)
        .join(OfficialRole, OfficialRole.account_id == Account.id)
        .where(OfficialRole.agency == agency, OfficialRole.revoked_at.is_(None))
        .order_by(Account.display_name)
    ).all()
    grouped: dict[str, tuple[Account, list[str]]] = {}
    for official, role in rows:
        grouped.setdefault(official.id, (official, []))[1].append(role)
    return list(grouped.values())
