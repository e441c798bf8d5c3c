"""Compact JWS for the wallet's formats, on ``cryptography`` directly (fast and explicit).

Only asymmetric algorithms exist here (``none`` and HMAC are not even named), and every algorithm is
tied to one key type and curve, so a key can never be used under an algorithm it was not made for.
Keys may be given as a ``joserfc`` key, a JWK ``dict`` or a ``cryptography`` key object; public keys
made from JWKs are cached, so a verifier that sees the same issuer or holder key again pays nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from joserfc.jwk import ECKey, OKPKey, RSAKey

PublicKey = ec.EllipticCurvePublicKey | Ed25519PublicKey | rsa.RSAPublicKey
PrivateKey = ec.EllipticCurvePrivateKey | Ed25519PrivateKey | rsa.RSAPrivateKey
KeyLike = ECKey | OKPKey | RSAKey | Mapping[str, Any] | PublicKey | PrivateKey


class JoseError(ValueError):
    """Malformed base64url/JSON, a key that does not fit the algorithm, or a bad signature."""


@dataclass(frozen=True)
class Algorithm:
    name: str
    family: str  # "EC", "OKP" or "RSA"
    digest: type[hashes.HashAlgorithm] | None
    curve: str | None = None  # the JWK "crv"
    size: int = 0  # bytes of r and of s (ECDSA)
    pss: bool = False


ALGORITHMS: dict[str, Algorithm] = {
    "ES256": Algorithm("ES256", "EC", hashes.SHA256, "P-256", 32),
    "ES384": Algorithm("ES384", "EC", hashes.SHA384, "P-384", 48),
    "ES512": Algorithm("ES512", "EC", hashes.SHA512, "P-521", 66),
    "EdDSA": Algorithm("EdDSA", "OKP", None, "Ed25519"),
    "Ed25519": Algorithm("Ed25519", "OKP", None, "Ed25519"),
    "RS256": Algorithm("RS256", "RSA", hashes.SHA256),
    "RS384": Algorithm("RS384", "RSA", hashes.SHA384),
    "RS512": Algorithm("RS512", "RSA", hashes.SHA512),
    "PS256": Algorithm("PS256", "RSA", hashes.SHA256, pss=True),
    "PS384": Algorithm("PS384", "RSA", hashes.SHA384, pss=True),
    "PS512": Algorithm("PS512", "RSA", hashes.SHA512, pss=True),
}
_CURVES: dict[str, ec.EllipticCurve] = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
}
_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """Base64url without padding.

    >>> b64url_encode(bytes([251, 255]))
    '-_8'
    """
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding: any other character is an error.

    >>> list(b64url_decode("-_8"))
    [251, 255]
    """
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise JoseError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise JoseError("not base64url") from error


