"""Interoperability with the independent reference implementation (the ``sd-jwt`` package, dev extra).

Credentials Nara issues and presents verify with the reference verifier; credentials and presentations
the reference makes verify with Nara's, to the same claims. Skipped when ``sd-jwt`` is not installed.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc.jwk import ECKey

from nara.wallet import issue, present, verify

sd_jwt_common = pytest.importorskip(
    "sd_jwt.common", reason="the sd-jwt reference package is not installed (dev extra)"
)
from jwcrypto.jwk import JWK  # noqa: E402  (installed with sd-jwt)
from sd_jwt.holder import SDJWTHolder  # noqa: E402
from sd_jwt.issuer import SDJWTIssuer  # noqa: E402
from sd_jwt.verifier import SDJWTVerifier  # noqa: E402

SDObj = sd_jwt_common.SDObj
AUDIENCE = "https://verifier.nara.example"
NONCE = "n-0S6_WzA2Mj"
ISSUER = ECKey.generate_key("P-256")
HOLDER = ECKey.generate_key("P-256")
NOW = int(time.time())
CLAIMS: dict[str, Any] = {
    "iss": "https://nara.example/issuer",
    "iat": NOW - 60,
    "exp": NOW + 3600,
    "vct": "urn:nara:credential:resident-registration",
    "name": "홍길동",
    "birthdate": "1990-03-01",
    "address": {"sido": "서울특별시", "sigungu": "종로구"},
    "nationalities": ["KR", "US"],
    "over_19": True,
}
DISCLOSABLE = [
    ("name",),
    ("birthdate",),
    ("address",),
    ("address", "sigungu"),
    ("nationalities", "*"),
    ("over_19",),
]


def _jwcrypto(key: ECKey, *, private: bool) -> JWK:
    return JWK(**key.as_dict(private=private))


def _reference_verify(
    presentation: str, *, audience: str | None = AUDIENCE, nonce: str | None = NONCE
) -> Any:
    verifier = SDJWTVerifier(
        presentation,
        lambda issuer, header: _jwcrypto(ISSUER, private=False),
        expected_aud=audience,
        expected_nonce=nonce,
    )
    return verifier.get_verified_payload()


def _ours(presentation: str) -> dict[str, Any]:
    return verify(presentation, issuer_keys=ISSUER, audience=AUDIENCE, nonce=NONCE).claims


def test_nara_issued_and_presented_verifies_with_the_reference() -> None:
    issued = issue(
        CLAIMS, disclosable=DISCLOSABLE, issuer_key=ISSUER, holder_jwk=HOLDER.as_dict(private=False)
    )
    presentation = present(
        issued,
        disclose={("name",), ("address", "sigungu"), ("nationalities", 1)},
        holder_key=HOLDER,
        audience=AUDIENCE,
        nonce=NONCE,
    )

    reference = _reference_verify(presentation)

    assert reference == _ours(presentation)
    assert reference["address"] == {"sido": "서울특별시", "sigungu": "종로구"}
    assert reference["nationalities"] == ["US"]
    assert "birthdate" not in reference


def test_nara_issued_is_presented_by_the_reference_holder() -> None:
    issued = issue(
        CLAIMS, disclosable=DISCLOSABLE, issuer_key=ISSUER, holder_jwk=HOLDER.as_dict(private=False)
    )
    holder = SDJWTHolder(issued)
    holder.create_presentation(
        {"name": True, "over_19": True}, nonce=NONCE, aud=AUDIENCE, holder_key=_jwcrypto(HOLDER, private=True)
    )

    claims = _ours(holder.sd_jwt_presentation)

    assert claims["name"] == "홍길동"
    assert claims["over_19"] is True
    assert "birthdate" not in claims


def _reference_issued() -> str:
    user_claims = {
        "iss": CLAIMS["iss"],
        "iat": CLAIMS["iat"],
        "exp": CLAIMS["exp"],
        "vct": CLAIMS["vct"],
        SDObj("name"): "홍길동",
        SDObj("birthdate"): "1990-03-01",
        SDObj("address"): {"sido": "서울특별시", SDObj("sigungu"): "종로구"},
        "nationalities": [SDObj("KR"), SDObj("US")],
    }
    issuer = SDJWTIssuer(
        user_claims,
        _jwcrypto(ISSUER, private=True),
        holder_key=_jwcrypto(HOLDER, private=False),
        add_decoy_claims=True,
        extra_header_parameters={"typ": "dc+sd-jwt"},
    )
    return str(issuer.sd_jwt_issuance)


def test_reference_issued_and_presented_verifies_with_nara() -> None:
    holder = SDJWTHolder(_reference_issued())
    holder.create_presentation(
        {"name": True, "address": {"sigungu": True}, "nationalities": [False, True]},
        nonce=NONCE,
        aud=AUDIENCE,
        holder_key=_jwcrypto(HOLDER, private=True),
    )
    presentation = holder.sd_jwt_presentation

    claims = _ours(presentation)

    assert claims == _reference_verify(presentation)
    assert claims["address"] == {"sido": "서울특별시", "sigungu": "종로구"}
    assert claims["nationalities"] == ["US"]


def test_reference_issued_presented_by_nara_verifies_with_the_reference() -> None:
    presentation = present(
        _reference_issued(),
        disclose={("birthdate",), ("nationalities", 0)},
        holder_key=HOLDER,
        audience=AUDIENCE,
        nonce=NONCE,
    )

    assert _reference_verify(presentation) == _ours(presentation)
