"""What the MyData pages and endpoints share: the citizen's facts, consents and log, in display form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from nara import audit, consent, identity, registry
from nara.kernel.clock import KOREA_OFFSET, utcnow

SELF_VIEW = ("law:pipa-35", "self_view")
GRANTABLE_PURPOSES = ("eligibility_check", "benefit_determination", "administrative_processing")
RECIPIENTS = {  # government recipients a citizen may consent to; registered apps are added by recipients()
    "nara:portal": "나라 포털 (받을 수 있는 혜택 찾기)",
    "agency:mohw": "보건복지부",
    "agency:local": "주소지 시·군·구청",
}


def recipients(session: Session) -> dict[str, str]:
    """Everyone a citizen may consent to: the government recipients and every active registered app."""
    apps = {
        f"third_party:{client.client_id}": f"{client.name} ({client.owner})"
        for client in identity.all_clients(session)
        if client.kind == "third_party" and client.revoked_at is None
    }
    return RECIPIENTS | apps


@dataclass(frozen=True)
class ShownFact:
    name: str
    label: str
    value: Any
    shown: str
    agency: str
    agency_name: str


def my_facts(exchange: registry.Exchange, citizen: str) -> tuple[list[ShownFact], int]:
    """Every fact the registries hold about the citizen, each verified against its agency's key."""
    basis, purpose = SELF_VIEW
    request = registry.ExchangeRequest(
        f"citizen:{citizen}", citizen, tuple(exchange.catalogue.facts), purpose, basis
    )
    result = exchange.request(request)
    values = registry.verify_responses(result, exchange.keys.jwks())
    catalogue = exchange.catalogue
    shown = [
        ShownFact(
            name=name,
            label=catalogue.facts[name].label,
            value=fact.value,
            shown=catalogue.facts[name].display(fact.value),
            agency=fact.agency,
            agency_name=catalogue.agencies[fact.agency].display,
        )
        for name, fact in values.items()
    ]
    return shown, result.access_position


def consent_view(given: consent.Consent, catalogue: registry.Catalogue, now: datetime) -> dict[str, Any]:
    return {
        "id": given.id,
        "recipient": given.recipient,
        "recipient_name": RECIPIENTS.get(given.recipient, given.recipient),
        "purpose": given.purpose,
        "purpose_name": catalogue.purpose_label(given.purpose),
        "facts": list(given.facts),
        "fact_labels": [catalogue.facts[f].label if f in catalogue.facts else f for f in given.facts],
        "kind": given.kind,
        "status": given.status(now),
        "granted_at": given.granted_at.isoformat(timespec="seconds"),
        "valid_until": given.valid_until.isoformat(timespec="seconds") if given.valid_until else None,
        "revoked_at": given.revoked_at.isoformat(timespec="seconds") if given.revoked_at else None,
    }


def access_view(entry: audit.AccessEntry, catalogue: registry.Catalogue) -> dict[str, Any]:
    """One log record in words a citizen understands."""
    local = entry.recorded_at + KOREA_OFFSET
    return {
        "position": entry.position,
        "recorded_at": entry.recorded_at.isoformat(timespec="seconds"),
        "when": f"{local.year}년 {local.month}월 {local.day}일 {local.hour:02d}:{local.minute:02d}",
        "actor": entry.actor,
        "actor_name": actor_name(entry.actor, entry.subject),
        "facts": list(entry.facts),
        "fact_labels": [catalogue.facts[f].label if f in catalogue.facts else f for f in entry.facts],
        "purpose": entry.purpose,
        "purpose_name": catalogue.purpose_label(entry.purpose),
        "basis": entry.basis,
        "basis_name": basis_name(entry.basis, catalogue),
        "outcome": entry.outcome,
        "outcome_name": "제공됨" if entry.outcome == "granted" else "거절됨",
        "case_ref": entry.case_ref,
    }


def actor_name(actor: str, subject: str) -> str:
    if actor == f"citizen:{subject}":
        return "본인"
    kind, _, rest = actor.partition(":")
    names = {"official": "공무원", "agency": "기관 시스템", "third_party": "제3자 서비스", "nara": "나라"}
    return f"{names.get(kind, kind)} {RECIPIENTS.get(actor, rest)}".strip()


def basis_name(basis: str, catalogue: registry.Catalogue) -> str:
    kind, _, reference = basis.partition(":")
    if kind == "law" and reference in catalogue.legal_bases:
        return catalogue.legal_bases[reference].title
    if kind == "consent":
        return f"본인 동의 ({reference})"
    return basis


def consent_deadline(days: int) -> datetime | None:
    return utcnow() + timedelta(days=days) if days > 0 else None


def history(session: Session, citizen: str, catalogue: registry.Catalogue) -> list[dict[str, Any]]:
    return [access_view(entry, catalogue) for entry in audit.history(session, citizen, limit=500)]
