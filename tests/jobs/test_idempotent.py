"""Jobs take ids, re-read the state, and do their work once however often they run."""

from __future__ import annotations

from huey import Huey
from sqlalchemy import Engine, func, select

from kezek.audit import service
from kezek.db import session_factory, unit_of_work
from kezek.jobs import enqueue_after_commit
from kezek.models import AuditEvent
from tests.jobs.helpers import drain
from tests.jobs.sample_jobs import stamp_once


def test_a_job_sent_twice_does_its_work_once(
    committed: Engine, queue: Huey, jobs_see_test_database: None
) -> None:
    for _ in range(2):  # two requests ask for the same work
        with unit_of_work(committed) as session:
            enqueue_after_commit(session, stamp_once, 7)
    with unit_of_work(committed) as session:
        enqueue_after_commit(session, stamp_once, 8)

    assert drain(queue) == ["done", "already done", "done"]
    assert stamp_once.run(7) == "already done"  # and a retry later still changes nothing

    with session_factory(committed)() as session:
        stamped = session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "sample.stamped").order_by(AuditEvent.seq)
        ).all()
        assert stamped == ["7", "8"]
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq > 0)) == 2
        assert service.verify(session).ok
