"""What the running application holds: settings, database and the catalog's search index."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from nara import catalog
from nara.settings import Settings

_RECHECK_SECONDS = 5.0


class CatalogSearch:
    """The catalog's search index; when the stored catalog changes (checked every few seconds, in the
    background) a new index is built while the old one keeps answering."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._index: catalog.SearchIndex | None = None
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
                        self._version = version
            finally:
                self._checked_at = time.monotonic()
                self._refreshing = False


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    search: CatalogSearch
