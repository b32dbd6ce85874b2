"""JSON API for the signed-in citizen's place in the queue: list, number, date and category.

``GET /api/v1/queue/position`` answers from one indexed query (the person's active membership →
the entry → its list), so that a national queue can be asked by many citizens at once; the page
``/citizen/queue`` shows the same place with the reasons it moved. The answer carries codes
(list, regime, category), which faces translate. A citizen not in any queue gets a 404 problem.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from kezek.auth.deps import CurrentCitizen, SessionDep
from kezek.errors import NotFound
from kezek.models.queue import QueueEntry, QueueEntryMember, QueueList

router = APIRouter(prefix="/api/v1/queue", tags=["queue"])


class QueueListRead(BaseModel):
    kato: str
    regime: str
    code: str
    active_count: int


class QueuePositionRead(BaseModel):
    entry_id: int
    position: int
    list: QueueListRead
    registered_at: datetime
    category: str
    priority: bool
    relation: str  # the citizen's relation in the registered family ("head" for the applicant)
    skipped_for_offers: bool
    inventory_status: str | None


@router.get(
    "/position",
    response_model=QueuePositionRead,
    summary="The signed-in citizen's place in the queue",
    responses={
        401: {"description": "Not signed in as a citizen"},
        404: {"description": "The citizen is not in an active queue entry"},
    },
)
def my_position(person: CurrentCitizen, session: SessionDep) -> QueuePositionRead:
    """List, number, registration date and time, and category of the entry covering the citizen."""
    row = session.execute(
        select(QueueEntry, QueueList, QueueEntryMember.relation)
        .join(QueueEntry, QueueEntry.id == QueueEntryMember.entry_id)
        .join(QueueList, QueueList.id == QueueEntry.list_id)
        .where(
            QueueEntryMember.person_id == person.id,
            QueueEntryMember.active.is_(True),
            QueueEntry.status == "active",
        )
    ).first()
    entry, queue_list, relation = row if row is not None else (None, None, None)
    if entry is None or queue_list is None or entry.position is None:
        raise NotFound("you are not in an active queue entry", code="not_in_queue")
    return QueuePositionRead(
        entry_id=entry.id,
        position=entry.position,
        list=QueueListRead(
            kato=queue_list.kato,
            regime=queue_list.regime,
            code=queue_list.code,
            active_count=queue_list.active_count,
        ),
        registered_at=entry.registered_at,
        category=entry.category,
        priority=entry.priority,
        relation=relation,
        skipped_for_offers=entry.skipped_for_offers,
        inventory_status=entry.inventory_status,
    )
