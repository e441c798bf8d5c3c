"""Applying the database migrations (Alembic scripts in the project's ``migrations/`` folder)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from nara.settings import PROJECT_ROOT


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for ``database_url``, without needing alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at ``database_url`` to ``revision``."""
    command.upgrade(alembic_config(database_url), revision)
