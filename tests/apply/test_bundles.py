"""Every bundle checks each of its services for a real household; 안심상속 fans out one request to each
agency that keeps the deceased's assets or debts, each decided on its own."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Engine

from nara import apply, registry
from nara.kernel.clock import today
from nara.kernel.db import session_factory, transaction
from tests.apply.making import household, typed_fields

BEREAVED = "SYN12"  # a young woman living alone (the test population)
ANSWERS = {
    "pregnancy": {"applicant.pregnant": "true", "applicant.infertility_diagnosed": "false"},
    "inheritance": {"household.bereaved": "true", "household.deceased_pension_years": "12"},
    "care": {"applicant.employment": "employed"},
    "youth": {"household.rent_monthly": "450000", "applicant.employment": "employed"},
}


@pytest.mark.parametrize("bundle_id", sorted(ANSWERS))
def test_each_bundle_answers_every_service_with_a_reason(
    bundle_id: str, engine: Engine, exchange: registry.Exchange
) -> None:
    spec = apply.bundle(bundle_id)
    assert spec is not None
    found = household(exchange, session_factory(engine), BEREAVED, bundle_id)
    answers = apply.parse_answers(spec.questions, ANSWERS[bundle_id])
    checks = apply.check_bundle(spec, found, answers, today())
    assert [c.service_id for c in checks] == list(
        spec.services_for(str(found.facts["household.region"].value))
    )
    assert all(c.explanation for c in checks)


def test_inheritance_is_one_request_fanned_out_to_each_agency(
    engine: Engine, exchange: registry.Exchange
) -> None:
    sessions = session_factory(engine)
    spec = apply.bundle("inheritance")
    assert spec is not None
    found = household(exchange, sessions, BEREAVED, "inheritance")
    answers = apply.parse_answers(spec.questions, ANSWERS["inheritance"])
    checks = {c.service_id: c for c in apply.check_bundle(spec, found, answers, today())}
    lookup = apply.form("174000000013")
    assert lookup is not None
    assert checks["174000000013"].offered
    fields = {
        s: {k.rsplit(".", 1)[1]: v for k, v in typed_fields([s]).items()} for s in checks if checks[s].offered
    }
    fields["174000000013"] |= {
        "deceased_name": "김나라",
        "deceased_birth_date": "1950-01-01",
        "relation_to_deceased": "parent",
    }
    request = apply.Request(
        person_id=BEREAVED, submission_key=uuid.uuid4().hex, household=found, checks=checks, bundle=spec,
        answers=answers, fields=fields,
    )  # fmt: skip
    with transaction(sessions) as session:
        done = apply.submit(session, request)
    parts = [a for a in done.applications if a.service_id == "174000000013"]
    assert sorted(str(a.part) for a in parts) == sorted(p.id for p in lookup.parts)
    assert len({a.office for a in parts}) == len(parts)  # 금감원, 국세청, 국토부, 연금공단, 시·군·구 세무과
    assert {a.submission_id for a in done.applications} == {done.id}
    assert all(a.answers["deceased_name"] == "김나라" for a in parts)
