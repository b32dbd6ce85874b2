"""Sample jobs for the tests (the product declares its own in each package's tasks.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kezek.audit.service import Actor, record
from kezek.jobs import crontab, job, job_unit_of_work, periodic_job
from kezek.models import AuditEvent


@job()
def stamp_once(object_id: int) -> str:
    """Takes an id, re-reads the state, and does its work once however often it runs."""
    with job_unit_of_work() as session:
        done = session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.action == "sample.stamped", AuditEvent.object_id == str(object_id)
            )
        )
        if done is not None:
            return "already done"
        record(
            session,
            actor=Actor.system("worker"),
            action="sample.stamped",
            object_type="sample",
            object_id=object_id,
        )
        return "done"


@job()
def write_marker(path: str, text: str) -> str:
    Path(path).write_text(text, encoding="utf-8")
    return text


@job()
def add(a: int, b: int) -> int:
    return a + b


@periodic_job(crontab(minute="0", hour="2", day="1", month="1,4,7,10"))
def quarterly_sample() -> str:
    return "re-verified"
