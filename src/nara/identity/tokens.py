"""The provider's signing key, its JWT access tokens (RFC 9068) and their strict verification.

Tokens are RS256 (the algorithm every OpenID Connect relying party must accept). Verification accepts
RS256 and nothing else — so ``alg: none`` and an HS256 token "signed" with the public key both fail —
checks the header's ``typ`` (an ID token is not an access token), issuer, audience, expiry, and an
``iat`` that is neither in the future nor older than a token can live.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from nara.identity.errors import TokenInvalid
from nara.kernel.keyfiles import read_or_create

ALGORITHM = "RS256"
ACCESS_TOKEN_TYPE = "at+jwt"
ACCESS_TOKEN_SECONDS = 10 * 60
ID_TOKEN_SECONDS = 10 * 60
CLOCK_SKEW_SECONDS = 60


@dataclass(frozen=True)
class ProviderKey:
    """The provider's RSA key (kept in a PEM file, made on first use in development)."""

    jwk: RSAKey

    @cached_property
    def key_id(self) -> str:
        return self.jwk.thumbprint()

    def public_jwks(self) -> dict[str, Any]:
        public = self.jwk.as_dict(private=False)
        return {"keys": [public | {"kid": self.key_id, "alg": ALGORITHM, "use": "sig"}]}

    def sign(self, claims: dict[str, Any], typ: str) -> str:
        header = {"alg": ALGORITHM, "kid": self.key_id, "typ": typ}
        body = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
        return jws.serialize_compact(header, body, self.jwk, algorithms=[ALGORITHM])


def load_or_create_provider_key(path: Path) -> ProviderKey:
    """The key in ``path``; a new 2048-bit RSA key is written there (mode 0600) when none exists."""
    return ProviderKey(RSAKey.import_key(read_or_create(path, _new_provider_pem)))


def _new_provider_pem() -> bytes:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@dataclass(frozen=True)
class AccessClaims:
    """What a verified access token says: who (``subject``), through which client, with which scopes."""

    subject: str  # an account id, or the client id for client credentials
    client_id: str
    scopes: frozenset[str]
    issued_at: int
    expires_at: int
    token_id: str
    kind: str  # citizen | official | client
    consent_id: str | None = None
    session_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TokenService:
    """Issues and verifies the provider's JWTs."""

    key: ProviderKey
    issuer: str

    @property
    def api_audience(self) -> str:
        return f"{self.issuer}/api"

    def issue_access_token(
        self,
        *,
        subject: str,
        client_id: str,
        scope: str,
        kind: str,
        consent_id: str | None = None,
        session_id: str | None = None,
        lifetime: int = ACCESS_TOKEN_SECONDS,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.api_audience,
            "sub": subject,
            "client_id": client_id,
            "scope": scope,
            "kind": kind,
            "iat": now,
            "exp": now + lifetime,
            "jti": secrets.token_urlsafe(12),
        }
        if consent_id:
            claims["consent_id"] = consent_id
        if session_id:
            claims["sid"] = session_id
        return self.key.sign(claims, ACCESS_TOKEN_TYPE)

    def verify_access_token(self, token: str, *, now: float | None = None) -> AccessClaims:
        """The claims of a valid access token; :class:`TokenInvalid` (with a reason) otherwise."""
        claims = self._verified_claims(token, ACCESS_TOKEN_TYPE)
        self._check_times(claims, time.time() if now is None else now, ACCESS_TOKEN_SECONDS)
        audiences = claims.get("aud")
        if audiences != self.api_audience and (
            not isinstance(audiences, list) or self.api_audience not in audiences
        ):
            raise TokenInvalid("wrong_audience")
        try:
            return AccessClaims(
                subject=str(claims["sub"]),
                client_id=str(claims["client_id"]),
                scopes=frozenset(str(claims.get("scope", "")).split()),
                issued_at=int(claims["iat"]),
                expires_at=int(claims["exp"]),
                token_id=str(claims["jti"]),
                kind=str(claims["kind"]),
                consent_id=claims.get("consent_id"),
                session_id=claims.get("sid"),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise TokenInvalid("missing_claim") from error

    def verify_id_token(self, token: str, *, audience: str, now: float | None = None) -> dict[str, Any]:
        """The claims of an ID token this provider issued to ``audience`` (used for logout hints)."""
        claims = self._verified_claims(token, "JWT")
        self._check_times(claims, time.time() if now is None else now, 24 * 60 * 60, expiry=False)
        audiences = claims.get("aud")
        if audiences != audience and (not isinstance(audiences, list) or audience not in audiences):
            raise TokenInvalid("wrong_audience")
        return claims

    def _verified_claims(self, token: str, typ: str) -> dict[str, Any]:
        if not isinstance(token, str) or token.count(".") != 2 or len(token) > 8192:
            raise TokenInvalid("malformed")
        try:
            compact = jws.deserialize_compact(token, self.key.jwk, algorithms=[ALGORITHM])
        except JoseError as error:
            raise TokenInvalid(_jose_reason(error)) from error
        except (ValueError, TypeError) as error:
            raise TokenInvalid("malformed") from error
        header = compact.protected
        if header.get("typ", "JWT") != typ or header.get("kid") not in (None, self.key.key_id):
            raise TokenInvalid("wrong_type")
        try:
            claims = json.loads(compact.payload)
        except ValueError as error:
            raise TokenInvalid("malformed") from error
        if not isinstance(claims, dict) or claims.get("iss") != self.issuer:
            raise TokenInvalid("wrong_issuer")
        return claims

    @staticmethod
    def _check_times(claims: dict[str, Any], now: float, lifetime: int, *, expiry: bool = True) -> None:
        issued, expires = claims.get("iat"), claims.get("exp")
        if not isinstance(issued, int) or not isinstance(expires, int):
            raise TokenInvalid("missing_claim")
        if issued > now + CLOCK_SKEW_SECONDS:
            raise TokenInvalid("issued_in_future")
        if expiry and (expires <= now or issued < now - lifetime - CLOCK_SKEW_SECONDS):
            raise TokenInvalid("expired")
        if expires - issued > lifetime + CLOCK_SKEW_SECONDS:
            raise TokenInvalid("lifetime_too_long")
        not_before = claims.get("nbf")
        if isinstance(not_before, int) and not_before > now + CLOCK_SKEW_SECONDS:
            raise TokenInvalid("not_yet_valid")


def _jose_reason(error: JoseError) -> str:
    name = type(error).__name__
    if "Signature" in name:
        return "bad_signature"
    if "Algorithm" in name:
        return "algorithm_not_allowed"
    return "malformed"


def token_hash(secret: str) -> str:
    """How codes and refresh tokens are stored: their SHA-256 (they are long random strings)."""
    return hashlib.sha256(secret.encode()).hexdigest()
