"""Declaring jobs: `@job()` for queued work, `@periodic_job(crontab(...))` for scheduled work.

A declaration does not touch huey at import time (settings are read when the first job is sent):
the function is bound to the queue in use when it is first enqueued, or when a worker starts.
Jobs take ids and plain values, re-read the state themselves, and return early when the work is
already done, so running one twice is harmless.
"""

from __future__ import annotations

import importlib
import re
import threading
import uuid
import weakref
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from huey import Huey
from huey import crontab as huey_crontab

from kezek.jobs.queue import IMPORTABLE_ROOTS, get_huey

Schedule = Callable[[datetime], bool]
_PLAIN = (str, int, float, bool, Decimal, date, uuid.UUID, type(None))
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


def _check_plain(name: str, where: str, value: Any) -> None:
    if isinstance(value, _PLAIN):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_plain(name, where, item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_plain(name, where, key)
            _check_plain(name, where, item)
        return
    raise TypeError(
        f"job {name} takes ids and plain values; {where} is a {type(value).__name__} "
        "(pass its id and let the job read it)"
    )


class Job:
    """A declared job. ``enqueue`` sends it now; `enqueue_after_commit` sends it after a commit."""

    def __init__(self, fn: Callable[..., Any], options: dict[str, Any], schedule: Schedule | None) -> None:
        self.fn = fn
        self.name = f"{fn.__module__}.{fn.__name__}"
        self.options = options
        self.schedule = schedule
        self._bound: weakref.WeakKeyDictionary[Huey, Any] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def bind(self, huey: Huey) -> Any:
        """The huey task for this job on ``huey`` (registered once per queue)."""
        with self._lock:
            task = self._bound.get(huey)
            if task is None:
                if self.schedule is not None:
                    task = huey.periodic_task(self.schedule, name=self.fn.__name__, **self.options)(self.fn)
                else:
                    task = huey.task(name=self.fn.__name__, **self.options)(self.fn)
                self._bound[huey] = task
            return task

    def check_arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        for index, value in enumerate(args, start=1):
            _check_plain(self.name, f"argument {index}", value)
        for key, value in kwargs.items():
            _check_plain(self.name, f"argument {key!r}", value)

    def enqueue(self, *args: Any, **kwargs: Any) -> Any:
        """Send the job to the queue now (outside any transaction). Returns huey's result handle."""
        self.check_arguments(args, kwargs)
        return self.bind(get_huey())(*args, **kwargs)

    __call__ = enqueue

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """Run the job here and now, in this process (an operator's "run it on demand")."""
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Job {self.name}>"


_DECLARED: list[Job] = []
_declared_lock = threading.Lock()


def _declare(fn: Callable[..., Any], options: dict[str, Any], schedule: Schedule | None) -> Job:
    declared = Job(fn, options, schedule)
    with _declared_lock:
        for other in _DECLARED:
            if other.name == declared.name:
                raise ValueError(f"job {declared.name} is declared twice")
        _DECLARED.append(declared)
    return declared


def job(**options: Any) -> Callable[[Callable[..., Any]], Job]:
    """Declare a job. Options are huey's (``retries``, ``retry_delay``, ``priority``, ``expires`` ...)."""

    def wrap(fn: Callable[..., Any]) -> Job:
        return _declare(fn, options, None)

    return wrap


def periodic_job(schedule: Schedule, **options: Any) -> Callable[[Callable[[], Any]], Job]:
    """Declare a job the worker runs on a schedule, e.g. ``@periodic_job(crontab(minute="0", hour="2"))``.

    Periodic jobs take no arguments: they find their own work (cases past their deadline, entries
    due for re-verification) and must be safe to run twice.
    """

    def wrap(fn: Callable[[], Any]) -> Job:
        return _declare(fn, options, schedule)

    return wrap


def crontab(
    minute: str = "*",
    hour: str = "*",
    day: str = "*",
    month: str = "*",
    day_of_week: str = "*",
    *,
    tz: str = "Asia/Almaty",
) -> Schedule:
    """A crontab read in local time (Asia/Almaty by default), where huey's own reads UTC.

    Fields take ``*``, ``*/n``, ``m-n`` and ``m,n``; day_of_week 0 is Sunday. A quarterly run at
    02:00 local time on the first day of the quarter: ``crontab("0", "2", "1", "1,4,7,10")``.
    """
    matches = huey_crontab(
        minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week, strict=True
    )
    zone = ZoneInfo(tz)

    def local_crontab(timestamp: datetime) -> bool:
        moment = timestamp.replace(tzinfo=UTC) if timestamp.tzinfo is None else timestamp
        return bool(matches(moment.astimezone(zone).replace(tzinfo=None)))

    return local_crontab


def declared_jobs() -> list[Job]:
    with _declared_lock:
        return list(_DECLARED)


def bind_declared(huey: Huey) -> None:
    """Register every job declared so far with ``huey``."""
    for declared in declared_jobs():
        declared.bind(huey)


def discover() -> list[str]:
    """Import every ``kezek.<package>.tasks`` module so that its jobs (periodic ones above all) are
    declared before a worker starts. Returns the modules imported."""
    import kezek

    imported = []
    for root in kezek.__path__:
        for tasks_file in sorted(Path(root).glob("*/tasks.py")):
            module = f"kezek.{tasks_file.parent.name}.tasks"
            importlib.import_module(module)
            imported.append(module)
    return imported


def import_job_module(task_name: str) -> None:
    """Import the module a job name points into (a worker meeting a job it has not seen yet)."""
    if not _DOTTED.match(task_name):
        return
    module = task_name.rsplit(".", 1)[0]
    if module.split(".", 1)[0] not in IMPORTABLE_ROOTS:
        return
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as missing:
        if missing.name and module.startswith(missing.name):
            return  # no such module: huey reports the unknown job by its name
        raise  # the module exists but is broken: say so


def register_all(huey: Huey | None = None) -> Huey:
    """Discover the task modules and bind every declared job to the queue. Returns the queue."""
    target = huey if huey is not None else get_huey()
    discover()
    bind_declared(target)
    return target
