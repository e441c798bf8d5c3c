"""Passkeys (WebAuthn): registering a credential to an account and signing in with it.

Each ceremony has two halves. The server first hands the browser its options (``PasskeyCeremony``) and
keeps the challenge; the browser's answer then comes back with that challenge to be verified here.
Sign-in uses discoverable credentials: the browser offers any passkey it holds for the site, and the
credential id in the answer says whose it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.authentication.verify_authentication_response import VerifiedAuthentication
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.cose import COSEAlgorithmIdentifier
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)
from webauthn.registration.verify_registration_response import VerifiedRegistration

from nara.identity.errors import PasskeyInvalid
from nara.identity.models import Passkey
from nara.kernel.clock import utcnow

CEREMONY_TIMEOUT_MS = 120_000
SUPPORTED_ALGORITHMS = [
    COSEAlgorithmIdentifier.ECDSA_SHA_256,
    COSEAlgorithmIdentifier.EDDSA,
    COSEAlgorithmIdentifier.RSASSA_PKCS1_v1_5_SHA_256,
]
MAX_CREDENTIAL_ID_CHARS = 200  # the width of identity_passkeys.credential_id

# Everything that untrusted input can make the webauthn library (or our own decoding) raise.
_MALFORMED = (WebAuthnException, ValueError, KeyError, TypeError, IndexError, RecursionError)


@dataclass(frozen=True)
class PasskeyCeremony:
    """The options for the browser, and the challenge the server keeps until the answer comes back."""

    options_json: str
    challenge: bytes


@dataclass(frozen=True)
class RelyingParty:
    """The site passkeys are bound to: its WebAuthn RP id, its name, and the origin pages are served from."""

    id: str
    name: str
    origin: str


def registration_ceremony(
    rp: RelyingParty,
    account_id: str,
    user_name: str,
    display_name: str,
    existing_credential_ids: list[str],
) -> PasskeyCeremony:
    """Options for ``navigator.credentials.create()``: a discoverable passkey for ``account_id``."""
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=account_id.encode("utf-8"),
        user_name=user_name,
        user_display_name=display_name,
        timeout=CEREMONY_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[_descriptor(credential_id) for credential_id in existing_credential_ids],
        supported_pub_key_algs=SUPPORTED_ALGORITHMS,
    )
    return PasskeyCeremony(options_json=options_to_json(options), challenge=options.challenge)


def register_passkey(
    session: Session, rp: RelyingParty, account_id: str, response_json: str, challenge: bytes
) -> Passkey:
    """Verify the browser's answer to a registration ceremony and store the new passkey.

    The row is added and flushed; the caller commits. Raises ``PasskeyInvalid`` for any answer that
    does not verify, and for a credential that is already registered (to anyone).
    """
    verified = _verify_registration(rp, response_json, challenge)
    credential_id = bytes_to_base64url(verified.credential_id)
    if len(credential_id) > MAX_CREDENTIAL_ID_CHARS:
        raise PasskeyInvalid("credential id is too long")
    if session.get(Passkey, credential_id) is not None:
        raise PasskeyInvalid("this passkey is already registered")
    passkey = Passkey(
        credential_id=credential_id,
        account_id=account_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        created_at=utcnow(),
        last_used_at=None,
    )
    session.add(passkey)
    session.flush()
    return passkey


def authentication_ceremony(rp: RelyingParty) -> PasskeyCeremony:
    """Options for ``navigator.credentials.get()``: any discoverable passkey the person holds for ``rp``."""
    options = generate_authentication_options(
        rp_id=rp.id,
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return PasskeyCeremony(options_json=options_to_json(options), challenge=options.challenge)


def verify_passkey(session: Session, rp: RelyingParty, response_json: str, challenge: bytes) -> str:
    """Verify the browser's answer to a sign-in ceremony and return the account it signs in.

    Updates the passkey's sign count and last use (flushed; the caller commits). Raises
    ``PasskeyInvalid`` for an unknown credential, a user handle that is not the passkey's account, an
    answer that does not verify, or a sign count that went backwards (a cloned authenticator).
    """
    credential = _parse_assertion(response_json)
    passkey = _stored_passkey(session, credential)
    _check_user_handle(credential, passkey)
    verified = _verify_assertion(rp, credential, challenge, passkey)
    _check_sign_count(verified.new_sign_count, passkey.sign_count)
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    session.flush()
    return passkey.account_id


def passkeys_of(session: Session, account_id: str) -> list[Passkey]:
    """The passkeys registered to ``account_id``, oldest first."""
    query = (
        select(Passkey)
        .where(Passkey.account_id == account_id)
        .order_by(Passkey.created_at, Passkey.credential_id)
    )
    return list(session.scalars(query))


def _descriptor(credential_id: str) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))


def _verify_registration(rp: RelyingParty, response_json: str, challenge: bytes) -> VerifiedRegistration:
    try:
        return verify_registration_response(
            credential=_json_object(response_json),
            expected_challenge=challenge,
            expected_origin=rp.origin,
            expected_rp_id=rp.id,
            supported_pub_key_algs=SUPPORTED_ALGORITHMS,
        )
    except _MALFORMED as error:
        raise PasskeyInvalid(f"registration response rejected: {error}") from error


def _parse_assertion(response_json: str) -> AuthenticationCredential:
    try:
        credential = parse_authentication_credential_json(_json_object(response_json))
    except _MALFORMED as error:
        raise PasskeyInvalid(f"authentication response rejected: {error}") from error
    if bytes_to_base64url(credential.raw_id) != credential.id:
        raise PasskeyInvalid("authentication response rejected: id and rawId differ")
    return credential


def _stored_passkey(session: Session, credential: AuthenticationCredential) -> Passkey:
    passkey = session.get(Passkey, bytes_to_base64url(credential.raw_id))
    if passkey is None:
        raise PasskeyInvalid("unknown passkey")
    return passkey


def _check_user_handle(credential: AuthenticationCredential, passkey: Passkey) -> None:
    user_handle = credential.response.user_handle
    if user_handle is not None and user_handle != passkey.account_id.encode("utf-8"):
        raise PasskeyInvalid("the passkey's user handle is not its account")


def _verify_assertion(
    rp: RelyingParty, credential: AuthenticationCredential, challenge: bytes, passkey: Passkey
) -> VerifiedAuthentication:
    try:
        return verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_origin=rp.origin,
            expected_rp_id=rp.id,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=False,
        )
    except _MALFORMED as error:
        raise PasskeyInvalid(f"authentication response rejected: {error}") from error


def _check_sign_count(new_count: int, stored_count: int) -> None:
    """Refuse a count that did not go up: a sign of a cloned authenticator (0 and 0 means no counter)."""
    if (new_count or stored_count) and new_count <= stored_count:
        raise PasskeyInvalid("sign count went backwards: the passkey may have been cloned")


def _json_object(response_json: str) -> dict[str, object]:
    """The answer as a JSON object; anything else (malformed JSON, an array) is ``ValueError``."""
    value = json.loads(response_json)
    if not isinstance(value, dict):
        raise ValueError("the response is not a JSON object")
    return value
