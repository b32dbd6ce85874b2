"""Writing and verifying audit events. Writes happen in the caller's transaction, never committed here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.chain import GENESIS, event_hash
from kezek.models import AuditEvent

# Serialises writers of the chain on PostgreSQL (SQLite serialises writers by itself).
_CHAIN_LOCK_KEY = 4_242_001


@dataclass(frozen=True)
class Actor:
    kind: str  # official | citizen | system | api
    id: str

    @classmethod
    def system(cls, name: str = "kezek") -> Actor:
        return cls("system", name)


def _jsonable(value: Any) -> Any:
    """Make before/after snapshots JSON-stable (dates as ISO strings, Decimals as strings)."""
    if value is None:
        return None

    def default(v: Any) -> Any:
        if isinstance(v, datetime):
            return v.astimezone(UTC).isoformat()
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, Decimal):
            return str(v)
        return str(v)

    return json.loads(json.dumps(value, default=default, ensure_ascii=False))


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int,
    kato: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    fields: dict[str, Any] = {
        "seq": seq,
        "occurred_at": clock.now().astimezone(UTC),
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "kato": kato,
        "before": _jsonable(before),
        "after": _jsonable(after),
        "reason": reason,
    }
    event = AuditEvent(**fields, prev_hash=prev_hash, hash=event_hash(prev_hash, fields))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class Break:
    seq: int
    event_id: int | None
    problem: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def _events(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq
        session.expunge_all()


def verify(session: Session, progress: Any = None) -> VerifyResult:
    """Walk the chain in order; report the first event whose link or content does not hold."""
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    for event in _events(session):
        if event.seq != expected_seq:
            return VerifyResult(
                checked,
                Break(expected_seq, None, f"event {expected_seq} is missing (next found: {event.seq})"),
            )
        if event.prev_hash != prev_hash:
            return VerifyResult(
                checked, Break(event.seq, event.id, "link to the previous event does not match")
            )
        fields = {
            "seq": event.seq,
            "occurred_at": event.occurred_at,
            "actor_kind": event.actor_kind,
            "actor_id": event.actor_id,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "kato": event.kato,
            "before": event.before,
            "after": event.after,
            "reason": event.reason,
        }
        if event_hash(prev_hash, fields) != event.hash:
            return VerifyResult(checked, Break(event.seq, event.id, "content differs from what was recorded"))
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(1)
    return VerifyResult(checked, None)


def record_read(
    session: Session,
    *,
    actor: Actor,
    object_type: str,
    object_id: str | int,
    kato: str | None,
    purpose: str,
) -> AuditEvent:
    """Record that an official (or system) read a person's record, and why. Reads are audited too."""
    return record(
        session,
        actor=actor,
        action=f"{object_type}.read",
        object_type=object_type,
        object_id=object_id,
        kato=kato,
        reason=purpose,
    )
