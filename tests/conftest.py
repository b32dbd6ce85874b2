"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from KEZEK_TEST_DATABASE_URL (CI sets it). Without it the PostgreSQL half is
skipped locally with that reason; under CI=true a missing URL is a failure, never a silent skip.
Tests run on the real migrated schema (Alembic), each in a transaction that is rolled back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kezek.db import make_engine, migrate
from kezek.models import Base

ENGINES = ("sqlite", "postgresql")


def postgres_url() -> str | None:
    url = os.environ.get("KEZEK_TEST_DATABASE_URL")
    if url:
        # Under pytest-xdist each worker gets its own database beside the given one (test_gw0, ...).
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        return _sibling_database(url, worker) if worker else url
    if os.environ.get("CI"):
        pytest.fail("KEZEK_TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI")
    return None


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fresh_database_url(kind: str, directory: Path, name: str) -> str:
    """An empty database of the given kind (a new SQLite file, or a reset PostgreSQL schema)."""
    if kind == "sqlite":
        return f"sqlite:///{directory / (name + '.db')}"
    url = postgres_url()
    if url is None:
        pytest.skip("PostgreSQL half skipped: set KEZEK_TEST_DATABASE_URL (CI always sets it)")
    if name != "kezek":
        url = _sibling_database(url, name)
    reset_postgres(url)
    return url


def _sibling_database(url: str, suffix: str) -> str:
    """A second PostgreSQL database on the same server (for migration tests that need an empty one)."""
    base = make_url(url)
    target = f"{base.database}_{suffix}"
    admin = make_engine(
        str(base.set(database="postgres").render_as_string(hide_password=False)), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target}"'))
    admin.dispose()
    return base.set(database=target).render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = fresh_database_url(request.param, tmp_path_factory.mktemp("db"), "kezek")
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session in a transaction that is rolled back after the test (commits become savepoints)."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def committed(engine: Engine) -> Iterator[Engine]:
    """For tests whose data must be visible to other connections (a served app, a CLI process):
    data is really committed, and every table is emptied afterwards."""
    yield engine
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


# pytest-alembic: an empty database per engine for migration tests.
@pytest.fixture(params=ENGINES)
def alembic_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    url = fresh_database_url(request.param, tmp_path, "alembic")
    eng = make_engine(url)
    yield eng
    eng.dispose()


@pytest.fixture
def alembic_config(alembic_engine: Engine) -> object:
    from pytest_alembic.config import Config

    return Config(
        alembic_config=migrate.alembic_config(alembic_engine.url.render_as_string(hide_password=False))
    )
