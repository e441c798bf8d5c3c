"""Fixtures for the real-browser tests (tests/web/test_browser*.py); helpers live in browsing.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.web.browsing import CHROMIUM, NO_CHROMIUM, chromium, nara_served

from nara.settings import Settings


@pytest.fixture(scope="module")
def served(engine: object, registries: object, app_settings: Settings) -> Iterator[tuple[str, Any]]:
    """Nara on a free port for one test module: (its public address, the app); skipped without chromium."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with nara_served(app_settings) as url_and_app:
        yield url_and_app


@pytest.fixture(scope="module")
def base_url(served: tuple[str, Any]) -> str:
    return served[0]


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    with chromium() as launched:
        yield launched
