"""The hand-written migration 0009 builds exactly the tables the wallet's models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from nara.app import METADATA
from nara.wallet import models

TABLES = {table.name for table in METADATA.sorted_tables if table.name.startswith("wallet_")}


def _names(diff: object) -> set[str]:
    """Every table name a diff entry mentions (column and index diffs carry their table)."""
    found: set[str] = set()
    items = diff if isinstance(diff, list | tuple) else [diff]
    for item in items:
        if isinstance(item, list | tuple):
            found |= _names(item)
        elif isinstance(item, str) and item in TABLES:
            found.add(item)
        else:
            table = getattr(item, "table", None)
            name = getattr(table, "name", None) or getattr(item, "name", None)
            if isinstance(name, str) and name in TABLES:
                found.add(name)
    return found


def test_the_migration_matches_the_models(engine: Engine) -> None:
    assert models.HeldCredential.__tablename__ in TABLES
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, METADATA)
    assert [d for d in diffs if _names(d)] == []
