"""Jobs are sent when the transaction commits and dropped when it rolls back (a real queue, both engines)."""

from __future__ import annotations

import pytest
from huey import Huey
from sqlalchemy import Engine, text

from kezek.db import session_factory, unit_of_work
from kezek.jobs import enqueue_after_commit, pending_jobs
from kezek.models import AuditEvent
from tests.jobs.helpers import drain, queued_names
from tests.jobs.sample_jobs import add, stamp_once

ADD = "tests.jobs.sample_jobs.add"


def test_sent_only_when_the_transaction_commits(engine: Engine, queue: Huey) -> None:
    session = session_factory(engine)()
    try:
        session.execute(text("SELECT 1"))
        enqueue_after_commit(session, add, 2, 3)
        assert queue.pending_count() == 0, "sent before the commit"
        assert pending_jobs(session) == [ADD]
        session.commit()
        assert queued_names(queue) == [ADD]
        assert pending_jobs(session) == []
    finally:
        session.close()
    assert drain(queue) == [5]


def test_dropped_on_rollback(engine: Engine, queue: Huey) -> None:
    session = session_factory(engine)()
    try:
        enqueue_after_commit(session, add, 1, 1)
        session.rollback()
        assert pending_jobs(session) == []
        session.commit()  # a later commit does not resurrect it
    finally:
        session.close()
    assert queue.pending_count() == 0


def test_dropped_when_the_unit_of_work_fails(engine: Engine, queue: Huey) -> None:
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        enqueue_after_commit(session, add, 1, 2)
        raise RuntimeError("the service failed after asking for the job")
    assert queue.pending_count() == 0


def test_dropped_when_the_session_closes_without_commit(engine: Engine, queue: Huey) -> None:
    session = session_factory(engine)()
    enqueue_after_commit(session, add, 1, 2)
    session.close()
    assert queue.pending_count() == 0


def test_savepoints_keep_or_drop_their_own_jobs(engine: Engine, queue: Huey) -> None:
    with unit_of_work(engine) as session:
        enqueue_after_commit(session, add, 100, 0)
        with session.begin_nested():
            enqueue_after_commit(session, add, 200, 0)  # released: goes with the outer commit
        failed = session.begin_nested()
        enqueue_after_commit(session, add, 300, 0)
        failed.rollback()  # rolled back: its job goes, the others stay
        assert queue.pending_count() == 0
    assert sorted(drain(queue)) == [100, 200]  # type: ignore[type-var]


def test_jobs_take_ids_not_objects(engine: Engine, queue: Huey) -> None:
    with unit_of_work(engine) as session:
        event = AuditEvent()
        with pytest.raises(TypeError, match="argument 1 is a AuditEvent"):
            enqueue_after_commit(session, stamp_once, event)
        with pytest.raises(TypeError, match="argument 'extra'"):
            enqueue_after_commit(session, add, 1, 2, extra={"nested": [object()]})
    assert queue.pending_count() == 0
