"""Each way a presentation can be wrong is refused with its own stable code (RFC 9901 §7).

The first group changes the RFC 9901 vectors (``simple``: compact with key binding;
``json_serialization_flattened``); the second signs crafted payloads with a fresh key, for rules the
vectors never break (reserved names, duplicate digests, collisions, disclosed ``exp``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from joserfc.jwk import ECKey, OKPKey
from tests.wallet.vectors import Vector, all_vectors, require_vectors

from nara.wallet import SdJwtInvalid, issue, jose, present, sdjwt, verify
from nara.wallet.errors import SDJWT_MESSAGES_KO


def _vector(vector_id: str) -> Vector:
    require_vectors()
    return next(v for v in all_vectors() if v.id == vector_id)


@pytest.fixture
def simple() -> Vector:
    return _vector("rfc9901-examples/simple")


@pytest.fixture
def flattened() -> Vector:
    return _vector("rfc9901-examples/json_serialization_flattened")


def _refused(code: str, call: Callable[[], Any]) -> SdJwtInvalid:
    with pytest.raises(SdJwtInvalid) as raised:
        call()
    assert raised.value.code == code, raised.value.message
    assert raised.value.message_ko == SDJWT_MESSAGES_KO[code]
    return raised.value


def _check(vector: Vector, presentation: str | None = None, **overrides: Any) -> sdjwt.Verified:
    options: dict[str, Any] = {
        "issuer_keys": vector.issuer_jwk,
        "expected_typ": vector.typ,
        "now": vector.now,
        "audience": vector.audience,
        "nonce": vector.nonce,
    }
    return verify(vector.presentation if presentation is None else presentation, **(options | overrides))


def _parts(vector: Vector) -> tuple[str, list[str], str]:
    jws, *disclosures, kb_jwt = vector.presentation.split("~")
    return jws, disclosures, kb_jwt


def _compact(jws: str, disclosures: list[str], kb_jwt: str = "") -> str:
    return "~".join([jws, *disclosures, kb_jwt])


# --- variants of the vectors ------------------------------------------------------------------------


def test_expired_after_exp(simple: Vector) -> None:
    _refused("sdjwt.expired", lambda: _check(simple, now=simple.exp + 3600))


def test_not_yet_valid_before_iat(simple: Vector) -> None:
    _refused("sdjwt.not_yet_valid", lambda: _check(simple, now=simple.iat - 3600))


def test_dropped_disclosure_breaks_the_kb_jwt_sd_hash(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    _refused("sdjwt.sd_hash", lambda: _check(simple, _compact(jws, disclosures[1:], kb_jwt)))


def test_tampered_disclosure_is_unreferenced(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    salt, name, _ = json.loads(jose.b64url_decode(disclosures[0]))
    forged = jose.b64url_encode(json.dumps([salt, name, "Mallory"]).encode())
    _refused(
        "sdjwt.disclosure_unreferenced",
        lambda: _check(simple, _compact(jws, [forged, *disclosures[1:]], kb_jwt)),
    )


def test_wrong_nonce(simple: Vector) -> None:
    _refused("sdjwt.kb_nonce", lambda: _check(simple, nonce="another-nonce"))


def test_wrong_audience(simple: Vector) -> None:
    _refused("sdjwt.kb_audience", lambda: _check(simple, audience="https://other-verifier.example"))


def test_stale_kb_iat(simple: Vector) -> None:
    _refused("sdjwt.kb_iat", lambda: _check(simple, now=simple.now + 3600))


def test_kb_iat_in_the_future(simple: Vector) -> None:
    _refused("sdjwt.kb_iat", lambda: _check(simple, now=simple.now - 3600))


def test_kb_max_age_is_a_parameter(simple: Vector) -> None:
    assert _check(simple, now=simple.now + 3600, kb_max_age=7200).key_bound


def test_json_serialisation_with_a_dropped_disclosure_breaks_sd_hash(flattened: Vector) -> None:
    document = json.loads(flattened.presentation)
    document["header"]["disclosures"] = document["header"]["disclosures"][1:]
    _refused("sdjwt.sd_hash", lambda: _check(flattened, json.dumps(document)))


def test_json_serialisation_with_a_swapped_kb_jwt_breaks_sd_hash(flattened: Vector, simple: Vector) -> None:
    document = json.loads(flattened.presentation)
    document["header"]["kb_jwt"] = _parts(simple)[2]
    _refused("sdjwt.sd_hash", lambda: _check(flattened, json.dumps(document)))


def test_wrong_typ(simple: Vector) -> None:
    _refused("sdjwt.typ", lambda: _check(simple, expected_typ="dc+sd-jwt"))


def test_duplicate_disclosure(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    _refused(
        "sdjwt.duplicate_disclosure",
        lambda: _check(simple, _compact(jws, [*disclosures, disclosures[0]], kb_jwt)),
    )


def test_none_alg(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    header = jose.b64url_encode(json.dumps({"alg": "none", "typ": simple.typ}).encode())
    unsigned = f"{header}.{jws.split('.')[1]}."
    _refused("sdjwt.alg_not_allowed", lambda: _check(simple, _compact(unsigned, disclosures, kb_jwt)))
    _refused("sdjwt.alg_not_allowed", lambda: _check(simple, allowed_algs=("EdDSA",)))


def test_unreferenced_disclosure(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    stray = jose.b64url_encode(json.dumps(["c2FsdHNhbHRzYWx0", "email", "x@example.com"]).encode())
    _refused(
        "sdjwt.disclosure_unreferenced", lambda: _check(simple, _compact(jws, [*disclosures, stray], kb_jwt))
    )


def test_malformed_disclosures(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    for bad in (
        "not*base64",
        jose.b64url_encode(b"not json"),
        jose.b64url_encode(json.dumps({"salt": "s"}).encode()),
        jose.b64url_encode(json.dumps(["only-salt"]).encode()),
        jose.b64url_encode(json.dumps(["s", "name", "value", "extra"]).encode()),
        jose.b64url_encode(json.dumps([1, "name", "value"]).encode()),
        jose.b64url_encode(json.dumps(["s", 7, "value"]).encode()),
    ):
        _refused(
            "sdjwt.disclosure_malformed",
            lambda bad=bad: _check(simple, _compact(jws, [bad, *disclosures], kb_jwt)),
        )


def test_forged_issuer_signature(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    header, payload, signature = jws.split(".")
    claims = json.loads(jose.b64url_decode(payload))
    claims["sub"] = "someone_else"
    forged = f"{header}.{jose.b64url_encode(json.dumps(claims).encode())}.{signature}"
    _refused("sdjwt.signature", lambda: _check(simple, _compact(forged, disclosures, kb_jwt)))


def test_other_issuer_key(simple: Vector) -> None:
    other = ECKey.generate_key("P-256").as_dict(private=False)
    _refused("sdjwt.signature", lambda: _check(simple, issuer_keys=other))
    _refused("sdjwt.signature", lambda: _check(simple, issuer_keys=OKPKey.generate_key("Ed25519")))


def test_missing_kb_jwt_when_expected(simple: Vector) -> None:
    jws, disclosures, _ = _parts(simple)
    bare = _compact(jws, disclosures)
    _refused("sdjwt.kb_missing", lambda: _check(simple, bare))
    _refused(
        "sdjwt.kb_missing", lambda: _check(simple, bare, audience=None, nonce=None, require_key_binding=True)
    )
    assert not _check(simple, bare, audience=None, nonce=None).key_bound


def test_kb_jwt_signed_by_another_key(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    kb_payload = json.loads(jose.b64url_decode(kb_jwt.split(".")[1]))
    resigned = jose.sign_compact({"alg": "ES256", "typ": "kb+jwt"}, kb_payload, ECKey.generate_key("P-256"))
    _refused("sdjwt.kb_signature", lambda: _check(simple, _compact(jws, disclosures, resigned)))


def test_kb_jwt_typ(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    kb_payload = json.loads(jose.b64url_decode(kb_jwt.split(".")[1]))
    resigned = jose.sign_compact({"alg": "ES256", "typ": "JWT"}, kb_payload, simple.holder_private_jwk)
    _refused("sdjwt.kb_typ", lambda: _check(simple, _compact(jws, disclosures, resigned)))


def test_kb_jwt_alg_none(simple: Vector) -> None:
    jws, disclosures, kb_jwt = _parts(simple)
    header = jose.b64url_encode(json.dumps({"alg": "none", "typ": "kb+jwt"}).encode())
    unsigned = f"{header}.{kb_jwt.split('.')[1]}."
    _refused("sdjwt.alg_not_allowed", lambda: _check(simple, _compact(jws, disclosures, unsigned)))


@pytest.mark.parametrize(
    "text",
    ["", "no-tilde-at-all", "a.b~", "a.b.c~~x~", "{not json", "[]", '{"payload": "x"}', '{"signatures": []}'],
)
def test_malformed_serialisations(text: str) -> None:
    _refused("sdjwt.malformed", lambda: verify(text, issuer_keys=ECKey.generate_key("P-256")))


# --- crafted SD-JWTs --------------------------------------------------------------------------------

ISSUER = ECKey.generate_key("P-256")
HOLDER = ECKey.generate_key("P-256")
NOW = 1_800_000_000


def _disclosure(*items: Any) -> tuple[str, str]:
    encoded = jose.b64url_encode(json.dumps(list(items)).encode())
    return encoded, sdjwt._digest(sdjwt.HASH_ALGORITHMS["sha-256"], encoded)


def _signed(payload: dict[str, Any], disclosures: list[str], typ: str = "dc+sd-jwt") -> str:
    body = {"iss": "https://nara.example", "iat": NOW - 60, "vct": "urn:nara:test", **payload}
    return _compact(jose.sign_compact({"alg": "ES256", "typ": typ}, body, ISSUER), disclosures)


def _verify_crafted(presentation: str, **overrides: Any) -> sdjwt.Verified:
    return verify(presentation, **({"issuer_keys": ISSUER, "now": NOW} | overrides))


@pytest.mark.parametrize("name", ["_sd", "..."])
def test_reserved_claim_name_in_a_disclosure(name: str) -> None:
    encoded, digest = _disclosure("c2FsdA", name, "x")
    _refused("sdjwt.reserved_name", lambda: _verify_crafted(_signed({"_sd": [digest]}, [encoded])))


def test_duplicate_digest_even_if_undisclosed() -> None:
    _, digest = _disclosure("c2FsdA", "a", 1)
    nested = {"_sd": [digest], "b": {"_sd": [digest]}}
    _refused("sdjwt.duplicate_digest", lambda: _verify_crafted(_signed(nested, [])))
    in_array = {"list": [{"...": digest}, {"...": digest}]}
    _refused("sdjwt.duplicate_digest", lambda: _verify_crafted(_signed(in_array, [])))


def test_disclosed_name_colliding_with_a_plain_claim() -> None:
    encoded, digest = _disclosure("c2FsdA", "name", "disclosed")
    _refused(
        "sdjwt.claim_collision",
        lambda: _verify_crafted(_signed({"name": "plain", "_sd": [digest]}, [encoded])),
    )


def test_disclosure_kind_must_fit_where_it_is_referenced() -> None:
    element, element_digest = _disclosure("c2FsdA", "value")
    _refused(
        "sdjwt.disclosure_malformed", lambda: _verify_crafted(_signed({"_sd": [element_digest]}, [element]))
    )
    prop, prop_digest = _disclosure("c2FsdA", "name", "value")
    _refused(
        "sdjwt.disclosure_malformed",
        lambda: _verify_crafted(_signed({"list": [{"...": prop_digest}]}, [prop])),
    )


def test_array_digest_object_must_have_only_the_dots_key() -> None:
    _, digest = _disclosure("c2FsdA", "value")
    _refused("sdjwt.malformed", lambda: _verify_crafted(_signed({"list": [{"...": digest, "x": 1}]}, [])))


def test_sd_must_be_an_array_of_strings() -> None:
    _refused("sdjwt.malformed", lambda: _verify_crafted(_signed({"_sd": "abc"}, [])))
    _refused("sdjwt.malformed", lambda: _verify_crafted(_signed({"_sd": [1]}, [])))


def test_unsupported_sd_alg() -> None:
    _refused("sdjwt.sd_alg", lambda: _verify_crafted(_signed({"_sd_alg": "md5"}, [])))


def test_sha_512_sd_alg_is_supported() -> None:
    encoded = jose.b64url_encode(json.dumps(["c2FsdA", "name", "x"]).encode())
    digest = sdjwt._digest(sdjwt.HASH_ALGORITHMS["sha-512"], encoded)
    assert _verify_crafted(_signed({"_sd_alg": "sha-512", "_sd": [digest]}, [encoded])).claims["name"] == "x"


def test_validity_is_checked_after_disclosures_are_processed() -> None:
    encoded, digest = _disclosure("c2FsdA", "exp", NOW - 3600)
    hidden = _signed({"_sd": [digest]}, [])
    assert "exp" not in _verify_crafted(hidden).claims
    _refused("sdjwt.expired", lambda: _verify_crafted(_signed({"_sd": [digest]}, [encoded])))


def test_leeway_is_a_parameter() -> None:
    token = _signed({"exp": NOW - 10}, [])
    assert _verify_crafted(token, leeway=30).claims["exp"] == NOW - 10
    _refused("sdjwt.expired", lambda: _verify_crafted(token, leeway=0))


def test_non_numeric_exp() -> None:
    _refused("sdjwt.malformed", lambda: _verify_crafted(_signed({"exp": "tomorrow"}, [])))


def test_kb_jwt_without_cnf_in_the_credential() -> None:
    issued = issue({"iss": "https://nara.example", "name": "x"}, disclosable=[("name",)], issuer_key=ISSUER)
    presentation = present(issued, disclose={("name",)})
    kb = jose.sign_compact(
        {"alg": "ES256", "typ": "kb+jwt"},
        {
            "iat": NOW,
            "aud": "v",
            "nonce": "n",
            "sd_hash": sdjwt._digest(sdjwt.HASH_ALGORITHMS["sha-256"], presentation),
        },
        HOLDER,
    )
    _refused("sdjwt.kb_key", lambda: _verify_crafted(presentation + kb, audience="v", nonce="n"))


def test_legacy_typ_only_with_the_flag() -> None:
    issued = issue(
        {"iss": "https://nara.example", "name": "x"},
        disclosable=[("name",)],
        issuer_key=ISSUER,
        typ="vc+sd-jwt",
    )
    _refused("sdjwt.typ", lambda: _verify_crafted(issued))
    assert _verify_crafted(issued, accept_legacy_typ=True).claims["name"] == "x"


def test_every_code_has_korean_text() -> None:
    assert all(text.strip() for text in SDJWT_MESSAGES_KO.values())
    error = SdJwtInvalid("sdjwt.kb_nonce", "nonce mismatch")
    assert error.problem()["code"] == "sdjwt.kb_nonce"
    assert str(error) == "sdjwt.kb_nonce: nonce mismatch"
