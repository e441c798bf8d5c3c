"""Passkeys (패스키): registration and sign-in against a software authenticator and a real database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session
from tests.identity.authenticator import AuthenticatorError, SoftAuthenticator, b64url, from_b64url

from nara.identity.errors import PasskeyInvalid
from nara.identity.models import Account, Passkey
from nara.identity.passkeys import (
    PasskeyCeremony,
    RelyingParty,
    authentication_ceremony,
    passkeys_of,
    register_passkey,
    registration_ceremony,
    verify_passkey,
)
from nara.kernel.clock import utcnow
from nara.kernel.db import Base, make_engine

RP = RelyingParty(id="127.0.0.1", name="나라 통합로그인", origin="http://127.0.0.1:8000")
OTHER_ORIGIN = RelyingParty(id=RP.id, name=RP.name, origin="http://evil.example:8000")
OTHER_RP_ID = RelyingParty(id="localhost", name=RP.name, origin=RP.origin)
ACCOUNT_ID = "acct-1"


@pytest.fixture
def db(tmp_path: Any) -> Iterator[Session]:
    """A fresh SQLite database holding only the identity tables, with one citizen account."""
    engine = make_engine(f"sqlite:///{tmp_path / 'identity.db'}")
    tables = [Base.metadata.tables[name] for name in ("identity_accounts", "identity_passkeys")]
    Base.metadata.create_all(engine, tables=tables)
    with Session(engine, expire_on_commit=False) as session:
        account = Account(
            id=ACCOUNT_ID,
            kind="citizen",
            display_name="김나라",
            phone="010-0000-0000",
            created_at=utcnow(),
        )
        session.add(account)
        session.commit()
        yield session
    engine.dispose()


def _start_registration(db: Session, account_id: str = ACCOUNT_ID) -> PasskeyCeremony:
    existing = [passkey.credential_id for passkey in passkeys_of(db, account_id)]
    return registration_ceremony(RP, account_id, "kim@nara", "김나라", existing)


def _register(db: Session, authenticator: SoftAuthenticator) -> Passkey:
    ceremony = _start_registration(db)
    response = authenticator.create(ceremony.options_json, RP.origin)
    passkey = register_passkey(db, RP, ACCOUNT_ID, response, ceremony.challenge)
    db.commit()
    return passkey


def _sign_in(db: Session, authenticator: SoftAuthenticator) -> str:
    ceremony = authentication_ceremony(RP)
    response = authenticator.get(ceremony.options_json, RP.origin)
    return verify_passkey(db, RP, response, ceremony.challenge)


def _edit(response_json: str, edit: Any) -> str:
    body = json.loads(response_json)
    edit(body)
    return json.dumps(body)


def test_register_then_sign_in(db: Session) -> None:
    authenticator = SoftAuthenticator()
    passkey = _register(db, authenticator)

    assert passkey.credential_id == authenticator.credential_ids(RP.id)[0]
    assert passkey.account_id == ACCOUNT_ID
    assert passkey.sign_count == 0
    assert passkey.last_used_at is None
    assert [p.credential_id for p in passkeys_of(db, ACCOUNT_ID)] == [passkey.credential_id]

    assert _sign_in(db, authenticator) == ACCOUNT_ID
    assert _sign_in(db, authenticator) == ACCOUNT_ID
    db.commit()
    db.expire_all()
    stored = db.get(Passkey, passkey.credential_id)
    assert stored is not None
    assert stored.sign_count == 2
    assert stored.last_used_at is not None


def test_registration_options_ask_for_a_discoverable_passkey() -> None:
    ceremony = registration_ceremony(RP, ACCOUNT_ID, "kim@nara", "김나라", [])
    options = json.loads(ceremony.options_json)

    assert options["rp"] == {"id": RP.id, "name": RP.name}
    assert options["user"] == {"id": b64url(b"acct-1"), "name": "kim@nara", "displayName": "김나라"}
    assert from_b64url(options["challenge"]) == ceremony.challenge
    assert [p["alg"] for p in options["pubKeyCredParams"]] == [-7, -8, -257]
    assert options["attestation"] == "none"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["requireResidentKey"] is True
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["excludeCredentials"] == []


def test_authentication_options_allow_any_discoverable_passkey() -> None:
    ceremony = authentication_ceremony(RP)
    options = json.loads(ceremony.options_json)

    assert options["rpId"] == RP.id
    assert options["allowCredentials"] == []
    assert options["userVerification"] == "preferred"
    assert options["timeout"] == 120000
    assert from_b64url(options["challenge"]) == ceremony.challenge
    assert ceremony.challenge != authentication_ceremony(RP).challenge


def test_exclude_list_names_existing_passkeys(db: Session) -> None:
    authenticator = SoftAuthenticator()
    first = _register(db, authenticator)
    second = _register(db, SoftAuthenticator())

    ceremony = _start_registration(db)
    excluded = [d["id"] for d in json.loads(ceremony.options_json)["excludeCredentials"]]
    assert sorted(excluded) == sorted([first.credential_id, second.credential_id])
    with pytest.raises(AuthenticatorError, match="InvalidStateError"):
        authenticator.create(ceremony.options_json, RP.origin)


def test_the_same_credential_cannot_be_registered_twice(db: Session) -> None:
    authenticator = SoftAuthenticator()
    ceremony = _start_registration(db)
    response = authenticator.create(ceremony.options_json, RP.origin)
    register_passkey(db, RP, ACCOUNT_ID, response, ceremony.challenge)
    db.commit()

    with pytest.raises(PasskeyInvalid, match="already registered"):
        register_passkey(db, RP, ACCOUNT_ID, response, ceremony.challenge)
    assert len(passkeys_of(db, ACCOUNT_ID)) == 1


@pytest.mark.parametrize(
    ("rp", "wrong_challenge"),
    [(RP, True), (OTHER_ORIGIN, False), (OTHER_RP_ID, False)],
    ids=["wrong challenge", "wrong origin", "wrong rp id"],
)
def test_registration_bound_to_its_challenge_origin_and_rp(
    db: Session, rp: RelyingParty, wrong_challenge: bool
) -> None:
    ceremony = _start_registration(db)
    response = SoftAuthenticator().create(ceremony.options_json, RP.origin)
    challenge = _start_registration(db).challenge if wrong_challenge else ceremony.challenge

    with pytest.raises(PasskeyInvalid):
        register_passkey(db, rp, ACCOUNT_ID, response, challenge)
    assert passkeys_of(db, ACCOUNT_ID) == []


@pytest.mark.parametrize(
    ("rp", "wrong_challenge"),
    [(RP, True), (OTHER_ORIGIN, False), (OTHER_RP_ID, False)],
    ids=["wrong challenge", "wrong origin", "wrong rp id"],
)
def test_sign_in_bound_to_its_challenge_origin_and_rp(
    db: Session, rp: RelyingParty, wrong_challenge: bool
) -> None:
    authenticator = SoftAuthenticator()
    _register(db, authenticator)
    ceremony = authentication_ceremony(RP)
    response = authenticator.get(ceremony.options_json, RP.origin)
    challenge = authentication_ceremony(RP).challenge if wrong_challenge else ceremony.challenge

    with pytest.raises(PasskeyInvalid):
        verify_passkey(db, rp, response, challenge)


def test_sign_in_from_another_origin_is_refused(db: Session) -> None:
    authenticator = SoftAuthenticator()
    _register(db, authenticator)
    ceremony = authentication_ceremony(RP)
    response = authenticator.get(ceremony.options_json, OTHER_ORIGIN.origin)

    with pytest.raises(PasskeyInvalid, match="origin"):
        verify_passkey(db, RP, response, ceremony.challenge)


def test_tampered_signature_is_refused(db: Session) -> None:
    authenticator = SoftAuthenticator()
    _register(db, authenticator)
    ceremony = authentication_ceremony(RP)
    response = authenticator.get(ceremony.options_json, RP.origin)

    def flip_last_byte(body: dict[str, Any]) -> None:
        signature = bytearray(from_b64url(body["response"]["signature"]))
        signature[-1] ^= 0x01
        body["response"]["signature"] = b64url(bytes(signature))

    with pytest.raises(PasskeyInvalid, match="signature"):
        verify_passkey(db, RP, _edit(response, flip_last_byte), ceremony.challenge)


def test_tampered_authenticator_data_is_refused(db: Session) -> None:
    authenticator = SoftAuthenticator()
    _register(db, authenticator)
    ceremony = authentication_ceremony(RP)
    response = authenticator.get(ceremony.options_json, RP.origin)

    def raise_the_count(body: dict[str, Any]) -> None:
        data = bytearray(from_b64url(body["response"]["authenticatorData"]))
        data[36] = 0x7F  # the top byte of the sign count
        body["response"]["authenticatorData"] = b64url(bytes(data))

    with pytest.raises(PasskeyInvalid, match="signature"):
        verify_passkey(db, RP, _edit(response, raise_the_count), ceremony.challenge)


def test_unknown_credential_is_refused(db: Session) -> None:
    _register(db, SoftAuthenticator())
    stranger = SoftAuthenticator()
    stranger.create(registration_ceremony(RP, ACCOUNT_ID, "kim@nara", "김나라", []).options_json, RP.origin)
    ceremony = authentication_ceremony(RP)

    with pytest.raises(PasskeyInvalid, match="unknown passkey"):
        verify_passkey(db, RP, stranger.get(ceremony.options_json, RP.origin), ceremony.challenge)


def test_user_handle_must_be_the_passkeys_account(db: Session) -> None:
    authenticator = SoftAuthenticator()
    _register(db, authenticator)
    ceremony = authentication_ceremony(RP)
    response = authenticator.get(ceremony.options_json, RP.origin)

    def claim_another_account(body: dict[str, Any]) -> None:
        body["response"]["userHandle"] = b64url(b"acct-2")

    with pytest.raises(PasskeyInvalid, match="user handle"):
        verify_passkey(db, RP, _edit(response, claim_another_account), ceremony.challenge)


def test_response_without_user_handle_is_accepted(db: Session) -> None:
    authenticator = SoftAuthenticator()
    _register(db, authenticator)
    ceremony = authentication_ceremony(RP)
    response = authenticator.get(ceremony.options_json, RP.origin)

    def drop_user_handle(body: dict[str, Any]) -> None:
        del body["response"]["userHandle"]

    assert verify_passkey(db, RP, _edit(response, drop_user_handle), ceremony.challenge) == ACCOUNT_ID


def test_cloned_authenticator_is_refused_by_its_counter(db: Session) -> None:
    authenticator = SoftAuthenticator()
    passkey = _register(db, authenticator)
    clone = authenticator.clone()
    assert _sign_in(db, authenticator) == ACCOUNT_ID  # count 1
    assert _sign_in(db, authenticator) == ACCOUNT_ID  # count 2
    db.commit()

    assert _sign_in_refused(db, clone)  # the clone says 1
    assert _sign_in_refused(db, clone)  # then 2: still not above the stored 2
    assert _sign_in(db, clone) == ACCOUNT_ID  # 3 is above it (a counter alone cannot tell)
    db.refresh(passkey)
    assert passkey.sign_count == 3


def _sign_in_refused(db: Session, authenticator: SoftAuthenticator) -> bool:
    with pytest.raises(PasskeyInvalid, match="sign count"):
        _sign_in(db, authenticator)
    return True


def test_replayed_sign_in_is_refused(db: Session) -> None:
    authenticator = SoftAuthenticator()
    _register(db, authenticator)
    ceremony = authentication_ceremony(RP)
    response = authenticator.get(ceremony.options_json, RP.origin)
    assert verify_passkey(db, RP, response, ceremony.challenge) == ACCOUNT_ID

    with pytest.raises(PasskeyInvalid, match="sign count"):
        verify_passkey(db, RP, response, ceremony.challenge)


MALFORMED = [
    "",
    "not json",
    "[]",
    "null",
    '"text"',
    "{}",
    '{"id": "x", "rawId": "x", "type": "public-key", "response": {}}',
    '{"id": "!!", "rawId": "!!", "type": "public-key", "response": {"clientDataJSON": "!!", '
    '"attestationObject": "!!", "authenticatorData": "!!", "signature": "!!"}}',
    '{"id": "AAAA", "rawId": "AAAA", "type": "other", "response": {"clientDataJSON": "AAAA", '
    '"attestationObject": "AAAA", "authenticatorData": "AAAA", "signature": "AAAA"}}',
    '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "AAAA", '
    '"attestationObject": "AAAA", "authenticatorData": "AAAA", "signature": "AAAA", "userHandle": 5}}',
    "[" * 100_000,
]


@pytest.mark.parametrize("response", MALFORMED)
def test_malformed_registration_response_is_refused(db: Session, response: str) -> None:
    ceremony = _start_registration(db)
    with pytest.raises(PasskeyInvalid):
        register_passkey(db, RP, ACCOUNT_ID, response, ceremony.challenge)


@pytest.mark.parametrize("response", MALFORMED)
def test_malformed_sign_in_response_is_refused(db: Session, response: str) -> None:
    ceremony = authentication_ceremony(RP)
    with pytest.raises(PasskeyInvalid):
        verify_passkey(db, RP, response, ceremony.challenge)


def test_garbled_fields_of_a_real_sign_in_are_refused(db: Session) -> None:
    authenticator = SoftAuthenticator()
    _register(db, authenticator)
    ceremony = authentication_ceremony(RP)
    response = json.loads(authenticator.get(ceremony.options_json, RP.origin))

    for field in ("clientDataJSON", "authenticatorData", "signature"):
        for garbage in ("", "AAAA", b64url(b"{" * 40), b64url(bytes(37))):
            body = json.loads(json.dumps(response))
            body["response"][field] = garbage
            with pytest.raises(PasskeyInvalid):
                verify_passkey(db, RP, json.dumps(body), ceremony.challenge)
