"""The proactive job commits in steps (access log before reading, notices in batches). The suite's
``session`` rolls such commits back on PostgreSQL (they release savepoints), but on SQLite the pysqlite
driver runs a SAVEPOINT outside any transaction, so releasing it commits for real. Here, on SQLite, the
driver is told to leave transactions to us and the outer transaction is begun explicitly, so the job's
commits are savepoint releases inside it and everything is rolled back after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    driver = connection.connection.driver_connection
    sqlite = engine.dialect.name == "sqlite"
    before = getattr(driver, "isolation_level", None)
    if sqlite:
        driver.isolation_level = None  # type: ignore[union-attr]
    outer = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        if sqlite:
            driver.isolation_level = before  # type: ignore[union-attr]
        connection.close()
