"""Token Status List: the draft's examples, large lists, tokens and the verifier's cache."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest
from joserfc.jwk import ECKey
from tests.wallet.vectors import require_vectors

from nara.wallet import (
    INVALID,
    SUPERSEDED,
    SUSPENDED,
    VALID,
    StatusList,
    StatusListCache,
    StatusListInvalid,
    random_free_index,
    read_status_list_token,
    status_list_token,
    verify_status_list_token,
)

URI = "https://nara.example/status/1"


def _example(name: str) -> dict[str, Any]:
    text = (require_vectors() / "token-status-list-examples" / name).read_text()
    example: dict[str, Any] = json.loads(re.sub(r"\n\s*", "", text[text.index("{") :]))
    return example


# The draft's small examples give the byte array; the encoding must be exactly the draft's ``lst``.
@pytest.mark.parametrize(
    ("name", "byte_array", "statuses"),
    [
        ("status_list_encoding_json.md", [0xB9, 0xA3], [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]),
        ("status_list_encoding2_json.md", [0xC9, 0x44, 0xF9], [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]),
    ],
)
def test_small_examples_encode_and_decode_exactly(
    name: str, byte_array: list[int], statuses: list[int]
) -> None:
    example = _example(name)
    built = StatusList.from_statuses(statuses, example["bits"])

    assert built.to_bytes() == bytes(byte_array)
    assert built.encode() == example["lst"]
    decoded = StatusList.decode(example["lst"], example["bits"])
    assert [decoded.get(i) for i in range(len(statuses))] == statuses


# The draft's test vectors of 2^20 entries (its appendix lists the entries that are not VALID).
LONG_EXAMPLES = {
    "status_list_encoding1_long_json.md": {
        0: 1, 1993: 1, 25460: 1, 159495: 1, 495669: 1, 554353: 1,
        645645: 1, 723232: 1, 854545: 1, 934534: 1, 1000345: 1,
    },
    "status_list_encoding2_long_json.md": {
        0: 1, 1993: 2, 25460: 1, 159495: 3, 495669: 1, 554353: 1,
        645645: 2, 723232: 1, 854545: 1, 934534: 2, 1000345: 3,
    },
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(LONG_EXAMPLES))
def test_long_examples_decode_to_the_drafts_statuses_and_encode_back(name: str) -> None:
    example, expected = _example(name), LONG_EXAMPLES[name]
    decoded = StatusList.decode(example["lst"], example["bits"])

    assert len(decoded) == 2**20
    assert {i: decoded.get(i) for i in expected} == expected
    rebuilt = StatusList(2**20, example["bits"])
    for index, status in expected.items():
        rebuilt.set(index, status)
    assert rebuilt == decoded
    assert StatusList.decode(rebuilt.encode(), example["bits"]) == decoded


def test_eight_bit_example_holds_the_drafts_first_statuses() -> None:
    example = _example("status_list_encoding8_json.md")
    decoded = StatusList.decode(example["lst"], 8)

    assert len(decoded) == 2**20
    assert [decoded.get(i) for i in (233_478, 52_451, 576_778, 513_575, 468_106)] == [0, 1, 2, 3, 4]


def test_jwt_example_payload_decodes() -> None:
    text = (require_vectors() / "token-status-list-examples" / "status_list_jwt.md").read_text()
    payload = json.loads(text.split("\n.\n")[1])
    decoded = StatusList.decode(payload["status_list"]["lst"], payload["status_list"]["bits"])

    assert [decoded.get(i) for i in range(16)] == [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]


@pytest.mark.parametrize("bits", [1, 2, 4, 8])
def test_random_round_trip_of_two_to_the_twenty_entries(bits: int) -> None:
    rng = random.Random(bits)
    statuses = [rng.randrange(1 << bits) if rng.random() < 0.01 else VALID for _ in range(2**20)]

    decoded = StatusList.decode(StatusList.from_statuses(statuses, bits).encode(), bits)

    assert len(decoded) == 2**20
    assert all(decoded.get(i) == status for i, status in enumerate(statuses) if status)
    assert decoded == StatusList.from_statuses(statuses, bits)


def test_set_and_get_keep_neighbours() -> None:
    statuses = StatusList(10, bits=2)
    statuses.set(4, SUPERSEDED)
    statuses.set(5, SUSPENDED)
    statuses.set(4, INVALID)

    assert [statuses.get(i) for i in range(10)] == [0, 0, 0, 0, 1, 2, 0, 0, 0, 0]
    with pytest.raises(ValueError, match="does not fit"):
        statuses.set(1, 4)
    with pytest.raises(StatusListInvalid) as refused:
        statuses.get(10)
    assert refused.value.code == "status_list.index"


@pytest.mark.parametrize("lst", ["***", "eNo", "AAAA", ""])
def test_malformed_lst(lst: str) -> None:
    with pytest.raises(StatusListInvalid) as refused:
        StatusList.decode(lst, 1)
    assert refused.value.code == "status_list.malformed"


def test_decompression_is_bounded() -> None:
    huge = StatusList(8 * 1024 * 1024, bits=8).encode()

    with pytest.raises(StatusListInvalid):
        StatusList.decode(huge, 8, max_bytes=1024 * 1024)


def test_random_free_index_avoids_used_entries() -> None:
    used = set(range(0, 1000, 2))
    rng = random.Random(3)

    picks = {random_free_index(used, 1000, rng) for _ in range(200)}

    assert picks
    assert not picks & used
    assert random_free_index(set(range(999)), 1000, rng) == 999
    with pytest.raises(ValueError, match="full"):
        random_free_index(set(range(10)), 10)


def test_random_free_index_reads_a_bitmap() -> None:
    bitmap = bytearray(b"\xff" * 128)
    bitmap[100] = 0b1111_0111  # index 803 is free

    assert random_free_index(bitmap, 1024) == 803


# --- tokens and the cache ---------------------------------------------------------------------------

KEY = ECKey.generate_key("P-256")


def _token(statuses: StatusList, **options: Any) -> str:
    return status_list_token(statuses, **({"uri": URI, "issuer_key": KEY, "ttl": 600, "iat": 1000} | options))


def test_token_round_trip() -> None:
    statuses = StatusList(64, bits=2)
    statuses.set(9, INVALID)

    read = read_status_list_token(_token(statuses, exp=5000), KEY, uri=URI, now=1200)

    assert read.status_list == statuses
    assert (read.ttl, read.exp) == (600, 5000)
    assert verify_status_list_token(_token(statuses), KEY, uri=URI, now=1200).get(9) == INVALID


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"uri": "https://nara.example/status/2"}, "status_list.sub"),
        ({"exp": 1100}, "status_list.expired"),
        ({"issuer_key": ECKey.generate_key("P-256")}, "status_list.signature"),
    ],
)
def test_token_refusals(change: dict[str, Any], code: str) -> None:
    token = _token(StatusList(8, bits=1), **change)

    with pytest.raises(StatusListInvalid) as refused:
        verify_status_list_token(token, KEY, uri=URI, now=1200)
    assert refused.value.code == code


def test_token_of_another_type_is_refused() -> None:
    from nara.wallet import jose

    token = jose.sign_compact({"alg": "ES256", "typ": "JWT"}, {"sub": URI, "iat": 1}, KEY)
    with pytest.raises(StatusListInvalid) as refused:
        verify_status_list_token(token, KEY, uri=URI, now=2)
    assert refused.value.code == "status_list.typ"


def test_cache_fetches_once_per_ttl() -> None:
    statuses = StatusList(32, bits=2)
    statuses.set(3, SUSPENDED)
    clock = [1000.0]
    served = {URI: _token(statuses, ttl=300)}
    cache = StatusListCache(served.__getitem__, KEY, clock=lambda: clock[0])

    for _ in range(50):
        assert cache.status({"status_list": {"idx": 3, "uri": URI}}) == SUSPENDED
    assert cache.fetches == 1

    statuses.set(3, VALID)
    served[URI] = _token(statuses, ttl=300, iat=1299)
    clock[0] = 1299.0
    assert cache.status({"status_list": {"idx": 3, "uri": URI}}) == SUSPENDED  # still fresh
    clock[0] = 1300.0
    assert cache.status({"status_list": {"idx": 3, "uri": URI}}) == VALID
    assert cache.fetches == 2


def test_cache_reports_a_failed_fetch() -> None:
    def unreachable(uri: str) -> str:
        raise ConnectionError("no route")

    cache = StatusListCache(unreachable, KEY, clock=lambda: 1000.0)
    with pytest.raises(StatusListInvalid) as refused:
        cache.get(URI)
    assert refused.value.code == "status_list.fetch"
