"""Settings: insecure defaults are refused outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nara.settings import Settings


def test_development_accepts_the_default_secret() -> None:
    assert Settings(env="development").env == "development"


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="NARA_SECRET_KEY must be set"):
        Settings(env="production")


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", secret_key="short")


def test_secret_is_masked() -> None:
    settings = Settings(env="production", secret_key="s" * 40, public_url="https://nara.example")
    assert "s" * 40 not in repr(settings)


def test_production_needs_an_https_public_address() -> None:
    with pytest.raises(ValidationError, match="https"):
        Settings(env="production", secret_key="s" * 40, public_url="http://nara.example")
