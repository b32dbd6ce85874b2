"""JSON API for the signed-in citizen's place in the queue: list, number, date and category.

``GET /api/v1/queue/position`` answers from ONE query (the person → their active membership → the
entry → its list) on a pooled connection in autocommit: no transaction is opened for a read of a
few indexed rows, so one lookup is one round trip to the database, and a national queue can be
asked by many citizens at once. The citizen is the one signed in on this browser (the same session
key as ``CurrentCitizen``); a session whose person no longer exists is treated as signed out. The
page ``/citizen/queue`` shows the same place with the reasons it moved. The answer carries codes
(list, regime, category), which faces translate. A citizen in no active entry gets a 404 problem.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import and_, select

from kezek.auth.deps import CITIZEN_KEY, CITIZEN_SIGN_IN
from kezek.errors import NotAuthenticated, NotFound
from kezek.models.queue import QueueEntry, QueueEntryMember, QueueList
from kezek.models.registry import Person

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


_COLUMNS = (
    Person.id,
    QueueEntry.id,
    QueueEntry.position,
    QueueEntry.registered_at,
    QueueEntry.category,
    QueueEntry.priority,
    QueueEntry.skipped_for_offers,
    QueueEntry.inventory_status,
    QueueEntryMember.relation,
    QueueList.kato,
    QueueList.regime,
    QueueList.code,
    QueueList.active_count,
)


@router.get(
    "/position",
    response_model=QueuePositionRead,
    summary="The signed-in citizen's place in the queue",
    responses={
        401: {"description": "Not signed in as a citizen"},
        404: {"description": "The citizen is not in an active queue entry"},
    },
)
def my_position(request: Request) -> QueuePositionRead:
    """List, number, registration date and time, and category of the entry covering the citizen."""
    person_id = request.session.get(CITIZEN_KEY)
    if not isinstance(person_id, int):
        raise NotAuthenticated("sign in to see your place in the queue", sign_in=CITIZEN_SIGN_IN)
    entry_of_member = and_(QueueEntry.id == QueueEntryMember.entry_id, QueueEntry.status == "active")
    query = (
        select(*_COLUMNS)
        .select_from(Person)
        .outerjoin(
            QueueEntryMember,
            and_(QueueEntryMember.person_id == Person.id, QueueEntryMember.active),
        )
        .outerjoin(QueueEntry, entry_of_member)
        .outerjoin(QueueList, QueueList.id == QueueEntry.list_id)
        .where(Person.id == person_id)
        .order_by(QueueEntry.position.is_(None))  # the active entry first, if a membership is stale
        .limit(1)
    )
    with request.app.state.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        row = conn.execute(query).first()
    if row is None:
        raise NotAuthenticated("sign in to see your place in the queue", sign_in=CITIZEN_SIGN_IN)
    (_, entry_id, position, registered_at, category, priority, skipped, inventory, relation,
     kato, regime, code, active_count) = row  # fmt: skip
    if entry_id is None or position is None:
        raise NotFound("you are not in an active queue entry", code="not_in_queue")
    return QueuePositionRead(
        entry_id=entry_id,
        position=position,
        list=QueueListRead(kato=kato, regime=regime, code=code, active_count=active_count),
        registered_at=registered_at,
        category=category,
        priority=priority,
        relation=relation,
        skipped_for_offers=skipped,
        inventory_status=inventory,
    )
