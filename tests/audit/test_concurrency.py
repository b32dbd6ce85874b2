"""Several transactions writing audit events at the same moment still make one unbroken chain."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, func, select

from kezek.audit import service
from kezek.db import session_factory, unit_of_work
from kezek.models import AuditEvent
from tests.audit.builders import OFFICIAL

THREADS = 4
EVENTS_PER_THREAD = 8


def test_concurrent_writers_make_a_valid_chain(committed: Engine) -> None:
    start = threading.Barrier(THREADS, timeout=30)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_PER_THREAD):
                with unit_of_work(committed) as session:
                    # Some work before the event, as a service would do, then the event itself.
                    session.execute(select(func.count()).select_from(AuditEvent))
                    service.record(
                        session,
                        actor=OFFICIAL,
                        action="queue.move",
                        object_type="queue_entry",
                        object_id=f"{n}-{i}",
                        after={"thread": n, "i": i},
                    )
        except BaseException as exc:  # collected and re-raised in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert not errors, errors

    with session_factory(committed)() as session:
        result = service.verify(session)
        assert result.ok, result.first_break
        assert result.checked == THREADS * EVENTS_PER_THREAD
        seqs = session.scalars(
            select(AuditEvent.seq).where(AuditEvent.seq > 0).order_by(AuditEvent.seq)
        ).all()
        assert seqs == list(range(1, THREADS * EVENTS_PER_THREAD + 1))
