"""The hand-written migration 0006 builds exactly the tables the notices models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from nara.app import METADATA

TABLES = {
    "notices_notices",
    "notices_deliveries",
    "notices_channel_choices",
    "notices_bills",
    "notices_payments",
}


def _table_of(diff: Any) -> str:
    while isinstance(diff, list):  # column changes come as lists of tuples
        diff = diff[0]
    for part in diff[1:]:
        name = getattr(part, "name", None) if not isinstance(part, str) else part
        table = getattr(part, "table", None)
        if table is not None:
            return str(table.name)
        if name in TABLES:
            return str(name)
    return ""


def test_the_migration_matches_the_models(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, METADATA)
    assert [d for d in diffs if _table_of(d) in TABLES] == []


def test_the_unique_keys_that_make_sending_and_paying_idempotent_exist(engine: Engine) -> None:
    found = inspect(engine)
    uniques = {
        table: {tuple(u["column_names"]) for u in found.get_unique_constraints(table)}
        for table in ("notices_notices", "notices_bills", "notices_payments", "notices_deliveries")
    }
    assert ("person_id", "dedupe_key") in uniques["notices_notices"]
    assert ("person_id", "dedupe_key") in uniques["notices_bills"]
    assert {("bill_id",), ("person_id", "idempotency_key")} <= uniques["notices_payments"]
    assert ("notice_id", "channel") in uniques["notices_deliveries"]
