"""Test set-up: a real database per run (SQLite, or PostgreSQL when NARA_TEST_TARGET=postgresql).

The schema is built by the real migrations; the curated catalog is seeded once; each test that writes
runs inside an outer transaction that is rolled back afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from nara import catalog, registry
from nara.app import METADATA, create_app
from nara.kernel.db import make_engine, session_factory, transaction
from nara.schema import upgrade
from nara.settings import PROJECT_ROOT, Settings

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


def _database_url(tmp_root: Path) -> str:
    if os.environ.get("NARA_TEST_TARGET") == "postgresql":
        url = os.environ.get("NARA_TEST_DATABASE_URL")
        if not url:
            pytest.exit("NARA_TEST_TARGET=postgresql needs NARA_TEST_DATABASE_URL", returncode=2)
        return url
    return f"sqlite:///{tmp_root / 'nara-test.db'}"


def _reset_schema(engine: Engine) -> None:
    METADATA.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _database_url(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    _reset_schema(engine)
    upgrade(database_url)
    with transaction(session_factory(engine)) as session:
        catalog.do_seed_catalog(session)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test (savepoints let the code commit freely)."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture(scope="session")
def curated_index(engine: Engine) -> catalog.SearchIndex:
    with session_factory(engine)() as session:
        return catalog.build_search_index(session)


@pytest.fixture(scope="session")
def registry_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite file per registry, or one schema per registry in the PostgreSQL test database."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path_factory.mktemp('registries')}/{{agency}}.db"
    return database_url


@pytest.fixture(scope="session")
def registries(
    registry_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[registry.RegistryStore]:
    """Every agency registry, loaded from a small generated population (``population`` fixture)."""
    from tests.factories import make_population

    store = registry.RegistryStore(registry_url)
    store.drop()
    store.load(make_population(tmp_path_factory.mktemp("population") / "population.parquet"))
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def exchange(engine: Engine, registries: registry.RegistryStore, keys_dir: Path) -> registry.Exchange:
    """The exchange over the test registries; it commits its access-log records, like the real one."""
    keys = registry.AgencyKeys(keys_dir, list(registries.catalogue.agencies))
    return registry.Exchange(session_factory(engine), registries, keys)


@pytest.fixture(scope="session")
def app_settings(database_url: str, registry_url: str, keys_dir: Path) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key="t" * 40,
        registry_url=registry_url,
        registry_keys_dir=keys_dir,
        audit_key_path=keys_dir / "audit.pem",
        download_key_path=keys_dir / "download.pem",
        provider_key_path=keys_dir / "provider.pem",
        outbox_path=keys_dir / "outbox.jsonl",
        notices_outbox_dir=keys_dir / "notices-outbox",
        proactive_dir=keys_dir / "proactive",
        public_url="http://localhost:8000",
    )


@pytest.fixture(scope="session")
def client(
    engine: Engine, registries: registry.RegistryStore, app_settings: Settings
) -> Iterator[TestClient]:
    app = create_app(app_settings)
    with TestClient(app, base_url=app_settings.public_url, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def national_dump() -> Path:
    path = SHARED_DATA / "gov24-benefitmatch" / "benefits_20250726_e0cfd850.json.gz"
    if not path.exists():
        pytest.skip(f"national catalog dump not present at {path} (../shared/data is optional)")
    return path
