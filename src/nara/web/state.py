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
    """The catalog's search index, rebuilt when the stored catalog changes (checked every few seconds)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._index: catalog.SearchIndex | None = None
        self._version: tuple[int, str] | None = None
        self._checked_at = 0.0

    def index(self) -> catalog.SearchIndex:
        """The current index (built on first use)."""
        if self._index is not None and time.monotonic() - self._checked_at < _RECHECK_SECONDS:
            return self._index
        with self._lock:
            with self._sessions() as session:
                version = catalog.catalog_version(session)
                if self._index is None or version != self._version:
                    self._index = catalog.build_search_index(session)
                    self._version = version
            self._checked_at = time.monotonic()
            return self._index


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    search: CatalogSearch
