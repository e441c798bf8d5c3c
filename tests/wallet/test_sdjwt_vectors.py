"""Every presentation of the RFC 9901, SD-JWT VC and reference-implementation vectors verifies and yields
exactly its verified_contents.json.

``reference-testcases/header_mod`` puts an integer ``kid`` in the header, which RFC 7515 does not allow;
Nara's verifier does not read ``kid`` itself (the caller's key resolver may), so it is accepted here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from tests.wallet.vectors import Vector, all_vectors, unwrap, unwrap_json, vector_params

from nara.wallet import SdJwtInvalid, inspect, sdjwt, to_json_serialisation, verify


def _verify(vector: Vector, presentation: str | None = None, **overrides: Any) -> sdjwt.Verified:
    options: dict[str, Any] = {
        "issuer_keys": vector.issuer_jwk,
        "expected_typ": vector.typ,
        "now": vector.now,
    }
    if vector.kb_iat is not None:
        options |= {"audience": vector.audience, "nonce": vector.nonce}
    return verify(vector.presentation if presentation is None else presentation, **(options | overrides))


@pytest.mark.parametrize("vector", vector_params())
def test_vector_verifies_to_its_verified_contents(vector: Vector) -> None:
    verified = _verify(vector)

    assert verified.claims == vector.expected
    assert verified.key_bound == (vector.kb_iat is not None)


@pytest.mark.parametrize(
    "vector", vector_params([v for v in all_vectors() if v.suite == "sd-jwt-vc-examples"])
)
def test_sd_jwt_vc_vectors_pass_the_default_typ_check(vector: Vector) -> None:
    verified = _verify(vector, expected_typ=sdjwt.SD_JWT_VC_TYP)

    assert verified.header["typ"] == "dc+sd-jwt"
    assert "vct" in verified.claims


@pytest.mark.parametrize(
    "vector", vector_params([v for v in all_vectors() if v.kb_iat is not None and not v.json_serialised])
)
@pytest.mark.parametrize("general", [False, True], ids=["flattened", "general"])
def test_compact_presentation_as_json_serialisation_verifies_with_the_same_kb_jwt(
    vector: Vector, general: bool
) -> None:
    as_json = json.dumps(to_json_serialisation(vector.presentation, general=general))

    assert _verify(vector, as_json).claims == vector.expected


@pytest.mark.parametrize("vector", vector_params())
def test_issued_sd_jwt_holds_every_user_claim(vector: Vector) -> None:
    issuance = vector.folder / "sd_jwt_issuance.txt"
    if issuance.exists():
        issued = unwrap(issuance.read_text())
    else:
        issued = unwrap_json((vector.folder / "sd_jwt_issuance.json").read_text())
    user_claims = json.loads(re.sub(r"\n\s*", "", (vector.folder / "user_claims.json").read_text()))

    claims = inspect(issued).claims

    assert {name: value for name, value in claims.items() if name in user_claims} == user_claims


@pytest.mark.parametrize("vector", vector_params([v for v in all_vectors() if v.kb_iat is not None]))
def test_key_bound_vector_names_the_holder_key_and_the_nonce(vector: Vector) -> None:
    verified = _verify(vector)

    assert verified.claims["cnf"]["jwk"]["x"] == vector.holder_private_jwk["x"]
    assert verified.kb_payload is not None
    assert verified.kb_payload["nonce"] == vector.nonce


def test_general_json_serialisation_accepts_a_key_resolver_by_kid() -> None:
    found = [v for v in all_vectors() if v.id == "reference-testcases/json_serialization_general"]
    if not found:
        pytest.skip("the reference json_serialization_general vector is not here")
    vector = found[0]
    seen: list[Any] = []

    def by_kid(header: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any] | None:
        seen.append(header.get("kid"))
        return vector.issuer_jwk if header.get("kid") == "issuer-key-1" else None

    assert _verify(vector, issuer_keys=by_kid).claims == vector.expected
    assert seen[0] == "issuer-key-1"

    with pytest.raises(SdJwtInvalid) as refused:
        _verify(vector, issuer_keys=lambda header, payload: None)
    assert refused.value.code == "sdjwt.unknown_key"
