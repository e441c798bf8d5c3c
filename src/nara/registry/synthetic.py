"""Names, addresses, photo hashes and tax arrears for the synthetic population, which has none of them.

Deterministic from the person and household ids, so a reload gives everyone the same name. Surnames
follow their shares in 2015 인구주택총조사 성씨·본관 (KOSIS, 통계청): 김 21.5 %, 이 14.7 %, 박 8.4 %,
최 4.7 %, 정 4.3 %, …; given names are two syllables from common name syllables. Road names are made up
("나라로 …길") so no address is a real one.

Tax arrears (체납) are a made-up rate, not a statistic: ``ARREARS_PER_MILLE`` of adults (19 or older on the
day the registries are loaded) are drawn as having some. Photos do not exist: the resident registry holds
the SHA-256 of a made-up photo identifier, so a 모바일 신분증 carries a hash of the right shape.
"""

from __future__ import annotations

import hashlib
from bisect import bisect
from datetime import date
from itertools import accumulate

from nara.registry.catalogue import region_names
from nara.rules import full_years

_SURNAMES = (
    ("김", 21.5), ("이", 14.7), ("박", 8.4), ("최", 4.7), ("정", 4.3), ("강", 2.4), ("조", 2.1),
    ("윤", 2.1), ("장", 2.0), ("임", 1.7), ("한", 1.5), ("오", 1.5), ("서", 1.5), ("신", 1.4),
    ("권", 1.4), ("황", 1.4), ("안", 1.4), ("송", 1.3), ("전", 1.1), ("홍", 1.1),
)  # fmt: skip
_FIRST = "민서지하도예수현준윤은채유소시다주성영정혜태경"
_SECOND = "준윤우서진호연민아은희수원빈현재영훈지석"
_CUMULATIVE = tuple(accumulate(share for _, share in _SURNAMES))


def _draw(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")


def surname(household_id: str, relation: str) -> str:
    """Spouses keep their own surname; everyone else in a household shares the head's."""
    key = f"{household_id}:spouse" if relation == "spouse" else household_id
    point = (_draw(key) % 10_000) / 10_000 * _CUMULATIVE[-1]
    return _SURNAMES[min(bisect(_CUMULATIVE, point), len(_SURNAMES) - 1)][0]


def person_name(person_id: str, household_id: str, relation: str) -> str:
    draw = _draw(person_id)
    return surname(household_id, relation) + _FIRST[draw % len(_FIRST)] + _SECOND[(draw >> 16) % len(_SECOND)]


def address(household_id: str, region: str) -> str:
    """A made-up road address in the household's real 시군구, e.g. "서울특별시 종로구 나라로12길 34"."""
    draw = _draw(f"address:{household_id}")
    place = region_names().get(region, region)
    return f"{place} 나라로{draw % 90 + 1}길 {(draw >> 8) % 200 + 1}"


def mobile_phone(person_id: str) -> str:
    """The phone a simulated 본인확인 provider has on record for a person: "010-XXXX-XXXX", deterministic.

    The resident registry holds no phone numbers; real identity proofing asks a mobile carrier (PASS)
    or another 본인확인기관. This stands in for that record, for synthetic residents only."""
    draw = _draw(f"phone:{person_id}")
    return f"010-{draw % 9000 + 1000:04d}-{(draw >> 20) % 10000:04d}"


ARREARS_PER_MILLE = 20  # about 2 % of adults: synthetic, not a statistic
ADULT_AGE = 19


def tax_arrears(person_id: str, born: date, on: date) -> bool:
    """Whether the synthetic tax registry lists this person as having arrears (체납) on ``on``.

    Children never have any; an adult's draw depends on the person id only, so a reload agrees.

    >>> tax_arrears("SYN1", date(2020, 1, 1), date(2026, 1, 1))
    False
    """
    return full_years(born, on) >= ADULT_AGE and _draw(f"tax:{person_id}") % 1000 < ARREARS_PER_MILLE


def photo_hash(person_id: str) -> str:
    """The SHA-256 (hex) of a made-up photo identifier: what the registry keeps of a synthetic photo.

    >>> len(photo_hash("SYN1")), photo_hash("SYN1") == photo_hash("SYN1") != photo_hash("SYN2")
    (64, True)
    """
    return hashlib.sha256(f"nara-synthetic-photo:{person_id}".encode()).hexdigest()
