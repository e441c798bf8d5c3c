"""Submitting once: a bundle fans out to one application per service in one transaction, exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from nara import apply, notices, registry
from nara.kernel.db import session_factory, transaction
from tests.apply.making import NEW_MOTHER, birth_request, household


def test_birth_bundle_checks_each_service_with_reasons(engine: Engine, exchange: registry.Exchange) -> None:
    found = household(exchange, session_factory(engine), NEW_MOTHER)
    request = birth_request(found)
    assert found.me.person_id == NEW_MOTHER
    assert found.me.relation == "self"
    assert any(m.relation == "spouse" for m in found.members)  # her husband, named from her side
    checks = request.checks
    birth = apply.bundle("birth")
    assert birth is not None
    assert set(checks) == set(birth.services_for(found.facts["household.region"].value))  # 서울: + 서울형
    assert checks["NARA-SEOUL-POSTPARTUM"].amount == "한 번 100만 원"
    assert "NARA-GYEONGGI-POSTPARTUM" not in checks  # another 시·도's service is not offered
    voucher = checks["135200005015"]  # 첫만남이용권: a first child born two weeks ago
    assert voucher.status == "eligible"
    assert voucher.amount == "한 번 200만 원"
    assert all(check.explanation for check in checks.values())  # every answer says why


def test_one_submission_fans_out_and_a_retry_creates_nothing(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    request = birth_request(household(exchange, sessions, NEW_MOTHER))
    offered = [s for s, c in request.checks.items() if c.offered]
    with transaction(sessions) as session:
        first = apply.submit(session, request)
    with transaction(sessions) as session:
        again = apply.submit(session, request)  # the same key: a double click, a retry, browser back
    assert again.id == first.id
    assert again.applications == first.applications
    assert {a.service_id for a in first.applications} == set(offered)
    assert len({a.receipt_no for a in first.applications}) == len(first.applications)
    with sessions() as session:
        mine = [a for a in apply.applications_of(session, NEW_MOTHER) if a.submission_id == first.id]
        received = notices.notices_with_key(session, NEW_MOTHER, f"apply:submission:{first.id}")
    assert len(mine) == len(first.applications)
    assert len(received) == 1
    assert "접수되었습니다" in received[0].title
    assert all(a.receipt_no in received[0].body for a in first.applications)


def test_the_same_services_for_the_same_baby_are_not_applied_twice(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    request = birth_request(household(exchange, sessions, NEW_MOTHER))
    with transaction(sessions) as session:
        apply.submit(session, request)
    with transaction(sessions) as session, pytest.raises(apply.AlreadyApplied):
        apply.submit(session, birth_request(request.household, answers=_same_baby(request)))


def _same_baby(request: apply.Request) -> dict[str, str]:
    return {name: str(value) for name, value in request.answers.items()}


def test_facts_carry_their_source_and_a_correction_is_a_claim(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    found = household(exchange, sessions, NEW_MOTHER)
    corrected = apply.Correction("household.address", "서울특별시 성동구 왕십리로 1", "지난주에 이사했습니다")
    request = birth_request(found, corrections=(corrected,))
    with transaction(sessions) as session:
        done = apply.submit(session, request)
    voucher = next(a for a in done.applications if a.service_id == "135200005015")
    address = next(f for f in voucher.facts if f["name"] == "household.address")
    assert address["agency"] == "resident"
    assert address["value"]
    assert voucher.corrections[0]["claimed"] == corrected.claimed
    assert voucher.corrections[0]["registry_value"] == address["shown"]
    assert not voucher.clear_case  # a claim needs an official's eyes


def test_carried_responses_are_checked_again_and_cannot_be_forged(
    engine: Engine, exchange: registry.Exchange
) -> None:
    found = household(exchange, session_factory(engine), NEW_MOTHER)
    again = apply.reverify(exchange, NEW_MOTHER, found.consent_id, found.carried)
    assert again.me.facts["member.birth_date"] == found.me.facts["member.birth_date"]
    forged = found.carried.replace('"resident","ey', '"resident","eyX', 1)
    with pytest.raises(apply.ApplyInvalid):
        apply.reverify(exchange, NEW_MOTHER, found.consent_id, forged)
    with pytest.raises(apply.ApplyInvalid):  # someone else's consent: not read for this application
        apply.reverify(exchange, NEW_MOTHER, "C-someone-else", found.carried)
