"""Where queued jobs are kept: huey on a SQLite file, or on PostgreSQL through peewee.

On the embedded default the queue is a SQLite file beside the database (``var/kezek-jobs.db`` for
``var/kezek.db``): no extra server. With PostgreSQL the queue lives in the same database, in its
own schema ``kezek_jobs``, so Alembic never sees its tables and workers on several machines share
it (``FOR UPDATE SKIP LOCKED`` hands each job to one worker).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from huey import Huey
from huey.contrib.sql_huey import BytesBlobField, SqlStorage
from huey.registry import Registry
from huey.storage import SqliteStorage
from peewee import CharField, CompositeKey, FloatField, IntegerField, Model, TimestampField
from sqlalchemy.engine import make_url

from kezek.settings import get_settings

QUEUE_NAME = "kezek"
PG_SCHEMA = "kezek_jobs"
# Serialises the creation of the queue's schema when several processes start at once.
_SCHEMA_LOCK_KEY = 4_242_002


class PostgresQueueStorage(SqlStorage):  # type: ignore[misc]
    """huey's SQL storage with its tables in Kezek's own ``kezek_jobs`` schema."""

    def create_models(self) -> tuple[type[Model], type[Model], type[Model], type[Model]]:
        queue_database = self.database

        class QueueModel(Model):
            class Meta:
                database = queue_database
                schema = PG_SCHEMA

        class KV(QueueModel):
            queue = CharField()
            key = CharField()
            value = BytesBlobField()

            class Meta:
                primary_key = CompositeKey("queue", "key")
                table_name = "kv"

        class Schedule(QueueModel):
            queue = CharField()
            data = BytesBlobField()
            timestamp = TimestampField(resolution=1000)

            class Meta:
                indexes = ((("queue", "timestamp"), False),)
                table_name = "schedule"

        class Task(QueueModel):
            queue = CharField()
            data = BytesBlobField()
            priority = FloatField(default=0.0)

            class Meta:
                table_name = "task"

        Task.add_index(Task.priority.desc(), Task.id)

        class Counter(QueueModel):
            queue = CharField()
            key = CharField()
            value = IntegerField()

            class Meta:
                primary_key = CompositeKey("queue", "key")
                table_name = "counter"

        return KV, Schedule, Task, Counter

    def create_tables(self) -> None:
        with self.database.atomic():
            self.database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK_KEY,))
            self.database.execute_sql(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
            self.database.create_tables([self.KV, self.Schedule, self.Task, self.Counter], safe=True)


# Jobs are found by name ("kezek.queue.tasks.recompute_positions"). A worker that meets a name it
# does not know yet imports the module named in it, but only under these roots. "tests" holds the
# test suite's sample jobs, which a real `kezek worker` process must find. (Queue entries are
# pickles, so whoever can write the queue is trusted anyway: this rule is about surprises, not a
# security boundary.)
IMPORTABLE_ROOTS = ("kezek", "tests")


class _ImportingRegistry(Registry):  # type: ignore[misc]
    def __init__(self, huey: Huey) -> None:
        super().__init__()
        self._huey = weakref.ref(huey)

    def string_to_task(self, task_str: str) -> Any:
        if task_str not in self._registry:
            huey = self._huey()
            if huey is not None:
                from kezek.jobs.declare import bind_declared, import_job_module

                import_job_module(task_str)
                bind_declared(huey)
        return super().string_to_task(task_str)


class KezekHuey(Huey):  # type: ignore[misc]
    """huey, with timestamps in UTC and jobs found by name on demand."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["utc"] = True
        super().__init__(*args, **kwargs)
        self._registry = _ImportingRegistry(self)


def build_huey(database_url: str, jobs_url: str = "", *, immediate: bool = False) -> Huey:
    """The job queue for a database URL (or an explicit ``jobs_url``).

    ``immediate`` runs each job at once in the enqueuing thread, in memory (no worker needed).
    """
    if immediate:
        return KezekHuey(QUEUE_NAME, immediate=True)
    url = make_url(jobs_url or database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValueError(
                "jobs need a file or a server: set KEZEK_JOBS_URL when the database is in memory"
            )
        db_path = Path(url.database)
        path = db_path if jobs_url else db_path.with_name(db_path.stem + "-jobs.db")
        path.parent.mkdir(parents=True, exist_ok=True)
        return KezekHuey(QUEUE_NAME, storage_class=SqliteStorage, filename=str(path))
    if backend == "postgresql":
        peewee_url = url.set(drivername="psycopg3").render_as_string(hide_password=False)
        return KezekHuey(QUEUE_NAME, storage_class=PostgresQueueStorage, database=peewee_url)
    raise ValueError(f"no job queue for database URLs of kind {backend!r} (use sqlite or postgresql)")


_lock = threading.Lock()
_built: dict[tuple[str, str, bool], Huey] = {}
_override: Huey | None = None


def get_huey() -> Huey:
    """The queue of the running instance: from the settings, unless `use_huey` says otherwise."""
    if _override is not None:
        return _override
    settings = get_settings()
    key = (settings.database_url, settings.jobs_url, settings.environment == "test")
    with _lock:
        if key not in _built:
            _built[key] = build_huey(key[0], key[1], immediate=key[2])
        return _built[key]


@contextmanager
def use_huey(huey: Huey) -> Iterator[Huey]:
    """Make ``huey`` the queue for jobs enqueued in this block (tests, one-off tools)."""
    global _override
    previous, _override = _override, huey
    try:
        yield huey
    finally:
        _override = previous
