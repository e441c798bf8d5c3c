"""The citizen's consent that lets Nara read their household's facts to prepare an application."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from nara import consent
from nara.apply.household import CALLER, PURPOSE
from nara.kernel.clock import utcnow

CONSENT_DAYS = 90  # long enough to cover the review (처리기한) of the applications it serves


def usable(session: Session, person_id: str, facts: tuple[str, ...]) -> consent.Consent | None:
    """A live consent to ``nara:apply`` for benefit determination covering ``facts``, if the citizen gave one."""
    now, needed = utcnow(), set(facts)
    for given in consent.consents_of(session, person_id):
        ours = (given.recipient, given.purpose) == (CALLER, PURPOSE)
        if ours and given.status(now) == "active" and needed <= set(given.facts):
            return given
    return None


def give(session: Session, person_id: str, facts: tuple[str, ...]) -> consent.Consent:
    return consent.grant(
        session, person_id, recipient=CALLER, purpose=PURPOSE, facts=list(facts),
        valid_until=utcnow() + timedelta(days=CONSENT_DAYS),
    )  # fmt: skip
