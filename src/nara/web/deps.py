"""FastAPI dependencies: a database session per request, the search index."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from nara import catalog
from nara.web.state import AppState


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.nara
    return state


def db_session(request: Request) -> Iterator[Session]:
    """One session per request; the route owns the transaction."""
    with app_state(request).sessions() as session:
        yield session


async def search_index(request: Request) -> catalog.SearchIndex:
    """The search index (never blocks: a changed catalog is re-indexed in the background)."""
    return app_state(request).search.index()
