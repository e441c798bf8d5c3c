"""The log's Ed25519 signing key: loaded from a PEM file, made on first use in development."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


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


def verify_signature(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    try:
        public.verify(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def load_or_create_key(path: Path) -> SigningKey:
    """The key in ``path`` (PKCS#8 PEM); a new one is written there (mode 0600) if there is none."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path}: Ed25519 개인 키가 아닙니다.")
        return SigningKey(key)
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return SigningKey(key)
