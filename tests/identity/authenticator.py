"""A software FIDO2 authenticator and browser for tests: it answers WebAuthn options as a browser would.

Built from ``cryptography`` (EC P-256, ES256) and ``cbor2`` only. Credentials are discoverable and kept
in memory by RP id; every sign-in increments the credential's counter by one. ``clone()`` copies the
keys and counters, so a test can replay a credential from a "cloned" authenticator.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_UP = 0x01  # user present
FLAG_UV = 0x04  # user verified
FLAG_AT = 0x40  # attested credential data included
ES256 = -7
AAGUID = bytes(16)  # "none" attestation: an all-zero AAGUID


class AuthenticatorError(Exception):
    """The authenticator refused, as a browser would reject ``create()`` or ``get()``."""


def b64url(data: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """Decode base64url with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftCredential:
    """One discoverable credential held by the authenticator."""

    credential_id: bytes
    rp_id: str
    user_handle: bytes
    private_key: ec.EllipticCurvePrivateKey
    sign_count: int = 0


class SoftAuthenticator:
    """A platform authenticator in software, answering in the shape of ``PublicKeyCredential.toJSON()``."""

    def __init__(self) -> None:
        self.credentials: dict[str, list[SoftCredential]] = {}

    def create(self, options_json: str, origin: str) -> str:
        """Answer ``PublicKeyCredentialCreationOptions`` with a new credential ("none" attestation)."""
        options = json.loads(options_json)
        rp_id: str = options["rp"]["id"]
        self._refuse_excluded(rp_id, options.get("excludeCredentials", []))
        self._require_es256(options.get("pubKeyCredParams", []))
        credential = SoftCredential(
            credential_id=secrets.token_bytes(32),
            rp_id=rp_id,
            user_handle=from_b64url(options["user"]["id"]),
            private_key=ec.generate_private_key(ec.SECP256R1()),
        )
        self.credentials.setdefault(rp_id, []).append(credential)
        client_data = _client_data("webauthn.create", options["challenge"], origin)
        auth_data = _authenticator_data(rp_id, FLAG_UP | FLAG_UV | FLAG_AT, credential.sign_count)
        auth_data += _attested_credential_data(credential)
        attestation_object = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        response = {
            "clientDataJSON": b64url(client_data),
            "attestationObject": b64url(attestation_object),
            "authenticatorData": b64url(auth_data),
            "publicKey": b64url(_spki(credential)),
            "publicKeyAlgorithm": ES256,
            "transports": ["internal"],
        }
        return _credential_json(credential, response)

    def get(self, options_json: str, origin: str) -> str:
        """Answer ``PublicKeyCredentialRequestOptions`` with an ES256 assertion; the counter goes up by one."""
        options = json.loads(options_json)
        rp_id: str = options["rpId"]
        credential = self._choose(rp_id, options.get("allowCredentials", []))
        credential.sign_count += 1
        client_data = _client_data("webauthn.get", options["challenge"], origin)
        auth_data = _authenticator_data(rp_id, FLAG_UP | FLAG_UV, credential.sign_count)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = credential.private_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": b64url(client_data),
            "authenticatorData": b64url(auth_data),
            "signature": b64url(signature),
            "userHandle": b64url(credential.user_handle),
        }
        return _credential_json(credential, response)

    def clone(self) -> SoftAuthenticator:
        """Another authenticator with the same keys and counters (which then move on independently)."""
        twin = SoftAuthenticator()
        twin.credentials = {rp_id: [copy.copy(c) for c in held] for rp_id, held in self.credentials.items()}
        return twin

    def credential_ids(self, rp_id: str) -> list[str]:
        """The base64url ids of the credentials held for ``rp_id``, oldest first."""
        return [b64url(c.credential_id) for c in self.credentials.get(rp_id, [])]

    def _refuse_excluded(self, rp_id: str, excluded: list[dict[str, Any]]) -> None:
        excluded_ids = {from_b64url(descriptor["id"]) for descriptor in excluded}
        if any(c.credential_id in excluded_ids for c in self.credentials.get(rp_id, [])):
            raise AuthenticatorError("InvalidStateError: a credential in excludeCredentials is held here")

    @staticmethod
    def _require_es256(parameters: list[dict[str, Any]]) -> None:
        if parameters and not any(p.get("alg") == ES256 for p in parameters):
            raise AuthenticatorError("NotSupportedError: ES256 is not among pubKeyCredParams")

    def _choose(self, rp_id: str, allowed: list[dict[str, Any]]) -> SoftCredential:
        held = self.credentials.get(rp_id, [])
        if allowed:
            allowed_ids = {from_b64url(descriptor["id"]) for descriptor in allowed}
            held = [c for c in held if c.credential_id in allowed_ids]
        if not held:
            raise AuthenticatorError(f"NotAllowedError: no credential for {rp_id}")
        return held[-1]


def _client_data(kind: str, challenge: str, origin: str) -> bytes:
    data = {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def _authenticator_data(rp_id: str, flags: int, sign_count: int) -> bytes:
    rp_id_hash = hashlib.sha256(rp_id.encode("utf-8")).digest()
    return rp_id_hash + bytes([flags]) + sign_count.to_bytes(4, "big")


def _attested_credential_data(credential: SoftCredential) -> bytes:
    credential_id = credential.credential_id
    return AAGUID + len(credential_id).to_bytes(2, "big") + credential_id + _cose_key(credential)


def _cose_key(credential: SoftCredential) -> bytes:
    numbers = credential.private_key.public_key().public_numbers()
    return cbor2.dumps(
        {
            1: 2,  # kty: EC2
            3: ES256,  # alg
            -1: 1,  # crv: P-256
            -2: numbers.x.to_bytes(32, "big"),
            -3: numbers.y.to_bytes(32, "big"),
        }
    )


def _spki(credential: SoftCredential) -> bytes:
    return credential.private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _credential_json(credential: SoftCredential, response: dict[str, Any]) -> str:
    credential_id = b64url(credential.credential_id)
    return json.dumps(
        {
            "id": credential_id,
            "rawId": credential_id,
            "type": "public-key",
            "response": response,
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }
    )
