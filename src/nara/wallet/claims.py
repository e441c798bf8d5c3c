"""A document's claims from the registries, read through the exchange like any other read.

The citizen asks for their own certificate, so the read is the citizen's own (``citizen:<id>``) under
「개인정보 보호법」 제35조의2 (전송 요구: sending one's data where one chooses, here to one's wallet),
logged in the access log before any registry answers, with the issuance as its case reference.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nara import registry
from nara.wallet.refusals import WalletRefused
from nara.wallet.schemas import DocType, build_claims

BASIS = "law:pipa-35-2"
PURPOSE = "download"


def read_claims(
    exchange: registry.Exchange, doc: DocType, person: str, *, case_ref: str, on: date
) -> dict[str, Any]:
    """The credential claims of ``doc`` for ``person``; refuses what the registries cannot vouch for."""
    missing = [fact for fact in doc.facts if fact not in exchange.catalogue.facts]
    if missing:
        raise WalletRefused(
            "wallet.source_unavailable",
            f"{doc.label}에 필요한 기관 정보가 아직 나라에 연결되지 않아 발급할 수 없습니다. "
            "담당 기관 창구나 정부24에서 발급받아 주세요.",
            status=409,
            facts=missing,
        )
    request = registry.ExchangeRequest(
        caller=f"citizen:{person}",
        subject=person,
        facts=doc.facts,
        purpose=PURPOSE,
        basis=BASIS,
        case_ref=case_ref,
        household=doc.household,
    )
    result = exchange.request(request)
    people = registry.verify_household(result, exchange.keys.jwks())
    facts = {name: value.value for name, value in people.get(person, {}).items()}
    _require(doc, facts)
    household = [{name: v.value for name, v in values.items()} for values in people.values()]
    return build_claims(doc, facts, household if doc.household else [facts], on)


def _require(doc: DocType, facts: dict[str, Any]) -> None:
    """Refuse when a fact the document vouches for does not hold (no 장애인 등록, 체납이 있음)."""
    for fact, allowed in doc.requires.items():
        if facts.get(fact) not in allowed:
            raise WalletRefused(
                "wallet.not_eligible",
                doc.refusal
                or f"기관 기록에 따르면 {doc.label}을(를) 발급받을 수 있는 대상이 아닙니다. "
                "기록이 틀렸다면 담당 기관에 문의해 주세요.",
                status=409,
                fact=fact,
            )
