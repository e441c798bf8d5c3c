"""The exchange: facts leave a registry only on a valid basis, signed, and every attempt is in the log."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from nara import audit, consent, registry
from nara.kernel.clock import utcnow
from nara.kernel.db import session_factory, transaction

ALL_FACTS = tuple(registry.catalogue().facts)


def ask(**changes: Any) -> registry.ExchangeRequest:
    fields: dict[str, Any] = {
        "caller": "official:mohw:k0001",
        "subject": "SYN0",
        "facts": ("household.income_recognised_monthly", "member.birth_date", "member.disability"),
        "purpose": "benefit_determination",
        "basis": "law:nbls-22",
        "case_ref": "APP-2026-000001",
    }
    return registry.ExchangeRequest(**(fields | changes))


def logged(engine: Engine, position: int) -> audit.AccessEntry:
    with session_factory(engine)() as session:
        entry = audit.entry_at(session, position)
    assert entry is not None
    return entry


def last_record(engine: Engine) -> audit.AccessEntry:
    from sqlalchemy import func, select

    from nara.audit.models import AccessRecord

    with session_factory(engine)() as session:
        position = session.scalar(select(func.max(AccessRecord.position)))
    return logged(engine, int(position or 0))


def test_the_registries_hold_the_population_each_their_own_part(registries: registry.RegistryStore) -> None:
    counts = registries.counts()
    assert counts["resident"] == counts["income"] == counts["family"] > 40
    assert counts["disability"] < counts["resident"]  # 장애인 등록 lists registered people only
    resident, income = registries.engine("resident"), registries.engine("income")
    places = {
        (str(engine.url), str(engine.get_execution_options().get("schema_translate_map")))
        for engine in (resident, income)
    }
    assert len(places) == 2  # another file, or another schema: no registry shares another's tables


def test_a_request_on_a_legal_basis_returns_signed_facts_and_is_logged(
    exchange: registry.Exchange, engine: Engine
) -> None:
    result = exchange.request(ask(facts=ALL_FACTS))
    assert len(ALL_FACTS) >= 20
    facts = registry.verify_responses(result, exchange.keys.jwks())
    assert set(facts) == set(ALL_FACTS)
    assert facts["member.birth_date"].agency == "resident"
    assert facts["household.assets"].agency == "income"
    assert facts["member.disability"].value in {"none", "mild", "severe"}
    entry = logged(engine, result.access_position)
    assert (entry.outcome, entry.subject, entry.case_ref) == ("granted", "SYN0", "APP-2026-000001")
    assert set(entry.facts) == set(ALL_FACTS)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"basis": "law:nbls-22", "purpose": "administrative_processing"}, "exchange.basis_not_for_purpose"),
        ({"caller": "third_party:some-app"}, "exchange.caller_not_allowed"),
        ({"basis": "law:resident-30", "purpose": "benefit_determination"}, "exchange.fact_not_covered"),
        ({"basis": "law:no-such-law"}, "exchange.unknown_basis"),
        ({"basis": "please"}, "exchange.no_basis"),
        (
            {"caller": "citizen:SYN1", "basis": "law:pipa-35", "purpose": "self_view"},
            "exchange.caller_not_allowed",
        ),
        ({"basis": "consent:C-nothing"}, "consent.not_found"),
        ({"facts": ("member.shoe_size",)}, "exchange.unknown_fact"),
    ],
)
def test_a_request_without_a_valid_basis_is_refused_and_logged(
    exchange: registry.Exchange, engine: Engine, change: dict[str, Any], code: str
) -> None:
    with pytest.raises((registry.ExchangeRefused, registry.UnknownFact, consent.ConsentRefused)) as refused:
        exchange.request(ask(**change))
    assert refused.value.code == code
    assert refused.value.detail  # a Korean sentence saying what is wrong
    entry = last_record(engine)
    assert (entry.outcome, entry.basis) == ("refused", ask(**change).basis)


def test_a_citizen_reads_their_own_facts_only(exchange: registry.Exchange) -> None:
    mine = ask(
        caller="citizen:SYN0", basis="law:pipa-35", purpose="self_view", case_ref=None, facts=ALL_FACTS
    )
    assert registry.verify_responses(exchange.request(mine), exchange.keys.jwks())["member.name"].value
    with pytest.raises(registry.ExchangeRefused):
        exchange.request(ask(caller="citizen:SYN0", subject="SYN2", basis="law:pipa-35", purpose="self_view"))


def test_consent_lets_a_third_party_read_until_it_is_revoked(
    exchange: registry.Exchange, engine: Engine
) -> None:
    sessions = session_factory(engine)
    facts = ("member.birth_date", "household.size")
    with transaction(sessions) as session:
        given = consent.grant(
            session,
            "SYN2",
            recipient="third_party:maum-app",
            purpose="eligibility_check",
            facts=facts,
            valid_until=utcnow() + timedelta(days=1),
        )
    request = ask(
        caller="third_party:maum-app", subject="SYN2", facts=facts, purpose="eligibility_check",
        basis=f"consent:{given.id}", case_ref=None,
    )  # fmt: skip
    assert exchange.request(request).responses
    with pytest.raises(consent.ConsentRefused) as beyond:
        exchange.request(ask(**{**request.__dict__, "facts": ("household.assets",)}))
    assert beyond.value.code == "consent.facts_not_covered"
    with transaction(sessions) as session:
        consent.revoke(session, "SYN2", given.id)
    with pytest.raises(consent.ConsentRefused) as revoked:
        exchange.request(request)
    assert revoked.value.code == "consent.revoked"
    assert last_record(engine).outcome == "refused"


def test_a_tampered_response_is_rejected(exchange: registry.Exchange) -> None:
    result = exchange.request(ask())
    response = result.responses[0]
    header, payload, signature = response.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["facts"] = dict.fromkeys(claims["facts"], 0)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    tampered = registry.ExchangeResult(
        result.access_position, (registry.SignedResponse(response.agency, f"{header}.{forged}.{signature}"),)
    )
    with pytest.raises(registry.ResponseInvalid):
        registry.verify_responses(tampered, exchange.keys.jwks())


def test_a_response_signed_with_another_agencys_key_is_rejected(exchange: registry.Exchange) -> None:
    result = exchange.request(ask())
    income = next(r for r in result.responses if r.agency == "income")
    _, payload, _ = income.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = exchange.keys.key("veterans").sign_jws(claims, registry.exchange.RESPONSE_TYPE)
    with pytest.raises(registry.ResponseInvalid, match="다른 기관"):
        registry.verify_responses(
            registry.ExchangeResult(0, (registry.SignedResponse("income", forged),)), exchange.keys.jwks()
        )


def test_a_crash_while_reading_never_leaves_the_read_unlogged(
    exchange: registry.Exchange, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise ConnectionError("registry went away")

    monkeypatch.setattr(exchange.store, "read", broken)
    with pytest.raises(ConnectionError):
        exchange.request(ask(case_ref="APP-CRASH-1"))
    entry = last_record(engine)
    assert (entry.case_ref, entry.outcome) == ("APP-CRASH-1", "granted")


def test_an_unknown_person_is_not_found(exchange: registry.Exchange) -> None:
    with pytest.raises(registry.SubjectNotFound):
        exchange.request(ask(subject="SYN-NOBODY"))  # the resident registry is read and says so
    with pytest.raises(registry.SubjectNotFound):
        exchange.request(ask(subject="SYN-NOBODY", facts=("household.assets",)))  # asked separately


def test_the_exchange_signs_a_checkpoint_every_so_many_records(
    exchange: registry.Exchange, engine: Engine, tmp_path: Path
) -> None:
    from sqlalchemy import func, select

    from nara.audit.models import Checkpoint

    key = audit.load_or_create_key(tmp_path / "audit.pem")
    every_record = registry.Exchange(
        exchange.sessions, exchange.store, exchange.keys, checkpoint_key=key, checkpoint_every=1
    )
    sessions = session_factory(engine)
    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(Checkpoint)) or 0
    position = every_record.request(ask()).access_position
    with sessions() as session:
        latest = session.scalars(select(Checkpoint).order_by(Checkpoint.id.desc())).first()
        assert (session.scalar(select(func.count()).select_from(Checkpoint)) or 0) == before + 1
    assert latest is not None
    assert (latest.position, latest.key_id) == (position, key.key_id)


def test_an_official_without_a_case_is_refused_and_the_attempt_logged(
    exchange: registry.Exchange, engine: Engine
) -> None:
    with pytest.raises(registry.ExchangeRefused) as refused:
        exchange.request(ask(case_ref=None))
    assert refused.value.code == "exchange.no_case"
    record = last_record(engine)
    assert (record.outcome, record.actor, record.case_ref) == ("refused", "official:mohw:k0001", None)
