"""Consents: given, listed, checked against each part of a request, revoked with immediate effect."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from nara import consent
from nara.kernel.clock import utcnow


def give(session: Session, subject: str = "SYN1", **changes: Any) -> consent.Consent:
    fields: dict[str, Any] = {
        "recipient": "third_party:maum-app",
        "purpose": "eligibility_check",
        "facts": ["member.birth_date", "household.size"],
        "valid_until": utcnow() + timedelta(days=30),
    }
    return consent.grant(session, subject, **(fields | changes))


def check(session: Session, given: consent.Consent, **changes: Any) -> consent.Consent:
    request: dict[str, Any] = {
        "subject": given.subject,
        "recipient": given.recipient,
        "purpose": given.purpose,
        "facts": given.facts,
    }
    return consent.check(session, given.id, **(request | changes))


def test_a_consent_allows_exactly_what_it_names(session: Session) -> None:
    given = give(session)
    assert check(session, given).id == given.id
    assert check(session, given, facts=["household.size"]).id == given.id
    refusals = {
        "consent.other_subject": {"subject": "SYN2"},
        "consent.other_recipient": {"recipient": "third_party:other"},
        "consent.other_purpose": {"purpose": "benefit_determination"},
        "consent.facts_not_covered": {"facts": ["household.assets"]},
    }
    for code, change in refusals.items():
        with pytest.raises(consent.ConsentRefused) as refused:
            check(session, given, **change)
        assert refused.value.code == code


def test_revoking_stops_the_next_check(session: Session) -> None:
    given = give(session)
    consent.revoke(session, "SYN1", given.id)
    with pytest.raises(consent.ConsentRefused) as refused:
        check(session, given)
    assert refused.value.code == "consent.revoked"
    assert consent.consents_of(session, "SYN1")[0].status(utcnow()) == "revoked"


def test_an_expired_consent_is_refused(session: Session) -> None:
    given = give(session, valid_until=utcnow() + timedelta(seconds=1))
    later = given.valid_until + timedelta(seconds=1)  # type: ignore[operator]
    assert given.status(later) == "expired"
    from nara.consent.models import ConsentGrant

    row = session.get(ConsentGrant, given.id)
    assert row is not None
    row.valid_until = utcnow() - timedelta(minutes=1)
    session.flush()
    with pytest.raises(consent.ConsentRefused) as refused:
        check(session, given)
    assert refused.value.code == "consent.expired"


def test_nobody_revokes_someone_elses_consent(session: Session) -> None:
    given = give(session, subject="SYN1")
    with pytest.raises(consent.ConsentNotFound):
        consent.revoke(session, "SYN-CT2", given.id)
    assert consent.consents_of(session, "SYN-CT2") == []
    assert check(session, given).revoked_at is None


def test_bad_consents_are_refused_with_the_field(session: Session) -> None:
    with pytest.raises(consent.ConsentInvalid) as no_facts:
        give(session, facts=[])
    assert no_facts.value.fields["field"] == "facts"
    with pytest.raises(consent.ConsentInvalid) as past:
        give(session, valid_until=utcnow() - timedelta(days=1))
    assert past.value.fields["field"] == "valid_until"


def test_membership_is_a_standing_consent_that_can_be_left(session: Session) -> None:
    joined = consent.join_membership(session, "SYN3", ["household.size", "member.birth_date"])
    assert (joined.kind, joined.valid_until, joined.recipient) == (
        "membership",
        None,
        consent.MEMBERSHIP_RECIPIENT,
    )
    assert consent.join_membership(session, "SYN3", ["household.size"]).id == joined.id  # joining twice: one
    assert consent.membership(session, "SYN3") is not None
    consent.leave_membership(session, "SYN3")
    assert consent.membership(session, "SYN3") is None
    with pytest.raises(consent.ConsentRefused):
        check(session, joined)


def test_members_are_the_citizens_with_membership_in_force(session: Session) -> None:
    facts = ["household.size", "member.birth_date"]
    before = utcnow()
    for subject in ("SYN-M2", "SYN-M1", "SYN-M3"):
        consent.join_membership(session, subject, facts)
    give(session, subject="SYN-M4")  # an ordinary consent is not membership
    consent.leave_membership(session, "SYN-M3")
    consent.join_membership(session, "SYN-M1", facts)  # joining twice: still one member
    now = utcnow()
    mine = [person for person in consent.members(session, now) if person.startswith("SYN-M")]
    assert mine == ["SYN-M1", "SYN-M2"]
    assert [c.subject for c in consent.memberships(session, now) if c.subject.startswith("SYN-M")] == mine
    assert not [p for p in consent.members(session, before - timedelta(seconds=1)) if p.startswith("SYN-M")]
