"""Shared helpers: a search over the curated catalog's index, and a fixed evaluation date."""

from __future__ import annotations

from datetime import date

import pytest

from nara import assistant, catalog

TODAY = date(2026, 3, 1)


@pytest.fixture(scope="session")
def search(curated_index: catalog.SearchIndex) -> assistant.SearchFn:
    return assistant.catalog_search(curated_index)


def talk(
    search: assistant.SearchFn, *messages: str, state: assistant.State | None = None
) -> tuple[list[assistant.Reply], assistant.State]:
    """Say each message in turn; every reply, and the state after the last."""
    state = state or assistant.State()
    replies = []
    for message in messages:
        answer, state = assistant.reply(state, message, search=search, today=TODAY)
        replies.append(answer)
    return replies, state
