from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import kezek.models  # noqa: F401  (registers every table)
from kezek.db import make_engine
from kezek.models.base import Base

config = context.config
target_metadata = Base.metadata


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # Only Kezek's own tables: the job queue's tables (huey) live in the same database on PostgreSQL.
    if type_ == "table":
        return name in target_metadata.tables
    return True


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if isinstance(connectable, Engine):  # pytest-alembic hands over an engine
        with connectable.connect() as connection:
            _run(connection)
            connection.commit()
        return
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(str(config.get_main_option("sqlalchemy.url")))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
