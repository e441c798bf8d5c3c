"""Encryption at rest for the wallet store and verifiers' signing keys: AES-256-GCM under a key derived
from NARA_SECRET_KEY (HKDF-SHA256, one key per purpose), so a copy of the database alone reveals no
holder key and no credential. Each value carries its random 96-bit nonce; the row's id is bound as
associated data, so a ciphertext moved to another row does not decrypt.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE = 12


class VaultError(ValueError):
    """A stored value that does not decrypt: changed, moved to another row, or another secret key."""


class Vault:
    def __init__(self, secret: bytes, purpose: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"nara-wallet", info=purpose.encode()).derive(
            secret
        )
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, row_id: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext, row_id.encode())

    def open(self, sealed: bytes, row_id: str) -> bytes:
        try:
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], row_id.encode())
        except (InvalidTag, ValueError) as error:
            raise VaultError("stored value does not decrypt") from error

    def seal_json(self, value: Any, row_id: str) -> bytes:
        return self.seal(json.dumps(value, separators=(",", ":")).encode(), row_id)

    def open_json(self, sealed: bytes, row_id: str) -> Any:
        return json.loads(self.open(sealed, row_id))