def json_bytes(value: Any) -> bytes:
    """Compact UTF-8 JSON, as signed and hashed by the wallet."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_json_part(part: str) -> Any:
    """A base64url-encoded JSON value (a JWS header or payload, a Disclosure)."""
    raw = b64url_decode(part)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError) as error:
        raise JoseError("not JSON") from error


# --- keys -------------------------------------------------------------------------------------------


def public_key(key: KeyLike) -> PublicKey:
    """The ``cryptography`` public key of any accepted key form."""
    if isinstance(key, ec.EllipticCurvePublicKey | Ed25519PublicKey | rsa.RSAPublicKey):
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey | Ed25519PrivateKey | rsa.RSAPrivateKey):
        return key.public_key()
    if isinstance(key, ECKey | OKPKey | RSAKey):
        found = key.public_key
        if not isinstance(found, ec.EllipticCurvePublicKey | Ed25519PublicKey | rsa.RSAPublicKey):
            raise JoseError("unsupported key type")
        return found
    if isinstance(key, Mapping):
        return _public_from_jwk(_jwk_cache_key(key))
    raise JoseError("unsupported key type")


def private_key(key: KeyLike) -> PrivateKey:
    """The ``cryptography`` private key of a joserfc key, a private JWK or a key object."""
    if isinstance(key, ec.EllipticCurvePrivateKey | Ed25519PrivateKey | rsa.RSAPrivateKey):
        return key
    if isinstance(key, Mapping):
        key = _import_jwk(key)
    if isinstance(key, ECKey | OKPKey | RSAKey) and key.is_private:
        found = key.private_key
        if isinstance(found, ec.EllipticCurvePrivateKey | Ed25519PrivateKey | rsa.RSAPrivateKey):
            return found
    raise JoseError("a private signing key is needed")


def public_jwk(key: KeyLike) -> dict[str, str]:
    """The public JWK (kty, crv, x, y / n, e) of a key, without private members or metadata."""
    found = public_key(key)
    jwk: ECKey | OKPKey | RSAKey
    if isinstance(found, ec.EllipticCurvePublicKey):
        jwk = ECKey.import_key(found)
    elif isinstance(found, Ed25519PublicKey):
        jwk = OKPKey.import_key(found)
    else:
        jwk = RSAKey.import_key(found)
    return {name: value for name, value in jwk.as_dict(private=False).items() if isinstance(value, str)}


def default_alg(key: KeyLike) -> str:
    """The algorithm a key signs with: ES256/384/512 by curve, EdDSA for Ed25519, RS256 for RSA."""
    found = public_key(key)
    if isinstance(found, ec.EllipticCurvePublicKey):
        curve = _CURVE_NAMES.get(found.curve.name)
        return {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}.get(curve or "", "unsupported")
    return "EdDSA" if isinstance(found, Ed25519PublicKey) else "RS256"


def _import_jwk(jwk: Mapping[str, Any]) -> ECKey | OKPKey | RSAKey:
    kty = jwk.get("kty")
    try:
        if kty == "EC":
            return ECKey.import_key(dict(jwk))
        if kty == "OKP":
            return OKPKey.import_key(dict(jwk))
        if kty == "RSA":
            return RSAKey.import_key(dict(jwk))
    except Exception as error:  # joserfc raises several types for a bad JWK
        raise JoseError(f"bad JWK: {error}") from error
    raise JoseError("unsupported JWK kty")


def _jwk_cache_key(jwk: Mapping[str, Any]) -> tuple[str, ...]:
    kty = jwk.get("kty")
    names = {"EC": ("crv", "x", "y"), "OKP": ("crv", "x"), "RSA": ("n", "e")}.get(
        kty if isinstance(kty, str) else ""
    )
    if names is None:
        raise JoseError("unsupported JWK kty")
    values = tuple(jwk.get(name) for name in names)
    if not all(isinstance(value, str) for value in values):
        raise JoseError("JWK members must be strings")
    return (str(kty), *(str(value) for value in values))


@lru_cache(maxsize=1024)
def _public_from_jwk(members: tuple[str, ...]) -> PublicKey:
    kty, *values = members
    if kty == "EC":
        crv, x, y = values
        if crv not in _CURVES:
            raise JoseError("unsupported curve")
        numbers = ec.EllipticCurvePublicNumbers(_int(x), _int(y), _CURVES[crv])
        try:
            return numbers.public_key()  # checks that the point is on the curve
        except ValueError as error:
            raise JoseError("EC point not on curve") from error
    if kty == "OKP":
        crv, x = values
        if crv != "Ed25519":
            raise JoseError("unsupported curve")
        try:
            return Ed25519PublicKey.from_public_bytes(b64url_decode(x))
        except ValueError as error:
            raise JoseError("bad Ed25519 key") from error
    n, e = values
    return rsa.RSAPublicNumbers(_int(e), _int(n)).public_key()


def _int(text: str) -> int:
    return int.from_bytes(b64url_decode(text), "big")


# --- signatures -------------------------------------------------------------------------------------


def _check_fit(alg: Algorithm, key: PublicKey) -> None:
    if alg.family == "EC":
        if not isinstance(key, ec.EllipticCurvePublicKey) or _CURVE_NAMES.get(key.curve.name) != alg.curve:
            raise JoseError(f"{alg.name} needs an EC {alg.curve} key")
    elif alg.family == "OKP":
        if not isinstance(key, Ed25519PublicKey):
            raise JoseError(f"{alg.name} needs an Ed25519 key")
    elif not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise JoseError(f"{alg.name} needs an RSA key of at least 2048 bits")


def sign(alg_name: str, key: PrivateKey, signing_input: bytes) -> bytes:
    """The JWS signature (raw r||s for ECDSA) of ``signing_input``."""
    alg = ALGORITHMS.get(alg_name)
    if alg is None:
        raise JoseError(f"unsupported algorithm {alg_name}")
    _check_fit(alg, key.public_key())
    if isinstance(key, ec.EllipticCurvePrivateKey) and alg.digest is not None:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(alg.digest())))
        return r.to_bytes(alg.size, "big") + s.to_bytes(alg.size, "big")
    if isinstance(key, Ed25519PrivateKey):
        return key.sign(signing_input)
    if isinstance(key, rsa.RSAPrivateKey) and alg.digest is not None:
        return key.sign(signing_input, _rsa_padding(alg), alg.digest())
    raise JoseError("key does not fit the algorithm")


def verify(alg_name: str, key: PublicKey, signing_input: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is ``key``'s over ``signing_input``; a key unfit for the algorithm raises."""
    alg = ALGORITHMS.get(alg_name)
    if alg is None:
        raise JoseError(f"unsupported algorithm {alg_name}")
    _check_fit(alg, key)
    try:
        if isinstance(key, ec.EllipticCurvePublicKey) and alg.digest is not None:
            if len(signature) != 2 * alg.size:
                return False
            r = int.from_bytes(signature[: alg.size], "big")
            s = int.from_bytes(signature[alg.size :], "big")
            key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(alg.digest()))
        elif isinstance(key, Ed25519PublicKey):
            key.verify(signature, signing_input)
        elif isinstance(key, rsa.RSAPublicKey) and alg.digest is not None:
            key.verify(signature, signing_input, _rsa_padding(alg), alg.digest())
    except InvalidSignature:
        return False
    return True


def _rsa_padding(alg: Algorithm) -> padding.AsymmetricPadding:
    if alg.pss and alg.digest is not None:
        return padding.PSS(mgf=padding.MGF1(alg.digest()), salt_length=alg.digest().digest_size)
    return padding.PKCS1v15()


def sign_compact(header: Mapping[str, Any], payload: Mapping[str, Any], key: KeyLike) -> str:
    """A compact JWS of ``payload`` (compact JSON) with ``header`` (which names ``alg``)."""
    signing_input = f"{b64url_encode(json_bytes(header))}.{b64url_encode(json_bytes(payload))}"
    signature = sign(str(header["alg"]), private_key(key), signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"
