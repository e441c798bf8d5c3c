"""What the running application holds: settings, database and the catalog's search index."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from nara import catalog, identity, notices, registry, rules
from nara.kernel.ratelimit import RateLimiter
from nara.kernel.signing import SigningKey
from nara.settings import Settings

_RECHECK_SECONDS = 5.0


class CatalogSearch:
    """What is derived from the catalog — the search index and the screening rules; when the stored
    catalog changes (checked every few seconds, in the background) both are rebuilt while the old ones
    keep answering."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._index: catalog.SearchIndex | None = None
        self._screening: rules.ScreeningBook | None = None
        self._version: tuple[int, str] | None = None
        self._checked_at = 0.0
        self._refreshing = False

    def index(self) -> catalog.SearchIndex:
        """The current index (built on first use; refreshed in the background afterwards)."""
        if self._index is None:
            self.refresh()
        elif time.monotonic() - self._checked_at >= _RECHECK_SECONDS and not self._refreshing:
            self._refreshing = True
            threading.Thread(target=self.refresh, name="nara-search-refresh", daemon=True).start()
        assert self._index is not None
        return self._index

    def refresh(self) -> None:
        """Rebuild the index if the stored catalog changed since it was built."""
        with self._lock:
            try:
                with self._sessions() as session:
                    version = catalog.catalog_version(session)
                    if self._index is None or version != self._version:
                        self._index = catalog.build_search_index(session)
                        self._screening = screening_book(session)
                        self._version = version
            finally:
                self._checked_at = time.monotonic()
                self._refreshing = False

    def screening_book(self) -> rules.ScreeningBook:
        """Screening rules for every catalog service with support conditions and no full rule."""
        self.index()
        assert self._screening is not None
        return self._screening


def screening_book(session: Session) -> rules.ScreeningBook:
    """Screening rules from the catalog's imported support conditions (services without a full rule)."""
    full = {rule.service_id for rule in rules.rulebook()}
    sources = [  # most viewed first: screening results keep this order
        rules.ScreeningSource(service_id, name, conditions)
        for service_id, name, conditions, _views in catalog.support_conditions(session)
        if service_id not in full
    ]
    return rules.ScreeningBook(sources)


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    search: CatalogSearch
    exchange: registry.Exchange
    download_key: SigningKey
    tokens: identity.TokenService
    revocations: identity.TokenGate
    rate_limiter: RateLimiter
    outbox: identity.Channel
    verifier: identity.IdentityVerifier
    relying_party: identity.RelyingParty
    notice_channels: tuple[notices.Channel, ...]  # extra channels for notices (development: file outboxes)
    payment_gateway: notices.PaymentGateway  # development: notices.SimulatedGateway (no money moves)
