"""The back office: queue, opening (logged, tied to the application), supplements, decisions without
overwrites, bulk decisions with a sampled second look, and notices at each step."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import Engine

from nara import apply, audit, notices, registry
from nara.kernel.db import session_factory, transaction
from tests.apply.making import NEW_MOTHER, birth_request, household, official


def _submitted(engine: Engine, exchange: registry.Exchange) -> apply.Submission:
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        return apply.submit(session, birth_request(household(exchange, sessions, NEW_MOTHER)))


def test_an_official_opens_reviews_and_decides_and_the_citizen_follows(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    voucher = next(a for a in _submitted(engine, exchange).applications if a.service_id == "135200005015")
    checker = official(voucher.office, "checker")
    decider = official(voucher.office, "decider")
    with transaction(sessions) as session:
        assert voucher.id in [a.id for a in apply.queue(session, voucher.office, checker)]
        opened = apply.open_application(session, voucher.id, checker)
        asked = apply.request_supplement(session, voucher.id, checker, "출생증명서를 올려 주세요.")
        apply.submit_supplement(session, NEW_MOTHER, voucher.id, "출생증명서를 올렸습니다.")
        decided = apply.decide(session, voucher.id, decider, approve=True)
        paid = apply.complete(session, voucher.id, decider)
    assert opened.status == "in_review"
    assert asked.status == "supplement_requested"
    assert decided.status == "approved"
    assert paid.status == "paid"
    with sessions() as session:
        mine = apply.application_of(session, NEW_MOTHER, voucher.id)
        reads = [e for e in audit.history(session, NEW_MOTHER, limit=500) if e.case_ref == voucher.receipt_no]
        told = notices.notices_with_key(session, NEW_MOTHER, f"apply:{voucher.id}:")
    assert [e.status for e in mine.events] == [
        "received", "in_review", "supplement_requested", "supplement_submitted", "approved", "paid",
    ]  # fmt: skip
    assert all(e.office_name == voucher.office_name for e in mine.events)
    assert reads
    assert reads[0].actor == checker.actor(voucher.office)
    assert {n.kind for n in told} >= {"supplement_request", "decision", "payment"}


def test_deciding_an_already_decided_application_is_a_conflict(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    voucher = next(a for a in _submitted(engine, exchange).applications if a.service_id == "135200005015")
    first, second = official(voucher.office, "decider"), official(voucher.office, "decider")
    with transaction(sessions) as session:
        seen = apply.open_application(session, voucher.id, first)
        apply.open_application(session, voucher.id, second)
        apply.decide(session, voucher.id, first, approve=True, version=seen.version)
    with transaction(sessions) as session, pytest.raises(apply.DecisionConflict, match="승인"):
        apply.decide(session, voucher.id, second, approve=False, reason_code="not_eligible", note="대상 아님")
    with sessions() as session:
        assert apply.application_of(session, NEW_MOTHER, voucher.id).status == "approved"  # not overwritten


def test_a_stale_version_is_a_conflict_even_before_a_decision(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    voucher = _submitted(engine, exchange).applications[0]
    decider = official(voucher.office, "decider")
    with transaction(sessions) as session:
        seen = apply.open_application(session, voucher.id, decider)
        apply.request_supplement(
            session, voucher.id, decider, "통장 사본을 올려 주세요.", version=seen.version
        )
    with transaction(sessions) as session, pytest.raises(apply.DecisionConflict):
        apply.decide(session, voucher.id, decider, approve=True, version=seen.version)


def test_a_rejection_needs_a_reason_code_and_words(engine: Engine, exchange: registry.Exchange) -> None:
    sessions = session_factory(engine)
    voucher = _submitted(engine, exchange).applications[0]
    decider = official(voucher.office, "decider")
    with transaction(sessions) as session, pytest.raises(apply.ApplyInvalid):
        apply.decide(session, voucher.id, decider, approve=False, reason_code="not_eligible", note="")
    with transaction(sessions) as session:
        done = apply.decide(session, voucher.id, decider, approve=False, reason_code="income_over",
                            note="소득인정액이 기준을 넘습니다.")  # fmt: skip
    assert done.status == "rejected"
    assert done.decision_reason == "소득·재산 기준을 넘습니다"


def test_an_official_never_reaches_another_offices_applications(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    voucher = _submitted(engine, exchange).applications[0]
    elsewhere = official("welfare_office-26110", "checker", "decider")
    with transaction(sessions) as session:
        with pytest.raises(apply.ApplicationNotFound):
            apply.open_application(session, voucher.id, elsewhere)
        with pytest.raises(apply.ApplicationNotFound):
            apply.queue(session, voucher.office, elsewhere)
        with pytest.raises(apply.ApplicationNotFound):
            apply.decide(session, voucher.id, elsewhere, approve=True)


def test_bulk_approves_clear_cases_and_samples_a_second_look(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    for _ in range(3):
        _submitted(engine, exchange)
    office = _submitted(engine, exchange).applications[0].office
    runner = official(office, "decider")
    with transaction(sessions) as session:
        result = apply.bulk_approve(session, office, runner, rng=random.Random(7))
    assert result.approved
    assert result.second_look
    assert all(a.status == "approved" and a.clear_case for a in result.approved)
    sampled = result.second_look[0]
    assert sampled.second_look
    assert sampled.status == "in_review"
    with transaction(sessions) as session, pytest.raises(apply.SecondLookNeeded):
        apply.decide(session, sampled.id, runner, approve=True)
    with transaction(sessions) as session:
        assert (
            apply.decide(session, sampled.id, official(office, "decider"), approve=True).status == "approved"
        )
