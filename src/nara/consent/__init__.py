"""Consent (MyData 동의): what a citizen lets whom read, for what, until when; and 복지멤버십."""

from nara.consent.errors import ConsentInvalid, ConsentNotFound, ConsentRefused
from nara.consent.services import (
    MEMBERSHIP_PURPOSE,
    MEMBERSHIP_RECIPIENT,
    Consent,
    check,
    consents_of,
    find,
    grant,
    join_membership,
    leave_membership,
    members,
    membership,
    memberships,
    revoke,
)

__all__ = [
    "MEMBERSHIP_PURPOSE",
    "MEMBERSHIP_RECIPIENT",
    "Consent",
    "ConsentInvalid",
    "ConsentNotFound",
    "ConsentRefused",
    "check",
    "consents_of",
    "find",
    "grant",
    "join_membership",
    "leave_membership",
    "members",
    "membership",
    "memberships",
    "revoke",
]
