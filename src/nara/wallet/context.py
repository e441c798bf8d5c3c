"""What the wallet's three parties need at run time, made once by the application.

The issuer (Nara, on behalf of the agencies), the verifiers' service and the web wallet run in one
process here but keep to their roles: each uses only its own keys and tables and reaches the others
through the protocol endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.orm import Session, sessionmaker

from nara import identity, registry
from nara.wallet import keys
from nara.wallet.vault import Vault

if TYPE_CHECKING:
    from nara.wallet.statuses import StatusChecker

API = "/api/v1/wallet"


@dataclass
class WalletContext:
    sessions: sessionmaker[Session]
    exchange: registry.Exchange
    tokens: identity.TokenService
    issuer_key: ec.EllipticCurvePrivateKey
    public_url: str  # the credential issuer identifier, and the origin of every endpoint
    store_vault: Vault  # the web wallet's store
    verifier_vault: Vault  # verifiers' signing keys
    batch_size: int = 3  # one-time copies per issuance
    status_ttl: int = 60  # seconds a verifier may cache a status list
    status_list_size: int = 2**20
    offer_minutes: int = 10
    checker: StatusChecker | None = None  # the verifiers' status-list cache (set by open_wallet)

    @property
    def issuer_id(self) -> str:
        return self.public_url

    @property
    def issuer_kid(self) -> str:
        return keys.key_id(self.issuer_key)

    def url(self, path: str) -> str:
        return f"{self.public_url}{API}{path}"

    def issuer_jwks(self) -> dict[str, list[dict[str, str]]]:
        jwk = keys.public_jwk(self.issuer_key) | {"kid": self.issuer_kid, "alg": keys.ALG, "use": "sig"}
        return {"keys": [jwk]}


def open_wallet(
    sessions: sessionmaker[Session],
    exchange: registry.Exchange,
    tokens: identity.TokenService,
    *,
    keys_dir: Path,
    secret: bytes,
    public_url: str,
) -> WalletContext:
    """The wallet's context: the issuer key from ``keys_dir`` (made on first use), vaults from ``secret``."""
    from nara.wallet.statuses import StatusChecker

    ctx = WalletContext(
        sessions=sessions,
        exchange=exchange,
        tokens=tokens,
        issuer_key=keys.load_or_create(keys_dir / "wallet-issuer-p256.pem"),
        public_url=public_url.rstrip("/"),
        store_vault=Vault(secret, "wallet-store"),
        verifier_vault=Vault(secret, "verifier-keys"),
    )
    ctx.checker = StatusChecker(ctx)
    return ctx
