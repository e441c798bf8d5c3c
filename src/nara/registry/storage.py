"""Each agency registry's own database: one table of records per registry, in its own file or schema.

``url`` names where registries live. With ``{agency}`` in it (the SQLite default:
``sqlite:///var/registries/{agency}.db``) every registry gets its own database; without it (PostgreSQL)
they share a server but each owns a schema ``registry_<agency>``. Either way no registry can join another's
tables, and Nara's own database holds none of their data: they are read only through the exchange.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeEngine

from nara.kernel.clock import today
from nara.kernel.db import make_engine
from nara.registry import synthetic
from nara.registry.catalogue import Catalogue, Fact, catalogue

_TYPES: dict[str, Callable[[], TypeEngine[Any]]] = {
    "date": Date,
    "integer": BigInteger,
    "boolean": Boolean,
    "code": lambda: String(40),
    "text": lambda: String(200),
}
_POPULATION_COLUMNS = {"household_size": "household_size"}  # registry column → population column
# Registry-only columns (made up for the synthetic residents): no population column, no rule reads them.
_DERIVED = {"name", "address", "photo_hash"}
# Read from the population with every record: what the made-up values are drawn from.
_CONTEXT = {"person_id", "household_id", "relation", "region", "birth_date"}
_POLARS: dict[str, pl.DataType] = {
    "date": pl.Date(),
    "integer": pl.Int64(),
    "boolean": pl.Boolean(),
    "code": pl.String(),
    "text": pl.String(),
}
_IN_LIST = 500  # ids per IN (…) list
_BATCH = 20_000
Progress = Callable[[str, int], None]


class RegistryStore:
    """Where every agency's registry lives; opens one engine per registry on first use."""

    def __init__(self, url: str, facts: Catalogue | None = None) -> None:
        self.url = url
        self.catalogue = facts or catalogue()
        self._engines: dict[str, Engine] = {}
        self._shared: Engine | None = None  # the database of every registry's schema, when they share one
        self._tables = {
            code: _records_table(self.catalogue.facts_of(code)) for code in self.catalogue.agencies
        }

    def engine(self, agency: str) -> Engine:
        if agency not in self._engines:
            self._engines[agency] = self._open(agency)
        return self._engines[agency]

    def _open(self, agency: str) -> Engine:
        if "{agency}" in self.url:
            return make_engine(self.url.replace("{agency}", agency))
        if self._shared is None:
            self._shared = make_engine(self.url)
            if self._shared.dialect.name == "sqlite":
                raise ValueError("SQLite registries need {agency} in NARA_REGISTRY_URL (one file per registry).")
        # One schema per registry in one database: one pool of connections for all of them.
        return self._shared.execution_options(schema_translate_map={None: f"registry_{agency}"})

    def table(self, agency: str) -> Table:
        return self._tables[agency]

    def create(self) -> None:
        """Create every registry's table (and schema) if missing."""
        for agency, table in self._tables.items():
            engine = self.engine(agency)
            with engine.begin() as connection:
                if "{agency}" not in self.url:
                    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "registry_{agency}"'))
                table.metadata.create_all(connection)

    def drop(self) -> None:
        for agency, table in self._tables.items():
            with self.engine(agency).begin() as connection:
                table.metadata.drop_all(connection)

    def counts(self) -> dict[str, int]:
        """Records held by each registry."""
        counts = {}
        for agency, table in self._tables.items():
            with self.engine(agency).connect() as connection:
                counts[agency] = connection.scalar(select(func.count()).select_from(table)) or 0
        return counts

    def load(self, population: Path, progress: Progress | None = None) -> dict[str, int]:
        """Replace every registry's records with the synthetic population in ``population`` (Parquet).

        A column the population lacks (체납 여부) is made up for the day of loading (registry/synthetic.py)."""
        self.create()
        loaded, on = {}, today()
        for agency, table in self._tables.items():
            with self.engine(agency).begin() as connection:
                connection.execute(delete(table))
                loaded[agency] = 0
                facts = self.catalogue.facts_of(agency)
                partial = self.catalogue.is_partial(agency)
                for rows in _registry_rows(population, facts, partial=partial, on=on):
                    connection.execute(insert(table), rows)
                    loaded[agency] += len(rows)
                    if progress:
                        progress(agency, loaded[agency])
        return loaded

    def read(self, agency: str, subject: str, facts: list[Fact]) -> dict[str, Any] | None:
        """The facts this registry holds about ``subject``; None when it has no record of them.

        A partial registry's silence is an answer: its facts' ``absent`` values.
        """
        table = self._tables[agency]
        query = select(*(table.c[fact.column] for fact in facts)).where(table.c.person_id == subject)
        with self.engine(agency).connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return {fact.name: fact.absent for fact in facts} if self.catalogue.is_partial(agency) else None
        return {fact.name: _plain(row[fact.column]) for fact in facts}

    def knows(self, subject: str) -> bool:
        """Whether the resident registry has this person."""
        table = self._tables["resident"]
        with self.engine("resident").connect() as connection:
            return (
                connection.scalar(select(table.c.person_id).where(table.c.person_id == subject)) is not None
            )

    def household_of(self, subject: str) -> list[str]:
        """Everyone registered in ``subject``'s household (세대원), the subject first; empty if unknown."""
        table = self._tables["resident"]
        household = select(table.c.household_id).where(table.c.person_id == subject).scalar_subquery()
        query = select(table.c.person_id).where(table.c.household_id == household).order_by(table.c.person_id)
        with self.engine("resident").connect() as connection:
            members = [str(person_id) for person_id in connection.scalars(query)]
        return sorted(members, key=lambda person: person != subject)

    def households_of(self, persons: Iterable[str]) -> dict[str, list[str]]:
        """Everyone the resident registry lists in the households of ``persons``, by household id."""
        table = self._tables["resident"]
        found: dict[str, list[str]] = defaultdict(list)
        with self.engine("resident").connect() as connection:
            households: set[str] = set()
            for chunk in _chunks(sorted(set(persons))):
                query = select(table.c.household_id).where(table.c.person_id.in_(chunk))
                households.update(str(household) for household in connection.scalars(query))
            for chunk in _chunks(sorted(households)):
                rows = select(table.c.person_id, table.c.household_id).where(table.c.household_id.in_(chunk))
                for person_id, household_id in connection.execute(rows):
                    found[str(household_id)].append(str(person_id))
        return {household: sorted(people) for household, people in found.items()}

    def facts_for(self, columns: Iterable[str] | None) -> list[Fact]:
        """The facts ``extract`` reads for these population columns (None: every fact with one)."""
        wanted = None if columns is None else set(columns)
        return [
            fact
            for fact in self.catalogue.facts.values()
            if fact.column not in _DERIVED and (wanted is None or _population_column(fact) in wanted)
        ]

    def extract(self, out: Path, households: set[str] | None, columns: Iterable[str] | None = None) -> int:
        """Reassemble a population-shaped Parquet file (one row per person, household facts on each row,
        households contiguous) from every registry, for ``households`` (None: everyone); returns the rows.

        ``columns``: the population columns wanted (default: every one a registry holds). The registries
        are read one by one and joined by person id here, never by one registry's SQL: a person a
        partial registry does not list gets its facts' ``absent`` values, a person a full registry does
        not list gets nulls (unknown), as the exchange would answer."""
        wanted = None if columns is None else list(columns)
        people = self._records("resident", wanted, None if households is None else sorted(households))
        persons = None if households is None else people["person_id"].to_list()
        for agency in self._tables:
            if agency != "resident":
                records = self._records(agency, wanted, persons)
                if records.width > 1:
                    people = self._joined(agency, people, records)
        people = people.sort("household_id", "person_id")
        out.parent.mkdir(parents=True, exist_ok=True)
        people.write_parquet(out, compression="zstd")
        return people.height

    def _records(self, agency: str, wanted: list[str] | None, among: list[str] | None) -> pl.DataFrame:
        """A registry's records as a frame named by population columns (only ``wanted`` ones): the
        resident registry's for the households ``among``, another's for the persons ``among`` (None: all)."""
        table = self._tables[agency]
        keys = ["person_id", "household_id"] if agency == "resident" else ["person_id"]
        facts = [fact for fact in self.facts_for(wanted) if fact.registry == agency]
        schema = {key: pl.String() for key in keys} | {_population_column(f): _POLARS[f.type] for f in facts}
        query = select(*(table.c[key] for key in keys), *(table.c[fact.column] for fact in facts))
        by = table.c.household_id if agency == "resident" else table.c.person_id
        with self.engine(agency).connect() as connection:
            if among is None:
                rows = [tuple(row) for row in connection.execute(query)]
            else:
                rows = [
                    tuple(row)
                    for chunk in _chunks(among)
                    for row in connection.execute(query.where(by.in_(chunk)))
                ]
        return pl.DataFrame(rows, schema=schema, orient="row")

    def _joined(self, agency: str, people: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
        if not self.catalogue.is_partial(agency):
            return people.join(records, on="person_id", how="left")
        held = "_held"
        joined = people.join(records.with_columns(pl.lit(True).alias(held)), on="person_id", how="left")
        absent = {
            _population_column(fact): fact.absent
            for fact in self.catalogue.facts_of(agency)
            if _population_column(fact) in records.columns
        }
        return joined.with_columns(
            pl.when(pl.col(held).is_null())
            .then(pl.lit(value, dtype=joined[name].dtype))
            .otherwise(pl.col(name))
            .alias(name)
            for name, value in absent.items()
        ).drop(held)

    def find_resident(self, name: str, birth_date: date) -> list[str]:
        """The person ids the resident registry holds under this name and birth date (본인확인)."""
        table = self._tables["resident"]
        query = select(table.c.person_id).where(table.c.name == name, table.c.birth_date == birth_date)
        with self.engine("resident").connect() as connection:
            return [str(person_id) for person_id in connection.scalars(query.limit(5))]

    def residents(self, limit: int, offset: int = 0) -> list[dict[str, Any]]:
        """Householders in the resident registry (for `nara identity sample-residents` in development)."""
        table = self._tables["resident"]
        query = (
            select(
                table.c.person_id, table.c.name, table.c.birth_date, table.c.region, table.c.household_size
            )
            .where(table.c.relation == "self")
            .order_by(table.c.household_id)
            .limit(limit)
            .offset(offset)
        )
        with self.engine("resident").connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        if self._shared is not None:
            self._shared.dispose()
            self._shared = None
        self._engines.clear()


def _records_table(facts: list[Fact]) -> Table:
    columns = [
        Column("person_id", String(20), primary_key=True),
        Column("household_id", String(20), nullable=False, index=True),
    ]
    columns += [Column(fact.column, _TYPES[fact.type]()) for fact in facts]
    return Table("records", MetaData(), *columns)


def _registry_rows(
    population: Path, facts: list[Fact], *, partial: bool, on: date
) -> Iterator[list[dict[str, Any]]]:
    """The population's rows as this registry's records, in batches (a partial registry's only)."""
    source = pq.ParquetFile(population)
    wanted = _CONTEXT | {_population_column(f) for f in facts if f.column not in _DERIVED}
    columns = sorted(wanted & set(source.schema_arrow.names))
    for batch in source.iter_batches(batch_size=_BATCH, columns=columns):
        rows = []
        for person in batch.to_pylist():
            record = {"person_id": person["person_id"], "household_id": person["household_id"]}
            for fact in facts:
                record[fact.column] = _population_value(fact.column, person, on)
            if not partial or any(record[fact.column] != fact.absent for fact in facts):
                rows.append(record)
        if rows:
            yield rows


def _population_column(fact: Fact) -> str:
    return _POPULATION_COLUMNS.get(fact.column, fact.column)


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_LIST):
        yield values[start : start + _IN_LIST]


def _population_value(column: str, person: dict[str, Any], on: date) -> Any:
    """The population's value, or one made up for a synthetic resident where it has none."""
    named = _POPULATION_COLUMNS.get(column, column)
    if column not in _DERIVED and named in person:
        return person[named]
    if column == "name":
        return synthetic.person_name(person["person_id"], person["household_id"], person["relation"])
    if column == "address":
        return synthetic.address(person["household_id"], person["region"])
    if column == "photo_hash":
        return synthetic.photo_hash(person["person_id"])
    if column == "tax_arrears":
        return synthetic.tax_arrears(person["person_id"], person["birth_date"], on)
    raise KeyError(f"the population has no column {named!r}")


def _plain(value: Any) -> Any:
    """A value as JSON carries it: dates as ISO text."""
    return value.isoformat() if isinstance(value, date) else value
