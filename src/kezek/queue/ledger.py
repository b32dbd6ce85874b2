""" "Why my number changed": the position ledger read back for one entry.

A position changes only when an entry ahead of it leaves or joins its list (housed, removed,
restored, moved by re-categorisation or migration) or when the entry itself moves. So the position
at an earlier moment is the position now minus the sum of the ``delta`` of the events ahead since
then, segment by segment across the entry's own moves. The explanation is those events, in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from kezek.models.queue import QueueEntry, QueueEvent


@dataclass(frozen=True)
class Line:
    """One reason for a change: an event ahead of the entry, or the entry's own event."""

    occurred_at: datetime
    kind: str
    own: bool
    effect: int  # the change of this entry's position caused by the event (+1 back, -1 forward)
    list_id: int
    reason_code: str | None
    position_before: int | None
    position_after: int | None
    other_registered_at: datetime | None = None


@dataclass
class Explanation:
    since: datetime
    position_then: int | None
    position_now: int | None
    list_then: int | None
    list_now: int | None
    lines: list[Line] = field(default_factory=list)

    @property
    def moved_forward_by(self) -> int:
        if self.position_then is None or self.position_now is None:
            return 0
        return self.position_then - self.position_now


def _ahead(entry: QueueEntry) -> ColumnElement[bool]:
    return or_(
        QueueEvent.entry_registered_at < entry.registered_at,
        and_(QueueEvent.entry_registered_at == entry.registered_at, QueueEvent.entry_id < entry.id),
    )


def explain(session: Session, entry: QueueEntry, since: datetime) -> Explanation:
    """Why the entry's position differs from what it was at ``since``."""
    own = session.scalars(
        select(QueueEvent)
        .where(QueueEvent.entry_id == entry.id, QueueEvent.occurred_at > since)
        .order_by(QueueEvent.id)
    ).all()
    lines = [_own_line(ev) for ev in own]
    # Walk backwards from now across the entry's own moves. Between two moves the entry sits in
    # one list and only events ahead of it change its position. Each segment is
    # (list, lower event or None for `since`, upper event or None for now, position at its end).
    segments: list[tuple[int, QueueEvent | None, QueueEvent | None, int]] = []
    current_list = entry.list_id if entry.status == "active" else None
    position = entry.position if entry.status == "active" else None
    upper: QueueEvent | None = None
    for ev in reversed(own):
        if ev.delta == 0:
            continue
        if current_list is not None and position is not None:
            segments.append((current_list, ev, upper, position))
        upper = ev
        if ev.delta < 0:  # before leaving, it stood in ev.list_id at ev.position_before
            current_list, position = ev.list_id, ev.position_before
        else:  # before joining, it was in no list (a move's out-event, just before, says otherwise)
            current_list, position = None, None
    if current_list is not None and position is not None:
        segments.append((current_list, None, upper, position))
    position_then: int | None = None
    list_then: int | None = None
    for list_id, lower, until, end_position in segments:
        query = select(QueueEvent).where(
            QueueEvent.list_id == list_id,
            QueueEvent.delta != 0,
            QueueEvent.entry_id != entry.id,
            _ahead(entry),
        )
        query = (
            query.where(QueueEvent.occurred_at > since)
            if lower is None
            else query.where(QueueEvent.id > lower.id, ~_same_batch(lower))
        )
        if until is not None:
            query = query.where(QueueEvent.id < until.id, ~_same_batch(until))
        total = 0
        for ev in session.scalars(query.order_by(QueueEvent.id)):
            total += ev.delta
            lines.append(
                Line(
                    occurred_at=ev.occurred_at,
                    kind=ev.kind,
                    own=False,
                    effect=ev.delta,
                    list_id=ev.list_id,
                    reason_code=ev.reason_code,
                    position_before=ev.position_before,
                    position_after=ev.position_after,
                    other_registered_at=ev.entry_registered_at,
                )
            )
        if lower is None:
            position_then, list_then = end_position - total, list_id
    lines.sort(key=lambda line: (line.occurred_at, not line.own))
    return Explanation(
        since=since,
        position_then=position_then,
        position_now=entry.position if entry.status == "active" else None,
        list_then=list_then,
        list_now=entry.list_id if entry.status == "active" else None,
        lines=lines,
    )


def _same_batch(boundary: QueueEvent) -> ColumnElement[bool]:
    """Events written in one set-based statement with the boundary (the 2025 migration moves a
    whole list at one instant): the boundary's recorded position already accounts for them."""
    if boundary.kind not in ("migrated_in", "migrated_out"):
        return false()
    return and_(QueueEvent.kind == boundary.kind, QueueEvent.occurred_at == boundary.occurred_at)


def _own_line(ev: QueueEvent) -> Line:
    return Line(
        occurred_at=ev.occurred_at,
        kind=ev.kind,
        own=True,
        effect=0,
        list_id=ev.list_id,
        reason_code=ev.reason_code,
        position_before=ev.position_before,
        position_after=ev.position_after,
    )
