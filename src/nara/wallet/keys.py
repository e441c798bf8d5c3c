"""P-256 keys (ES256) for the issuer, verifiers and holders, and signed JWTs of a fixed ``typ``.

Signing goes through wallet-core's ``jose`` module; reading a JWT here checks, in order: the shape, the
algorithm (ES256 only), the ``typ``, then the signature, then (if asked) ``exp``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from nara.kernel.keyfiles import read_or_create
from nara.wallet import jose

ALG = "ES256"


class JwtRejected(ValueError):
    """A JWT that is malformed, of another type or algorithm, badly signed or expired; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def key_from_pem(pem: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("not a P-256 private key")
    return key


def load_or_create(path: Path) -> ec.EllipticCurvePrivateKey:
    """The P-256 key in ``path`` (PKCS#8 PEM); a new one is written there (mode 0600) if there is none."""
    return key_from_pem(read_or_create(path, lambda: key_pem(new_key())))


def public_jwk(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> dict[str, str]:
    return jose.public_jwk(key)


def thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) of an EC public key.

    >>> len(thumbprint(public_jwk(new_key())))
    43
    """
    members = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    return jose.b64url_encode(hashlib.sha256(jose.json_bytes(dict(sorted(members.items())))).digest())


def key_id(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    return thumbprint(public_jwk(key))[:16]


def sign_jwt(claims: Mapping[str, Any], key: ec.EllipticCurvePrivateKey, typ: str, **header: Any) -> str:
    return jose.sign_compact({"alg": ALG, "typ": typ, **header}, claims, key)


def read_jwt(
    token: str,
    key: Mapping[str, Any] | ec.EllipticCurvePublicKey | None,
    typ: str,
    *,
    now: float | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a compact ES256 JWT of type ``typ`` signed by ``key``.

    With ``key=None`` the key is the header's ``jwk`` (a proof of possession: the caller then checks
    which key that was)."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise JwtRejected("malformed")
    try:
        header, claims = jose.decode_json_part(parts[0]), jose.decode_json_part(parts[1])
        signature = jose.b64url_decode(parts[2])
    except jose.JoseError as error:
        raise JwtRejected("malformed") from error
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JwtRejected("malformed")
    if header.get("alg") != ALG:
        raise JwtRejected("algorithm")
    if header.get("typ") != typ:
        raise JwtRejected("typ")
    verifying = key if key is not None else header.get("jwk")
    if not isinstance(verifying, Mapping | ec.EllipticCurvePublicKey) or "d" in (header.get("jwk") or {}):
        raise JwtRejected("key")
    try:
        good = jose.verify(
            ALG, jose.public_key(verifying), f"{parts[0]}.{parts[1]}".encode("ascii"), signature
        )
    except jose.JoseError as error:
        raise JwtRejected("key") from error
    if not good:
        raise JwtRejected("signature")
    expires = claims.get("exp")
    if isinstance(expires, int | float) and expires <= (time.time() if now is None else now):
        raise JwtRejected("expired")
    return header, claims
