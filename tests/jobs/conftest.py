"""A real job queue per test: huey on a SQLite file, or on the PostgreSQL test database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from huey import Huey
from sqlalchemy import Engine

from kezek.jobs import build_huey, use_huey
from kezek.settings import get_settings


@pytest.fixture
def queue(engine: Engine, tmp_path: Path) -> Iterator[Huey]:
    """SqliteHuey on a temporary file beside a SQLite database; huey's SQL storage on PostgreSQL."""
    if engine.dialect.name == "sqlite":
        huey = build_huey(f"sqlite:///{tmp_path / 'kezek.db'}")
    else:
        huey = build_huey(engine.url.render_as_string(hide_password=False))
    assert not huey.immediate
    huey.flush()
    with use_huey(huey):
        yield huey
    huey.flush()
    huey.storage.close()


@pytest.fixture
def jobs_see_test_database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Jobs open their own unit of work on the configured database: point it at the test one."""
    monkeypatch.setenv("KEZEK_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
