"""Queries on the audit trail: who read a person's record, and the read log for export.

Reads are events whose action is ``<object type>.read`` (written by ``service.record_read``).
Pages are keyed by ``seq`` (newest first), so a page costs the same at the millionth event as at
the first, and a page does not shift when new reads arrive while someone is paging.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import ColumnElement, Row, and_, select
from sqlalchemy.orm import Session

from kezek.audit.chain import HEAD_SEQ
from kezek.audit.service import EVENTS
from kezek.auth.scope import scope_filter
from kezek.errors import ValidationFailed

_events = EVENTS
MAX_PAGE = 500
EXPORT_COLUMNS = (
    "seq",
    "occurred_at_utc",
    "actor_kind",
    "actor_id",
    "object_type",
    "object_id",
    "kato",
    "purpose",
    "event_hash",
)


@dataclass(frozen=True)
class ReadEntry:
    seq: int
    occurred_at: datetime
    actor_kind: str
    actor_id: str
    object_type: str
    object_id: str
    kato: str | None
    purpose: str | None


@dataclass(frozen=True)
class ReadPage:
    entries: list[ReadEntry]
    # Pass as ``before`` to get the next (older) page; None when this is the last page.
    next_before: int | None


def _entry(row: Row[Any]) -> ReadEntry:
    return ReadEntry(
        seq=row.seq,
        occurred_at=row.occurred_at,
        actor_kind=row.actor_kind,
        actor_id=row.actor_id,
        object_type=row.object_type,
        object_id=row.object_id,
        kato=row.kato,
        purpose=row.reason,
    )


_READ_COLUMNS = [
    _events.c.seq,
    _events.c.occurred_at,
    _events.c.actor_kind,
    _events.c.actor_id,
    _events.c.object_type,
    _events.c.object_id,
    _events.c.kato,
    _events.c.reason,
    _events.c.hash,
]


def reads_of(
    session: Session,
    *,
    object_id: str | int,
    object_type: str = "person",
    before: int | None = None,
    limit: int = 50,
) -> ReadPage:
    """Who read this record, when and why: newest first, one page at a time."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(f"limit must be between 1 and {MAX_PAGE}, got {limit}", code="bad_page_size")
    conditions: list[ColumnElement[bool]] = [
        _events.c.action == f"{object_type}.read",
        _events.c.object_type == object_type,
        _events.c.object_id == str(object_id),
        _events.c.seq > HEAD_SEQ,
    ]
    if before is not None:
        conditions.append(_events.c.seq < before)
    rows = session.execute(
        select(*_READ_COLUMNS).where(and_(*conditions)).order_by(_events.c.seq.desc()).limit(limit + 1)
    ).all()
    entries = [_entry(row) for row in rows[:limit]]
    next_before = entries[-1].seq if len(rows) > limit else None
    return ReadPage(entries, next_before)


def iter_reads(
    session: Session,
    *,
    scopes: Iterable[str] = ("",),
    since: datetime | None = None,
    until: datetime | None = None,
    object_type: str | None = None,
    batch: int = 5000,
) -> Iterator[Row[Any]]:
    """Every read in seq order within the jurisdiction scopes and the time window [since, until)."""
    for moment in (since, until):
        if moment is not None and moment.tzinfo is None:
            raise ValidationFailed("the export window needs timezone-aware times", code="naive_datetime")
    conditions: list[ColumnElement[bool]] = [scope_filter(_events.c.kato, list(scopes))]
    if object_type is not None:
        conditions += [_events.c.object_type == object_type, _events.c.action == f"{object_type}.read"]
    else:
        conditions.append(_events.c.action.endswith(".read", autoescape=True))
    if since is not None:
        conditions.append(_events.c.occurred_at >= since)
    if until is not None:
        conditions.append(_events.c.occurred_at < until)
    last_seq = HEAD_SEQ
    while True:
        rows = session.execute(
            select(*_READ_COLUMNS)
            .where(and_(_events.c.seq > last_seq, *conditions))
            .order_by(_events.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None) -> str:
    """Free text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def export_reads(
    session: Session,
    out: TextIO,
    *,
    scopes: Iterable[str] = ("",),
    since: datetime | None = None,
    until: datetime | None = None,
    object_type: str | None = None,
) -> int:
    """Write the read log as CSV (UTC times, the event hash for checking against the chain).

    Returns the number of rows written. The caller decides the scopes (an auditor's KATO prefixes).
    Free-text cells that start like a spreadsheet formula get a leading apostrophe.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in iter_reads(session, scopes=scopes, since=since, until=until, object_type=object_type):
        writer.writerow(
            [
                row.seq,
                row.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
                row.actor_kind,
                _cell(row.actor_id),
                row.object_type,
                _cell(row.object_id),
                row.kato or "",
                _cell(row.reason),
                row.hash,
            ]
        )
        count += 1
    return count
