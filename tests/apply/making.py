"""Factories for the apply tests: a consenting applicant's household, a 행복출산 request, an official."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from nara import apply, registry
from nara.kernel.clock import today
from nara.kernel.db import transaction

NEW_MOTHER = "SYN40"  # 1991-born, married, no children yet (the test population, seed 11)


def household(exchange: registry.Exchange, sessions: sessionmaker[Session], person_id: str,
              bundle_id: str = "birth") -> apply.Household:  # fmt: skip
    """The applicant's household as the registries give it, after the applicant consented."""
    spec = apply.bundle(bundle_id)
    assert spec is not None
    facts = apply.journey_facts(spec)
    with transaction(sessions) as session:
        given = apply.usable_consent(session, person_id, facts) or apply.give_consent(
            session, person_id, facts
        )
    return apply.read(exchange, person_id, given.id, facts)


def birth_answers(**overrides: Any) -> dict[str, str]:
    """Answers to 행복출산's questions: a baby born two weeks ago, with a name no other test uses."""
    answers = {
        "newborn.name": f"아기{uuid.uuid4().hex[:4]}",
        "newborn.birth_date": (today() - timedelta(days=14)).isoformat(),
        "newborn.sex": "female",
        "newborn.childcare": "none",
    }
    return answers | overrides


def birth_request(found: apply.Household, **overrides: Any) -> apply.Request:
    spec = apply.bundle("birth")
    assert spec is not None
    answers = apply.parse_answers(spec.questions, overrides.pop("answers", None) or birth_answers())
    checks = {c.service_id: c for c in apply.check_bundle(spec, found, answers, today())}
    fields = {s: _form_fields(s) for s in spec.all_services}
    values: dict[str, Any] = {"person_id": found.applicant, "submission_key": uuid.uuid4().hex,
                              "household": found, "checks": checks, "bundle": spec, "answers": answers,
                              "fields": fields}  # fmt: skip
    return apply.Request(**(values | overrides))


def _form_fields(service_id: str) -> dict[str, Any]:
    spec = apply.form(service_id)
    assert spec is not None
    return {f.name: next(iter(f.choices)) if f.choices else "테스트 입력" for f in spec.fields}


def official(office: str, *roles: str, account: str | None = None) -> apply.Official:
    return apply.Official(account or f"ACC-{uuid.uuid4().hex[:8]}", frozenset((office, r) for r in roles))


def typed_fields(service_ids: tuple[str, ...] | list[str]) -> dict[str, str]:
    """What a citizen types into each form's own fields, as the page names them (field.<service>.<name>)."""
    typed = {}
    for service_id in service_ids:
        spec = apply.form(service_id)
        assert spec is not None
        for f in spec.fields:
            value = {"choice": next(iter(f.choices), ""), "date": today().isoformat(), "phone": "010-2345-6789",
                     "number": "1", "account": "나라은행 123-456-7890"}.get(f.kind, "테스트 입력")  # fmt: skip
            typed[f"field.{service_id}.{f.name}"] = value
    return typed
