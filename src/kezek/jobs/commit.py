"""Jobs leave with the commit: `enqueue_after_commit` holds a job until the transaction commits.

A job sent before the commit could run before its data is visible, or for data that a rollback
then undoes. So jobs wait beside the transaction that asked for them (a savepoint counts as its
own transaction): a released savepoint hands its jobs to the enclosing transaction, a rolled-back
one drops them, and only the outermost commit sends them to the queue.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from kezek.jobs.declare import Job
from kezek.logs import get_logger

_PENDING = "kezek.jobs.pending"  # session.info: {SessionTransaction: [(job, args, kwargs), ...]}
_COMMITTING = "kezek.jobs.committing"  # session.info: the transaction whose commit is under way

log = get_logger("kezek.jobs")

Pending = list[tuple[Job, tuple[Any, ...], dict[str, Any]]]


def _innermost(session: Session) -> SessionTransaction:
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        transaction = session.begin()
    return transaction


def enqueue_after_commit(session: Session, job: Job, *args: Any, **kwargs: Any) -> None:
    """Queue ``job(*args, **kwargs)`` to run once this session's transaction commits.

    Dropped if the transaction (or the savepoint it was asked in) rolls back or is closed without
    a commit. The arguments are checked now: ids and plain values only.
    """
    job.check_arguments(args, kwargs)
    pending: dict[SessionTransaction, Pending] = session.info.setdefault(_PENDING, {})
    pending.setdefault(_innermost(session), []).append((job, args, kwargs))


def pending_jobs(session: Session) -> list[str]:
    """Names of the jobs waiting for this session's commit (for tests and debugging)."""
    pending: dict[SessionTransaction, Pending] = session.info.get(_PENDING, {})
    return [queued.name for jobs in pending.values() for queued, _, _ in jobs]


@event.listens_for(Session, "after_commit")
def _commit_under_way(session: Session) -> None:
    # Fired for the outermost transaction and for released savepoints, while the transaction
    # that commits is still the current one.
    if _PENDING in session.info:
        session.info[_COMMITTING] = session.get_nested_transaction() or session.get_transaction()


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    committed = session.info.get(_COMMITTING) is transaction
    if committed:
        session.info.pop(_COMMITTING, None)
    pending: dict[SessionTransaction, Pending] | None = session.info.get(_PENDING)
    if not pending:
        return
    jobs = pending.pop(transaction, [])
    if not pending:
        session.info.pop(_PENDING, None)
    if not jobs or not committed:
        return  # nothing asked here, or rolled back / closed without a commit: the jobs go
    parent = transaction.parent
    if parent is not None:
        session.info.setdefault(_PENDING, {}).setdefault(parent, []).extend(jobs)
        return
    for queued, args, kwargs in jobs:
        try:
            queued.enqueue(*args, **kwargs)
        except Exception:
            # The data is committed; a failed send must not pretend otherwise. Periodic sweeps
            # (deadline watch, re-verification) pick up work whose job was lost.
            log.exception("jobs.enqueue_failed", job=queued.name)
