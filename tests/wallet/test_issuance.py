"""OpenID4VCI 1.0 pre-authorised code flow, driven over HTTP as any standard wallet would."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.identity.journeys import citizen_account, state_of
from tests.wallet.walletflow import wallet_ctx

from nara import audit
from nara.kernel.db import transaction
from nara.wallet import holder, issuer, keys, sdjwt
from nara.wallet.schemas import DOC_TYPES

PROBLEM = "application/problem+json"
EXTRACT = "resident-register-extract"


def offer_for(client: TestClient, person: str, doc: str = EXTRACT) -> issuer.Offer:
    account = citizen_account(client, person)
    with transaction(state_of(client).sessions) as session:
        return issuer.do_create_offer(
            session, wallet_ctx(client), person_id=person, account_id=account.id, doc=doc
        )


def token_and_nonce(client: TestClient, offer: issuer.Offer) -> tuple[str, str]:
    answer = client.post(
        "/api/v1/wallet/token",
        data={"grant_type": issuer.PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.code},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    nonce = client.post("/api/v1/wallet/nonce").json()["c_nonce"]
    return answer.json()["access_token"], nonce


def proof(key: Any, nonce: str, aud: str = "http://localhost:8000", **claims: Any) -> str:
    body = {"aud": aud, "iat": int(time.time()), "nonce": nonce} | claims
    return keys.sign_jwt(body, key, issuer.PROOF_TYP, jwk=keys.public_jwk(key))


def ask(client: TestClient, token: str, proofs: list[str], doc: str = EXTRACT) -> Any:
    return client.post(
        "/api/v1/wallet/credential",
        json={"credential_configuration_id": doc, "proofs": {"jwt": proofs}},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_metadata_describes_every_document_and_the_endpoints(client: TestClient) -> None:
    meta = client.get("/.well-known/openid-credential-issuer").json()
    assert meta["credential_issuer"] == "http://localhost:8000"
    assert set(meta["credential_configurations_supported"]) == set(DOC_TYPES)
    extract = meta["credential_configurations_supported"][EXTRACT]
    assert extract["format"] == "dc+sd-jwt"
    assert extract["vct"] == "https://nara.example/vct/resident-register-extract"
    assert extract["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"] == ["ES256"]
    assert meta["batch_credential_issuance"]["batch_size"] >= 2
    server = meta["authorization_servers"][0]
    assert server == "http://localhost:8000/api/v1/wallet"
    as_meta = client.get("/.well-known/oauth-authorization-server/api/v1/wallet").json()
    assert as_meta["issuer"] == server
    assert as_meta["grant_types_supported"] == [issuer.PRE_AUTHORIZED_GRANT]
    assert client.get("/.well-known/jwt-vc-issuer").json()["jwks"]["keys"][0]["crv"] == "P-256"


def test_a_standard_wallet_gets_one_time_copies_with_their_own_keys_salts_and_indices(
    client: TestClient,
) -> None:
    offer = offer_for(client, "SYN1")
    assert offer.uri.startswith("openid-credential-offer://?credential_offer=")
    copies = holder.receive(client, holder.parse_offer(offer.uri))
    assert len(copies) == wallet_ctx(client).batch_size
    issued = [sdjwt.inspect(copy.credential) for copy in copies]
    assert len({keys.thumbprint(i.payload["cnf"]["jwk"]) for i in issued}) == len(copies)
    assert len({i.payload["status"]["status_list"]["idx"] for i in issued}) == len(copies)
    salts = [{d.salt for _, d in i.disclosures} for i in issued]
    assert not salts[0] & salts[1]  # every copy has fresh salts: two verifiers cannot link them
    first = issued[0]
    assert first.header["typ"] == "dc+sd-jwt"
    assert first.header["alg"] == "ES256"
    assert {"iss", "iat", "exp", "vct", "cnf", "status"} <= set(first.payload)
    assert not {"name", "address", "birth_date", "resident_number"} & set(first.payload)  # all disclosable
    disclosed_names = {path[0] for path, _ in first.disclosures}
    assert {"name", "address", "household_members", "resident_number"} <= disclosed_names
    assert len(first.payload["_sd"]) > len([p for p, d in first.disclosures if len(p) == 1])  # decoys
    members = next(d.value for path, d in first.disclosures if path == ("household_members",))
    each = [path for path, _ in first.disclosures if len(path) == 2 and path[0] == "household_members"]
    assert len(each) == first.claims["household_size"]  # each member is its own disclosure…
    assert len(members) > len(each)  # …among decoys: the array's length does not give the household away
    assert all(set(member) == {"..."} for member in members)


def test_the_registry_read_is_in_the_access_log(client: TestClient) -> None:
    offer = offer_for(client, "SYN2")
    holder.receive(client, holder.parse_offer(offer.uri))
    with state_of(client).sessions() as session:
        entry = audit.history(session, "SYN2", limit=1)[0]
    assert entry.actor == "citizen:SYN2"
    assert entry.basis == "law:pipa-35-2"
    assert (entry.case_ref or "").startswith("wallet:batch-")


def test_a_pre_authorised_code_works_once(client: TestClient) -> None:
    offer = offer_for(client, "SYN3")
    token_and_nonce(client, offer)
    again = client.post(
        "/api/v1/wallet/token",
        data={"grant_type": issuer.PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.code},
    )
    assert (again.status_code, again.headers["content-type"]) == (400, PROBLEM)
    assert (again.json()["code"], again.json()["error"]) == ("wallet.offer_invalid", "invalid_grant")
    other = client.post("/api/v1/wallet/token", data={"grant_type": "authorization_code", "code": "x"})
    assert other.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("wrong_audience", "wallet.invalid_proof"),
        ("same_key_twice", "wallet.invalid_proof"),
        ("unknown_nonce", "wallet.invalid_nonce"),
        ("too_many", "wallet.batch_too_large"),
        ("wrong_type", "wallet.unknown_configuration"),
    ],
)
def test_proofs_of_the_holder_key_are_checked(client: TestClient, case: str, code: str) -> None:
    token, nonce = token_and_nonce(client, offer_for(client, "SYN4"))
    one, two = keys.new_key(), keys.new_key()
    proofs = {
        "wrong_audience": [proof(one, nonce, aud="https://elsewhere.example")],
        "same_key_twice": [proof(one, nonce), proof(one, nonce)],
        "unknown_nonce": [proof(one, "made-up")],
        "too_many": [proof(keys.new_key(), nonce) for _ in range(wallet_ctx(client).batch_size + 1)],
        "wrong_type": [proof(one, nonce), proof(two, nonce)],
    }[case]
    answer = ask(client, token, proofs, doc="mobile-id" if case == "wrong_type" else EXTRACT)
    assert (answer.status_code, answer.headers["content-type"]) == (400, PROBLEM)
    assert answer.json()["code"] == code
    assert "error" in answer.json()


def test_a_nonce_and_a_token_are_used_once(client: TestClient) -> None:
    token, nonce = token_and_nonce(client, offer_for(client, "SYN5"))
    assert ask(client, token, [proof(keys.new_key(), nonce)]).status_code == 200
    again = ask(client, token, [proof(keys.new_key(), nonce)])
    assert (again.status_code, again.json()["code"]) == (401, "wallet.token_used")
    assert ask(client, "not-a-token", []).status_code == 401


def issued_claims(client: TestClient, person: str, doc: str) -> sdjwt.Inspected:
    """One copy of ``doc`` issued to ``person`` (read without checking, as the holder reads it)."""
    copies = holder.receive(client, holder.parse_offer(offer_for(client, person, doc).uri))
    return sdjwt.inspect(copies[0].credential)


def first_with(client: TestClient, fact: str, wanted: Callable[[object], bool]) -> str:
    """The first synthetic resident whose registry value of ``fact`` is ``wanted``."""
    store = state_of(client).exchange.store
    spec = store.catalogue.facts[fact]
    return next(
        p
        for p in (f"SYN{n}" for n in range(100))
        if store.knows(p) and wanted((store.read(spec.registry, p, [spec]) or {}).get(fact))
    )


def refused(client: TestClient, person: str, doc: str) -> Any:
    token, nonce = token_and_nonce(client, offer_for(client, person, doc))
    return ask(client, token, [proof(keys.new_key(), nonce)], doc=doc)


def test_documents_the_registries_cannot_vouch_for_are_refused(client: TestClient) -> None:
    person = first_with(client, "member.disability", lambda level: level in (None, "none"))
    answer = refused(client, person, "disability-certificate")
    assert (answer.status_code, answer.json()["code"]) == (409, "wallet.not_eligible")


def test_a_tax_payment_certificate_says_no_arrears(client: TestClient) -> None:
    person = first_with(client, "member.tax_arrears", lambda arrears: arrears is False)
    issued = issued_claims(client, person, "tax-payment-certificate")
    assert issued.claims["tax_arrears"] is False
    assert issued.payload["vct"] == "https://nara.example/vct/tax-payment-certificate"
    assert ("tax_arrears",) in {path for path, _ in issued.disclosures}  # selectively disclosable
    assert issued.payload["exp"] - issued.payload["iat"] == 30 * 24 * 60 * 60


def test_no_tax_payment_certificate_while_there_are_arrears(client: TestClient) -> None:
    person = first_with(client, "member.tax_arrears", lambda arrears: arrears is True)
    answer = refused(client, person, "tax-payment-certificate")
    assert (answer.status_code, answer.json()["code"]) == (409, "wallet.not_eligible")
    assert answer.json()["fact"] == "member.tax_arrears"
    assert "체납된 국세나 지방세가 있어" in answer.json()["detail"]
    assert "「국세징수법」 제107조" in answer.json()["detail"]


def test_the_mobile_id_carries_the_registrys_photo_hash_as_its_own_disclosure(client: TestClient) -> None:
    issued = issued_claims(client, "SYN7", "mobile-id")
    store = state_of(client).exchange.store
    fact = store.catalogue.facts["member.photo_hash"]
    on_file = (store.read("resident", "SYN7", [fact]) or {})[fact.name]
    assert issued.claims["portrait_hash"] == on_file
    assert len(on_file) == 64
    assert int(on_file, 16) >= 0
    assert ("portrait_hash",) in {path for path, _ in issued.disclosures}
    assert "portrait_hash" not in issued.payload  # only its digest is signed in the open
    assert {"age_over_14", "age_over_19", "age_over_65", "address"} <= set(issued.claims)
