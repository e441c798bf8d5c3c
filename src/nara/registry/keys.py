"""One Ed25519 signing key per agency registry, and the published set of their public keys (JWKS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nara.kernel.signing import SigningKey, load_or_create_key


class AgencyKeys:
    """Keys in ``folder`` as ``registry-<agency>.pem``, made on first use (development)."""

    def __init__(self, folder: Path, agencies: list[str]) -> None:
        self.folder = folder
        self.agencies = agencies
        self._keys: dict[str, SigningKey] = {}

    def key(self, agency: str) -> SigningKey:
        if agency not in self._keys:
            self._keys[agency] = load_or_create_key(self.folder / f"registry-{agency}.pem")
        return self._keys[agency]

    def jwks(self) -> dict[str, Any]:
        """{"keys": [...]} with each key's agency, as consumers need it to check responses."""
        return {"keys": [self.key(agency).public_jwk() | {"agency": agency} for agency in self.agencies]}
