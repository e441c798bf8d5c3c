"""Ed25519 signing keys and compact JWS.

Keys sign the access log's checkpoints, each agency registry's responses and citizens' downloads; they
live in PEM files, made on first use in development. JWS uses the fully-specified ``Ed25519`` algorithm
(RFC 9864) and nothing else: a token naming any other algorithm is refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from nara.kernel.keyfiles import read_or_create


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        """The first 16 hex digits of the SHA-256 of the raw public key."""
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]

    def sign(self, message: bytes) -> str:
        return base64.urlsafe_b64encode(self.private.sign(message)).decode().rstrip("=")

    def public_jwk(self) -> dict[str, str]:
        """The public key as a JWK (RFC 8037), with its key id."""
        return public_jwk(self.public) | {"kid": self.key_id, "alg": JWS_ALGORITHM, "use": "sig"}

    def sign_jws(self, payload: Mapping[str, Any], typ: str) -> str:
        """``payload`` as a compact JWS signed with this key (header: alg, kid, typ)."""
        header = {"alg": JWS_ALGORITHM, "kid": self._key_id, "typ": typ}
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        signing_input = f"{_b64(_json(header))}.{_b64(body)}"
        return f"{signing_input}.{self.sign(signing_input.encode('ascii'))}"

    @cached_property
    def _key_id(self) -> str:
        return self.key_id


JWS_ALGORITHM = "Ed25519"


class SignatureInvalid(ValueError):
    """A JWS that is malformed, names an unknown key or algorithm, or whose signature does not match."""


@lru_cache(maxsize=256)
def _okp_public(x: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_unb64(x))


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(part: str) -> bytes:
    """Unpadded base64url (RFC 7515 §2) and nothing else: a stray character is an error, not skipped."""
    if not _BASE64URL.fullmatch(part) or len(part) % 4 == 1:
        raise ValueError("base64url가 아닙니다.")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(raw).decode().rstrip("=")}


def read_jws(token: str, keys: Mapping[str, Mapping[str, str]], typ: str) -> tuple[dict[str, str], Any]:
    """The header and JSON payload of a compact JWS signed by one of ``keys`` (public JWKs by key id).

    Raises SignatureInvalid, saying why, for anything else: a bad shape, an unknown key, another
    algorithm or type, a changed byte.
    """
    parts = token.split(".")
    try:
        if len(parts) != 3:
            raise ValueError("세 부분이 아닙니다.")
        header = json.loads(_unb64(parts[0]))
    except ValueError as error:
        raise SignatureInvalid("JWS 형식이 아닙니다.") from error
    if not isinstance(header, dict) or header.get("alg") != JWS_ALGORITHM:
        raise SignatureInvalid(f"서명 알고리즘은 {JWS_ALGORITHM}만 받습니다.")
    if header.get("typ") != typ:
        raise SignatureInvalid(f"문서 종류(typ)가 {typ}가 아닙니다.")
    jwk = keys.get(str(header.get("kid")))
    if jwk is None:
        raise SignatureInvalid(f"알 수 없는 서명 키입니다: {header.get('kid')}")
    try:
        public = _okp_public(str(jwk.get("x")))
        public.verify(_unb64(parts[2]), f"{parts[0]}.{parts[1]}".encode("ascii"))
        return header, json.loads(_unb64(parts[1]))
    except (InvalidSignature, ValueError) as error:
        raise SignatureInvalid("서명이 내용과 맞지 않습니다: 위조되었거나 바뀌었습니다.") from error


def verify_signature(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_or_create_key(path: Path) -> SigningKey:
    """The key in ``path`` (PKCS#8 PEM); a new one is written there (mode 0600) if there is none."""
    key = serialization.load_pem_private_key(read_or_create(path, _new_key_pem), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path}: Ed25519 개인 키가 아닙니다.")
    return SigningKey(key)


def _new_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
