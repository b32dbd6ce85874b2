"""Published lists: the public pages serve snapshots, never the live table or the persons' records.

A publication freezes a list on a date: position, registration date and time, category, the
initials and a masked IIN (domain §1.2: lists are published monthly with date, category and band),
plus a keyed digest of the IIN so a person can find their own line by typing their IIN without the
page ever showing it. The "published on" date is part of every page and download.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, insert, or_, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.auth.scope import scope_filter
from kezek.errors import NotFound, ValidationFailed
from kezek.models.queue import QueueEntry, QueueList, QueuePublication, QueuePublishedRow
from kezek.models.registry import Person

PAGE_SIZE = 50
_CHUNK = 5000


def initials(surname: str, given: str, patronymic: str | None) -> str:
    parts = [p for p in (surname, given, patronymic) if p]
    return "".join(f"{p.strip()[0].upper()}." for p in parts if p.strip())[:8]


def mask_iin(iin: str) -> str:
    """The first four digits (year and month of birth) and the last two; the rest hidden (IMPL)."""
    return f"{iin[:4]}******{iin[-2:]}"


def iin_digest(iin: str, secret: str) -> str:
    """Keyed, so the published digests cannot be matched against a list of every possible IIN."""
    return hmac.new(secret.encode(), iin.encode(), hashlib.sha256).hexdigest()


def publish(
    session: Session,
    *,
    actor: Actor,
    secret: str,
    kato_prefix: str = "",
    list_ids: Iterable[int] | None = None,
) -> list[QueuePublication]:
    """Publish every open list in scope (or the lists given) as of now."""
    now = clock.now()
    query = select(QueueList).where(
        QueueList.closed_on.is_(None), scope_filter(QueueList.kato, [kato_prefix])
    )
    if list_ids is not None:
        query = query.where(QueueList.id.in_(list(list_ids)))
    publications = []
    for queue_list in session.scalars(query.order_by(QueueList.kato, QueueList.code)).all():
        publications.append(_publish_list(session, queue_list, now=now, secret=secret))
    record(
        session,
        actor=actor,
        action="queue.publish",
        object_type="queue_publication",
        object_id=",".join(str(p.id) for p in publications)[:64] or "none",
        kato=kato_prefix.ljust(9, "0") if kato_prefix else None,
        after={"lists": len(publications), "rows": sum(p.rows for p in publications)},
    )
    return publications


def _publish_list(session: Session, queue_list: QueueList, *, now: datetime, secret: str) -> QueuePublication:
    publication = QueuePublication(
        list_id=queue_list.id, published_at=now, as_of=clock.to_local(now).date(), rows=0
    )
    session.add(publication)
    session.flush()
    rows = session.execute(
        select(
            QueueEntry.id,
            QueueEntry.position,
            QueueEntry.registered_at,
            QueueEntry.category,
            QueueEntry.skipped_for_offers,
            Person.iin,
            Person.surname,
            Person.given_name,
            Person.patronymic,
        )
        .join(Person, Person.id == QueueEntry.person_id)
        .where(QueueEntry.list_id == queue_list.id, QueueEntry.status == "active")
        .order_by(QueueEntry.position)
        .execution_options(yield_per=_CHUNK)
    )
    count = 0
    batch: list[dict[str, object]] = []
    for entry_id, position, registered_at, category, skipped, iin, surname, given, patronymic in rows:
        batch.append(
            {
                "publication_id": publication.id,
                "entry_id": entry_id,
                "position": position,
                "registered_at": registered_at,
                "category": category,
                "initials": initials(surname, given, patronymic),
                "masked_iin": mask_iin(iin),
                "iin_digest": iin_digest(iin, secret),
                "skipped_for_offers": skipped,
            }
        )
        if len(batch) >= _CHUNK:
            session.execute(insert(QueuePublishedRow), batch)
            count += len(batch)
            batch = []
    if batch:
        session.execute(insert(QueuePublishedRow), batch)
        count += len(batch)
    publication.rows = count
    session.flush()
    return publication


@dataclass(frozen=True)
class PublishedList:
    queue_list: QueueList
    publication: QueuePublication


def latest(session: Session, *, kato: str, code: str) -> PublishedList:
    queue_list = session.scalar(select(QueueList).where(QueueList.kato == kato, QueueList.code == code))
    if queue_list is None:
        raise NotFound("no such list", code="list_not_found")
    publication = session.scalar(
        select(QueuePublication)
        .where(QueuePublication.list_id == queue_list.id)
        .order_by(QueuePublication.published_at.desc(), QueuePublication.id.desc())
        .limit(1)
    )
    if publication is None:
        raise NotFound("this list has not been published yet", code="not_published")
    return PublishedList(queue_list, publication)


def published_index(session: Session) -> list[tuple[QueueList, QueuePublication]]:
    """Every list with its latest publication (for the public index page)."""
    newest = (
        select(QueuePublication.list_id, func.max(QueuePublication.id).label("pid"))
        .group_by(QueuePublication.list_id)
        .subquery()
    )
    rows = session.execute(
        select(QueueList, QueuePublication)
        .join(newest, newest.c.list_id == QueueList.id)
        .join(QueuePublication, QueuePublication.id == newest.c.pid)
        .order_by(QueueList.kato, QueueList.regime.desc(), QueueList.code)
    ).all()
    return [(row[0], row[1]) for row in rows]


def _search(query: Select[Any], q: str, secret: str) -> Select[Any]:
    q = " ".join(q.split())[:40]
    if not q:
        return query
    digits = q.replace(" ", "")
    if digits.isdigit() and len(digits) == 12:
        return query.where(QueuePublishedRow.iin_digest == iin_digest(digits, secret))
    if digits.isdigit():
        return query.where(QueuePublishedRow.position == int(digits))
    if len(q) > 12:
        raise ValidationFailed("search by IIN, by number in the list, or by initials", code="bad_search")
    wanted = q.upper().replace(" ", "")
    dotted = "".join(f"{c}." for c in wanted if c.isalpha()) if "." not in wanted else wanted
    return query.where(
        or_(QueuePublishedRow.initials.startswith(dotted, autoescape=True), QueuePublishedRow.masked_iin == q)
    )


def page(
    session: Session, published: PublishedList, *, q: str, page_number: int, secret: str
) -> tuple[list[QueuePublishedRow], int]:
    """One page of a published list (50 lines), and how many lines match in all."""
    if page_number < 1:
        raise ValidationFailed("pages are numbered from 1", code="bad_page")
    base: Select[Any] = select(QueuePublishedRow).where(
        QueuePublishedRow.publication_id == published.publication.id
    )
    base = _search(base, q, secret)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(
        base.order_by(QueuePublishedRow.position).offset((page_number - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return list(rows), int(total)


def all_rows(session: Session, published: PublishedList) -> Iterator[QueuePublishedRow]:
    yield from session.scalars(
        select(QueuePublishedRow)
        .where(QueuePublishedRow.publication_id == published.publication.id)
        .order_by(QueuePublishedRow.position)
        .execution_options(yield_per=_CHUNK)
    )


def _line(row: QueuePublishedRow, label: str, published_on: date) -> list[object]:
    return [
        row.position,
        clock.to_local(row.registered_at).strftime("%Y-%m-%d %H:%M"),
        row.category,
        label,
        row.initials,
        row.masked_iin,
        "yes" if row.skipped_for_offers else "",
        published_on.isoformat(),
    ]


HEADER = [
    "position",
    "registered_at",
    "category",
    "category_name",
    "initials",
    "masked_iin",
    "skipped_for_offers",
    "published_on",
]


def csv_lines(session: Session, published: PublishedList, labels: dict[str, str]) -> Iterator[str]:
    """The list as CSV (UTF-8 with BOM so spreadsheet programs read Kazakh letters), streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    yield "\ufeff" + buffer.getvalue()
    for row in all_rows(session, published):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(_line(row, labels.get(row.category, row.category), published.publication.as_of))
        yield buffer.getvalue()


def xlsx_bytes(session: Session, published: PublishedList, labels: dict[str, str], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=published.queue_list.code[:31])
    sheet.append([title])
    sheet.append([f"published_on: {published.publication.as_of.isoformat()}"])
    sheet.append(HEADER)
    for row in all_rows(session, published):
        sheet.append(_line(row, labels.get(row.category, row.category), published.publication.as_of))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def published_position(
    session: Session, entry_id: int, before: datetime | None = None
) -> tuple[int, datetime] | None:
    """The entry's position in the latest publication (before a moment, if given)."""
    query = (
        select(QueuePublishedRow.position, QueuePublication.published_at)
        .join(QueuePublication, QueuePublication.id == QueuePublishedRow.publication_id)
        .where(QueuePublishedRow.entry_id == entry_id)
    )
    if before is not None:
        query = query.where(QueuePublication.published_at <= before)
    row = session.execute(query.order_by(QueuePublication.published_at.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None
