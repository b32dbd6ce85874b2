"""Background and scheduled jobs on huey.

Storage: a SQLite file beside the database on the embedded default (no extra server), the same
PostgreSQL database at scale (huey's SQL storage through peewee). Jobs take ids, re-read state,
are idempotent, and are enqueued only after the transaction that asked for them commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from huey import Huey, SqliteHuey
from huey.consumer import Consumer
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kezek.settings import get_settings

_PENDING_KEY = "kezek_pending_jobs"


def _build_huey(database_url: str, jobs_url: str = "", *, immediate: bool = False) -> Huey:
    if immediate:
        return Huey("kezek", immediate=True)
    url = jobs_url or database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        db_path = Path(parsed.database or "var/kezek.db")
        return SqliteHuey("kezek", filename=str(db_path.with_name(db_path.stem + "-jobs.db")))
    from huey.contrib.sql_huey import SqlHuey

    pg = parsed.set(drivername="psycopg3")
    return SqlHuey("kezek", database=pg.render_as_string(hide_password=False))


@lru_cache
def get_huey() -> Huey:
    settings = get_settings()
    return _build_huey(settings.database_url, settings.jobs_url, immediate=settings.environment == "test")


class _Task:
    """A lazily bound task: the huey instance is built from settings on first use, not at import."""

    def __init__(self, fn: Callable[..., Any], options: dict[str, Any]) -> None:
        self.fn = fn
        self.name = f"{fn.__module__}.{fn.__name__}"
        self.options = options
        self._bound: Any = None

    def bound(self) -> Any:
        if self._bound is None:
            self._bound = get_huey().task(name=self.name, **self.options)(self.fn)
        return self._bound

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.bound()(*args, **kwargs)


_REGISTRY: list[_Task] = []


def job(**options: Any) -> Callable[[Callable[..., Any]], _Task]:
    """Declare a job. Arguments must be ids and plain values: the job re-reads state itself."""

    def wrap(fn: Callable[..., Any]) -> _Task:
        task = _Task(fn, options)
        _REGISTRY.append(task)
        return task

    return wrap


def register_all() -> None:
    for task in _REGISTRY:
        task.bound()


def enqueue_after_commit(session: Session, task: _Task, *args: Any, **kwargs: Any) -> None:
    """Queue a job to run once this session's transaction commits; dropped if it rolls back."""
    session.info.setdefault(_PENDING_KEY, []).append((task, args, kwargs))


@event.listens_for(Session, "after_commit")
def _flush_jobs(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, [])
    for task, args, kwargs in pending:
        task(*args, **kwargs)


@event.listens_for(Session, "after_rollback")
def _drop_jobs(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


class _QuietConsumer(Consumer):  # type: ignore[misc]
    """A consumer that can run in a web process's thread (signal handlers belong to the main thread)."""

    def _set_signal_handlers(self) -> None:
        return None


class InlineWorker:
    """Runs the consumer inside the web process on the embedded default."""

    def __init__(self, workers: int = 1) -> None:
        register_all()
        self.consumer = _QuietConsumer(get_huey(), workers=workers, worker_type="thread", periodic=True)
        self._started = threading.Event()

    def start(self) -> None:
        self.consumer.start()
        self._started.set()

    def stop(self) -> None:
        if self._started.is_set():
            self.consumer.stop(graceful=True)


def run_worker(workers: int = 2) -> None:
    """Run the consumer in the foreground (`kezek worker`)."""
    register_all()
    get_huey().create_consumer(workers=workers, worker_type="thread", periodic=True).run()
