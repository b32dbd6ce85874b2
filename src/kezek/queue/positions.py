"""Keeping ``QueueEntry.position`` equal to the rank of the entry among its list's active entries.

Order is (registered_at, id): the date and time of the complete application, ties by entry id.
Positions change only here, and only called from a movement that writes a ledger event; a single
movement shifts the tail of the list by one, a batch movement recomputes the list once.
"""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from kezek.db import is_postgres
from kezek.models.queue import QueueEntry, QueueList


def lock_list(session: Session, list_id: int) -> QueueList:
    """Serialise movements in one list (PostgreSQL row lock; SQLite serialises writers itself)."""
    row = session.execute(select(QueueList).where(QueueList.id == list_id).with_for_update()).scalar_one()
    return row


def rank_of(session: Session, entry: QueueEntry) -> int:
    """1 + the number of active entries ahead of ``entry`` in its list (the entry itself excluded)."""
    ahead = session.scalar(
        select(func.count())
        .select_from(QueueEntry)
        .where(
            QueueEntry.list_id == entry.list_id,
            QueueEntry.status == "active",
            QueueEntry.id != entry.id,
            or_(
                QueueEntry.registered_at < entry.registered_at,
                and_(QueueEntry.registered_at == entry.registered_at, QueueEntry.id < entry.id),
            ),
        )
    )
    return int(ahead or 0) + 1


def insert_at_rank(session: Session, entry: QueueEntry) -> int:
    """Give an entry that has just become active in its list its position; shift those behind by +1."""
    session.flush()
    position = rank_of(session, entry)
    session.execute(
        update(QueueEntry)
        .where(
            QueueEntry.list_id == entry.list_id,
            QueueEntry.status == "active",
            QueueEntry.position >= position,
            QueueEntry.id != entry.id,
        )
        .values(position=QueueEntry.position + 1)
        .execution_options(synchronize_session=False)
    )
    entry.position = position
    session.execute(
        update(QueueList)
        .where(QueueList.id == entry.list_id)
        .values(active_count=QueueList.active_count + 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    _expire_positions(session, entry.list_id, keep=entry)
    return position


def close_gap(session: Session, list_id: int, position: int) -> None:
    """An entry at ``position`` has left the list: those behind move up by one."""
    session.execute(
        update(QueueEntry)
        .where(QueueEntry.list_id == list_id, QueueEntry.status == "active", QueueEntry.position > position)
        .values(position=QueueEntry.position - 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(QueueList)
        .where(QueueList.id == list_id)
        .values(active_count=QueueList.active_count - 1)
        .execution_options(synchronize_session=False)
    )
    _expire_positions(session, list_id)


def recompute(session: Session, list_id: int) -> None:
    """Recompute every position of a list after a batch movement (each movement has its event)."""
    session.flush()
    params = {"list_id": list_id}
    if is_postgres(session):
        session.execute(
            text(
                "UPDATE queue_entries AS q SET position = r.rn FROM ("
                " SELECT id, row_number() OVER (ORDER BY registered_at, id) AS rn"
                " FROM queue_entries WHERE list_id = :list_id AND status = 'active') AS r"
                " WHERE q.id = r.id AND q.position IS DISTINCT FROM r.rn"
            ),
            params,
        )
    else:
        session.execute(
            text(
                "UPDATE queue_entries SET position = r.rn FROM ("
                " SELECT id, row_number() OVER (ORDER BY registered_at, id) AS rn"
                " FROM queue_entries WHERE list_id = :list_id AND status = 'active') AS r"
                " WHERE queue_entries.id = r.id AND queue_entries.position IS NOT r.rn"
            ),
            params,
        )
    session.execute(
        text(
            "UPDATE queue_entries SET position = NULL"
            " WHERE list_id = :list_id AND status <> 'active' AND position IS NOT NULL"
        ),
        params,
    )
    count = session.scalar(
        select(func.count())
        .select_from(QueueEntry)
        .where(QueueEntry.list_id == list_id, QueueEntry.status == "active")
    )
    session.execute(
        update(QueueList)
        .where(QueueList.id == list_id)
        .values(active_count=int(count or 0))
        .execution_options(synchronize_session=False)
    )
    _expire_positions(session, list_id)


def _expire_positions(session: Session, list_id: int, keep: QueueEntry | None = None) -> None:
    """Bulk updates bypass the identity map: make loaded entries of this list re-read their position."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, QueueEntry) and obj.list_id == list_id and obj is not keep:
            session.expire(obj, ["position"])
        elif isinstance(obj, QueueList) and obj.id == list_id:
            session.expire(obj, ["active_count"])
