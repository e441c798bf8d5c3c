"""Nara's own SD-JWT VCs: issued, presented and verified by this module (ES256 and EdDSA)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from joserfc.jwk import ECKey, OKPKey

from nara.wallet import SdJwtInvalid, inspect, issue, jose, present, to_json_serialisation, verify

NOW = 1_800_000_000
CLAIMS: dict[str, Any] = {
    "iss": "https://nara.example/issuer",
    "iat": NOW - 60,
    "exp": NOW + 86_400,
    "vct": "urn:nara:credential:resident-registration",
    "status": {"status_list": {"idx": 7, "uri": "https://nara.example/status/1"}},
    "name": "홍길동",
    "birthdate": "1990-03-01",
    "address": {"sido": "서울특별시", "sigungu": "종로구", "road": "세종대로 209"},
    "household": [{"relation": "본인", "name": "홍길동"}, {"relation": "자녀", "name": "홍하나"}],
    "over_19": True,
}
DISCLOSABLE = [("name",), ("birthdate",), ("address",), ("address", "*"), ("household", "*"), ("over_19",)]


@pytest.fixture(params=["ES256", "EdDSA"])
def keys(request: pytest.FixtureRequest) -> tuple[Any, Any]:
    if request.param == "ES256":
        return ECKey.generate_key("P-256"), ECKey.generate_key("P-256")
    return OKPKey.generate_key("Ed25519"), OKPKey.generate_key("Ed25519")


def _issue(keys: tuple[Any, Any], **options: Any) -> str:
    issuer, holder = keys
    return issue(
        CLAIMS,
        disclosable=DISCLOSABLE,
        issuer_key=issuer,
        holder_jwk=holder.as_dict(private=False),
        **options,
    )


def test_full_disclosure_round_trip(keys: tuple[Any, Any]) -> None:
    issued = _issue(keys)
    presentation = present(
        issued, disclose=lambda path: True, holder_key=keys[1], audience="v", nonce="n", iat=NOW
    )

    verified = verify(presentation, issuer_keys=keys[0], audience="v", nonce="n", now=NOW)

    assert {k: v for k, v in verified.claims.items() if k != "cnf"} == CLAIMS
    assert verified.key_bound
    assert verified.header["typ"] == "dc+sd-jwt"


def test_selective_disclosure_reveals_only_what_was_chosen(keys: tuple[Any, Any]) -> None:
    issued = _issue(keys)
    presentation = present(
        issued, disclose={("address", "sigungu"), ("household", 1), ("over_19",)},
        holder_key=keys[1], audience="v", nonce="n", iat=NOW,
    )  # fmt: skip

    verified = verify(presentation, issuer_keys=keys[0], audience="v", nonce="n", now=NOW)

    assert verified.claims["address"] == {"sigungu": "종로구"}
    assert verified.claims["household"] == [{"relation": "자녀", "name": "홍하나"}]
    assert verified.claims["over_19"] is True
    assert "name" not in verified.claims
    assert "birthdate" not in verified.claims
    assert set(verified.disclosed_paths) == {
        ("address",),
        ("address", "sigungu"),
        ("household", 0),
        ("over_19",),
    }


def test_always_visible_claims_stay_in_the_signed_payload(keys: tuple[Any, Any]) -> None:
    payload = inspect(_issue(keys)).payload

    for name in ("iss", "iat", "exp", "vct", "cnf", "status"):
        assert name in payload
    assert payload["_sd_alg"] == "sha-256"
    assert "d" not in payload["cnf"]["jwk"]


def test_always_visible_claims_cannot_be_made_disclosable(keys: tuple[Any, Any]) -> None:
    for name in ("iss", "exp", "vct", "status", "cnf"):
        with pytest.raises(ValueError, match="always visible"):
            issue(CLAIMS, disclosable=[(name,)], issuer_key=keys[0])


def test_a_top_level_wildcard_skips_the_always_visible_claims(keys: tuple[Any, Any]) -> None:
    payload = inspect(issue(CLAIMS, disclosable=[("*",)], issuer_key=keys[0])).payload

    assert {"iss", "iat", "exp", "vct", "status"} <= set(payload)
    assert "name" not in payload


def test_reserved_names_in_the_claims_are_refused(keys: tuple[Any, Any]) -> None:
    for claims in ({"_sd": []}, {"a": {"...": "x"}}, {"a": [{"_sd_alg": "x"}]}):
        with pytest.raises(ValueError, match="reserved"):
            issue(claims, disclosable=[], issuer_key=keys[0])


def test_decoys_are_added_and_sorted(keys: tuple[Any, Any]) -> None:
    issued = issue(CLAIMS, disclosable=[("name",)], issuer_key=keys[0], decoys=5)
    digests = inspect(issued).payload["_sd"]

    assert len(digests) == 6
    assert digests == sorted(digests)


def test_salts_are_128_bit_and_unique(keys: tuple[Any, Any]) -> None:
    disclosures = inspect(_issue(keys)).disclosures
    salts = [disclosure.salt for _, disclosure in disclosures]

    assert len(set(salts)) == len(salts)
    assert all(len(jose.b64url_decode(salt)) == 16 for salt in salts)


def test_inspect_lists_every_disclosable_path(keys: tuple[Any, Any]) -> None:
    paths = {path for path, _ in inspect(_issue(keys)).disclosures}

    assert paths == {
        ("name",), ("birthdate",), ("address",), ("address", "sido"), ("address", "sigungu"),
        ("address", "road"), ("household", 0), ("household", 1), ("over_19",),
    }  # fmt: skip


def test_present_without_holder_key_and_verify_without_key_binding(keys: tuple[Any, Any]) -> None:
    presentation = present(_issue(keys), disclose={("name",)})

    verified = verify(presentation, issuer_keys=keys[0], now=NOW)

    assert presentation.endswith("~")
    assert verified.claims["name"] == "홍길동"
    assert not verified.key_bound


def test_json_serialisation_of_our_presentation(keys: tuple[Any, Any]) -> None:
    presentation = present(
        _issue(keys), disclose={("name",)}, holder_key=keys[1], audience="v", nonce="n", iat=NOW
    )

    for general in (False, True):
        document = to_json_serialisation(presentation, general=general)
        verified = verify(json.dumps(document), issuer_keys=keys[0], audience="v", nonce="n", now=NOW)
        assert verified.claims["name"] == "홍길동"
        assert verify(document, issuer_keys=keys[0], audience="v", nonce="n", now=NOW).key_bound


def test_present_needs_audience_and_nonce_for_key_binding(keys: tuple[Any, Any]) -> None:
    with pytest.raises(ValueError, match="audience and nonce"):
        present(_issue(keys), disclose=set(), holder_key=keys[1], audience="v")


def test_a_presentation_bound_to_one_verifier_fails_at_another(keys: tuple[Any, Any]) -> None:
    presentation = present(
        _issue(keys), disclose={("name",)}, holder_key=keys[1], audience="a", nonce="n", iat=NOW
    )

    with pytest.raises(SdJwtInvalid) as refused:
        verify(presentation, issuer_keys=keys[0], audience="b", nonce="n", now=NOW)
    assert refused.value.code == "sdjwt.kb_audience"


def test_es384_issuer(keys: tuple[Any, Any]) -> None:
    issuer = ECKey.generate_key("P-384")
    issued = issue(CLAIMS, disclosable=DISCLOSABLE, issuer_key=issuer)

    verified = verify(present(issued, disclose={("name",)}), issuer_keys=issuer, now=NOW)

    assert verified.header["alg"] == "ES384"


def test_arrays_carry_decoys_and_indices_count_only_real_elements(keys: tuple[Any, Any]) -> None:
    issued = _issue(keys, decoys=3)
    concealed = inspect(issued).payload["household"]
    assert len(concealed) == len(CLAIMS["household"]) + 3  # the length does not give the household away
    second_only = present(
        issued, disclose={("household", 1)}, holder_key=keys[1], audience="v", nonce="n", iat=NOW
    )
    verified = verify(second_only, issuer_keys=keys[0], audience="v", nonce="n", now=NOW)
    assert verified.claims["household"] == [CLAIMS["household"][1]]  # decoys are dropped, not counted
    everything = present(
        issued, disclose=lambda path: True, holder_key=keys[1], audience="v", nonce="n", iat=NOW
    )
    assert (
        verify(everything, issuer_keys=keys[0], audience="v", nonce="n", now=NOW).claims["household"]
        == CLAIMS["household"]
    )
