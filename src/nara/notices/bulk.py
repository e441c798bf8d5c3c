"""INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL: an insert that is safe to run again."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, String, Table, any_, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import QueryableAttribute, Session

from nara.kernel.db import Base

CHUNK = 1000  # rows per statement: well under both databases' limits on bound parameters
T = TypeVar("T")


def insert_ignoring_duplicates(session: Session, entity: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` in one executemany, skipping any that would break a unique constraint (a row
    that lost a race to a concurrent writer is skipped too, not an error)."""
    if not rows:
        return
    maker = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = cast(Table, entity.__table__)
    session.execute(maker(table).on_conflict_do_nothing(), list(rows))


def insert_one_ignoring_duplicate(session: Session, entity: type[Base], row: dict[str, Any]) -> bool:
    """Insert ``row`` unless it would break a unique constraint; True if it was written."""
    maker = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = cast(Table, entity.__table__)
    statement = maker(table).values(row).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return session.execute(statement).first() is not None  # (rowcount is -1 here with psycopg)


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size`` (the last may be shorter).

    >>> [len(c) for c in chunked(range(2500))]
    [1000, 1000, 500]
    """
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def among(
    session: Session, column: ColumnElement[str] | QueryableAttribute[str], values: Sequence[str]
) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL as ``= ANY(:array)``, one parameter the planner can hash or
    look up by index (a thousand separate parameters made it compare each row a thousand times)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(String())))
    return column.in_(list(values))
