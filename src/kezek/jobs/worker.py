"""Running jobs: `kezek worker` in its own process, or `InlineWorker` in the web process's threads.

On the embedded default (SQLite) the web process runs the worker in a thread, so one command
serves everything. At scale, `KEZEK_WORKER_MODE=external` and one or more `kezek worker`
processes beside the web processes; they share the PostgreSQL queue.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from huey import Huey
from huey.consumer import Consumer
from sqlalchemy.orm import Session

from kezek.db import engine_for, unit_of_work
from kezek.jobs.declare import register_all
from kezek.logs import get_logger
from kezek.settings import get_settings

log = get_logger("kezek.jobs")

# How long an idle worker waits at most before looking at the queue again (seconds).
MAX_POLL_DELAY = 2.0


@contextmanager
def job_unit_of_work() -> Iterator[Session]:
    """The unit of work of one job: a session on the configured database, committed at the end."""
    with unit_of_work(engine_for(get_settings().database_url)) as session:
        yield session


class _ThreadConsumer(Consumer):  # type: ignore[misc]
    """A consumer that runs in another program's threads: signal handlers belong to its main thread."""

    def _set_signal_handlers(self) -> None:
        return None


class InlineWorker:
    """Runs queued and periodic jobs in threads of the current process (the embedded default)."""

    def __init__(
        self,
        workers: int = 1,
        *,
        huey: Huey | None = None,
        max_delay: float = MAX_POLL_DELAY,
        periodic: bool = True,
    ):
        self.huey = register_all(huey)
        self.consumer = _ThreadConsumer(
            self.huey,
            workers=workers,
            worker_type="thread",
            periodic=periodic,
            max_delay=max_delay,
            check_worker_health=False,
        )
        self._started = threading.Event()

    def start(self) -> None:
        self.consumer.start()
        self._started.set()
        log.info("jobs.inline_worker_started", workers=self.consumer.workers)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking jobs, let running ones finish (up to ``timeout`` seconds), join the threads."""
        if not self._started.is_set():
            return
        self.consumer.shutdown_timeout = timeout
        self.consumer.stop(graceful=True)
        self._started.clear()
        log.info("jobs.inline_worker_stopped")

    @property
    def alive(self) -> bool:
        threads = [thread for _, thread in self.consumer.worker_threads] + [self.consumer.scheduler]
        return any(thread.is_alive() for thread in threads)

    def __enter__(self) -> InlineWorker:
        self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def run_worker(workers: int = 2, *, periodic: bool = True) -> None:
    """Run the consumer in the foreground (`kezek worker`) until SIGTERM or Ctrl-C.

    SIGTERM (systemd, docker stop) and Ctrl-C let the running jobs finish before exiting. With
    several worker processes, one schedules the periodic jobs and the others pass
    ``periodic=False``.
    """
    from kezek.logs import configure_logging

    configure_logging()
    huey = register_all()
    if huey.immediate:
        raise SystemExit("the job queue is in immediate mode (KEZEK_ENVIRONMENT=test): nothing to run")
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=periodic,
        max_delay=MAX_POLL_DELAY,
        graceful_signal="TERM",
    )
    log.info("jobs.worker_started", workers=workers, periodic=periodic, jobs=len(huey._registry._registry))
    consumer.run()
