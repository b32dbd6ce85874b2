"""Migrations on SQLite and on PostgreSQL: one head, upgrade, models matching the migrated schema,
and upgrade/downgrade round-trips (pytest-alembic's checks, run against both engines of the
``alembic_engine`` fixture)."""

from __future__ import annotations

import re

from pytest_alembic import MigrationContext
from pytest_alembic.tests import default as checks

from kezek.db.migrate import MIGRATIONS_DIR


def test_single_head_revision(alembic_runner: MigrationContext) -> None:
    checks.test_single_head_revision(alembic_runner)


def test_upgrade(alembic_runner: MigrationContext) -> None:
    checks.test_upgrade(alembic_runner)


def test_model_definitions_match_ddl(alembic_runner: MigrationContext) -> None:
    checks.test_model_definitions_match_ddl(alembic_runner)


def test_up_down_consistency(alembic_runner: MigrationContext) -> None:
    checks.test_up_down_consistency(alembic_runner)


def test_migration_files_are_date_prefixed() -> None:
    names = sorted(p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py"))
    assert names, "no migrations"
    for name in names:
        assert re.match(r"^\d{4}_\d{2}_\d{2}_\d{4}-[0-9a-z]+_\w+\.py$", name), name
