"""Database engine, declarative base and transactions (SQLite embedded, PostgreSQL in production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base every domain's models derive from."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite would hand back naive datetimes)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use nara.kernel.clock.utcnow()")
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Connections a process keeps open (PostgreSQL): as many as requests a worker's thread pool runs at once
# is about right; SQLAlchemy's default of 5 closed and reopened the rest with every busy moment (a new
# backend process each time).
POOL_SIZE = 10
POOL_OVERFLOW = 10
SQLITE_BUSY_TIMEOUT = 30.0  # seconds a writer waits for another's transaction before "database is locked"


def make_engine(database_url: str, **options: Any) -> Engine:
    """An engine for ``database_url``; SQLite files get their folder, foreign keys, WAL, a writer that
    waits its turn (several server workers write at once) and savepoints inside a real transaction."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW} | options
        return create_engine(url, pool_pre_ping=True, **pool)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}
    engine = create_engine(url, connect_args=connect_args, **options)
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "savepoint", _begin_before_savepoint)
    return engine


def _begin_before_savepoint(connection: Any, _name: str) -> None:
    """pysqlite begins a transaction only before an INSERT, UPDATE or DELETE, not before a SAVEPOINT: a
    savepoint as a transaction's first write ran outside any transaction, so releasing it committed at
    once and a later rollback (or a crash) could not take it back. Begin first."""
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` that keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back if it raises."""
    with sessions() as session, session.begin():
        yield session
