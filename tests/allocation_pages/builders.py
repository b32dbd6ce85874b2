"""Keyword builders for the lists, entries and ledger events the estimates and reports read."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from kezek.models.queue import QueueEntry, QueueEvent, QueueList
from tests.web.builders import add_person


def at(year: int, month: int = 6, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def add_list(
    session: Session, kato: str, code: str = "general", opened: date = date(2015, 1, 1)
) -> QueueList:
    queue_list = QueueList(
        kato=kato,
        regime="national" if code in ("general", "priority") else "akimat",
        code=code,
        active_count=0,
        opened_on=opened,
    )
    session.add(queue_list)
    session.flush()
    return queue_list


def add_entry(
    session: Session,
    queue_list: QueueList,
    *,
    registered: datetime,
    status: str = "active",
    position: int | None = None,
    serial: int = 0,
) -> QueueEntry:
    person = add_person(session, kato=queue_list.kato, surname="Әлиев", given_name="Нұр", serial=serial)
    entry = QueueEntry(
        list_id=queue_list.id,
        kato=queue_list.kato,
        person_id=person.id,
        registered_at=registered,
        category="general",
        categories=["general"],
        status=status,
        position=position,
    )
    session.add(entry)
    session.flush()
    return entry


def add_event(
    session: Session,
    entry: QueueEntry,
    *,
    kind: str,
    delta: int,
    when: datetime,
    registered: datetime | None = None,
) -> QueueEvent:
    event = QueueEvent(
        entry_id=entry.id,
        list_id=entry.list_id,
        kind=kind,
        occurred_at=when,
        entry_registered_at=registered or entry.registered_at,
        delta=delta,
        actor="test",
    )
    session.add(event)
    session.flush()
    return event
