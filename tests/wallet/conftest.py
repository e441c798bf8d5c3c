"""The real-browser fixtures (``served``, ``base_url``, ``browser``) are the ones in tests/web/conftest.py,
imported here so that test_browser_wallet.py can use them from this folder; nothing is copied."""

from tests.web.conftest import base_url, browser, served

__all__ = ["base_url", "browser", "served"]
