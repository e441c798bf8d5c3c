"""Identity proofing at enrolment (본인확인): is this person who they say they are?

:class:`IdentityVerifier` is what a real 본인확인기관 (a mobile carrier's PASS, a 공동인증서 provider)
would implement: find the one resident matching what the person typed, and name the phone on record to
which a one-time code proves possession. :class:`SimulatedVerifier` answers from the synthetic resident
registry and a simulated carrier record — it is for development and tests only, and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from nara.identity.errors import ProofingFailed


@dataclass(frozen=True)
class ProvenResident:
    person_id: str
    display_name: str
    phone: str  # where the one-time code goes


class IdentityVerifier(Protocol):
    @property
    def name(self) -> str: ...

    def find(self, name: str, birth_date: date) -> ProvenResident:
        """The one resident with this name and birth date; :class:`ProofingFailed` otherwise."""
        ...


@dataclass(frozen=True)
class SimulatedVerifier:
    """개발용 본인확인: the synthetic resident registry plus a simulated carrier's phone record."""

    find_person_ids: Callable[[str, date], list[str]]
    phone_of: Callable[[str], str]
    name: str = "개발용 본인확인 (가상 주민등록·가상 통신사)"

    def find(self, name: str, birth_date: date) -> ProvenResident:
        matches = self.find_person_ids(name.strip(), birth_date)
        if len(matches) != 1:  # none, or two namesakes born the same day: a real provider asks for more
            raise ProofingFailed()
        return ProvenResident(matches[0], name.strip(), self.phone_of(matches[0]))
