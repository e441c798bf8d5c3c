"""Compact JWS with Ed25519: what Nara signs another library verifies, and nothing else gets through."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.jwk import OKPKey

from nara.kernel.signing import SignatureInvalid, SigningKey, read_jws

TYP = "nara-test+jwt"


def _key() -> SigningKey:
    return SigningKey(Ed25519PrivateKey.generate())


def test_a_signed_payload_reads_back_and_verifies_elsewhere() -> None:
    key = _key()
    token = key.sign_jws({"sub": "SYN1", "facts": {"member.name": "김나라"}}, TYP)
    header, payload = read_jws(token, {key.key_id: key.public_jwk()}, TYP)
    assert header == {"alg": "Ed25519", "kid": key.key_id, "typ": TYP}
    assert payload["facts"]["member.name"] == "김나라"
    public = OKPKey.import_key({k: v for k, v in key.public_jwk().items() if k in ("kty", "crv", "x")})
    other = jws.deserialize_compact(token, public, algorithms=["Ed25519"])  # joserfc agrees
    assert json.loads(other.payload) == payload


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda t: t.replace(t.split(".")[1], _b64(b'{"sub":"SYN2"}')), "서명이 내용과 맞지"),
        (lambda t: t + "=", "서명이 내용과 맞지"),  # padding is not base64url
        (lambda t: t[:-2] + "*" + t[-1], "서명이 내용과 맞지"),  # a stray character is not skipped
        (lambda t: t + ".x", "JWS 형식"),
        (lambda t: _b64(b'{"alg":"none","typ":"nara-test+jwt"}') + "." + t.split(".", 1)[1], "알고리즘"),
        (lambda t: "%%%." + t.split(".", 1)[1], "JWS 형식"),
    ],
)
def test_anything_else_is_refused_saying_why(change: object, why: str) -> None:
    key = _key()
    token = key.sign_jws({"sub": "SYN1"}, TYP)
    with pytest.raises(SignatureInvalid, match=why):
        read_jws(change(token), {key.key_id: key.public_jwk()}, TYP)  # type: ignore[operator]


def test_an_unknown_key_or_type_is_refused() -> None:
    key, other = _key(), _key()
    token = key.sign_jws({"sub": "SYN1"}, TYP)
    with pytest.raises(SignatureInvalid, match="알 수 없는 서명 키"):
        read_jws(token, {other.key_id: other.public_jwk()}, TYP)
    with pytest.raises(SignatureInvalid, match="문서 종류"):
        read_jws(token, {key.key_id: key.public_jwk()}, "other+jwt")
    forged = token.rsplit(".", 1)[0] + "." + other.sign(token.rsplit(".", 1)[0].encode())
    with pytest.raises(SignatureInvalid, match="서명이 내용과 맞지"):
        read_jws(forged, {key.key_id: key.public_jwk()}, TYP)
