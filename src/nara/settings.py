"""Typed settings, read from the environment (prefix ``NARA_``) and validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class InsecureSettingsError(ValueError):
    """Raised when a production-like environment would start with a development default."""


class Settings(BaseSettings):
    """Everything Nara reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="NARA_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default=f"sqlite:///{PROJECT_ROOT / 'var' / 'nara.db'}")
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    host: str = "127.0.0.1"
    port: int = 8000
    worker_threads: int = Field(default=8, ge=1, le=200)  # blocking requests a worker runs at once
    search_page_size: int = Field(default=10, ge=1, le=100)
    audit_key_path: Path = PROJECT_ROOT / "var" / "keys" / "audit-ed25519.pem"  # made on first use if absent
    # Agency registries: one SQLite file each ({agency}), or one PostgreSQL schema each (no {agency}).
    registry_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'registries' / '{agency}.db'}"
    registry_keys_dir: Path = PROJECT_ROOT / "var" / "keys"  # registry-<agency>.pem, made on first use
    download_key_path: Path = PROJECT_ROOT / "var" / "keys" / "download-ed25519.pem"
    # Identity: the provider's public address (its OIDC issuer and the WebAuthn origin) and keys.
    public_url: str = "http://localhost:8000"  # WebAuthn needs a domain name, not an IP address
    provider_key_path: Path = PROJECT_ROOT / "var" / "keys" / "provider-rsa.pem"
    # Development only: one-time codes are written here instead of being sent by SMS.
    outbox_path: Path = PROJECT_ROOT / "var" / "outbox" / "sms.jsonl"
    # Development only: notices sent by SMS or e-mail are written here (notices-sms.jsonl, notices-email.jsonl).
    notices_outbox_dir: Path = PROJECT_ROOT / "var" / "outbox"
    # 복지멤버십 job: each run's snapshot (who could get what), which the next run compares with.
    proactive_dir: Path = PROJECT_ROOT / "var" / "proactive"

    @model_validator(mode="after")
    def _refuse_insecure_defaults(self) -> Settings:
        if self.env == "development":
            return self
        if self.secret_key.get_secret_value() == DEVELOPMENT_SECRET:
            raise InsecureSettingsError(
                "NARA_SECRET_KEY must be set to a real secret when NARA_ENV is not 'development'."
            )
        if len(self.secret_key.get_secret_value()) < 32:
            raise InsecureSettingsError("NARA_SECRET_KEY must be at least 32 characters long.")
        if self.env == "production" and not self.public_url.startswith("https://"):
            raise InsecureSettingsError("NARA_PUBLIC_URL must be an https:// address in production.")
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
