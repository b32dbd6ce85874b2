"""Writing and verifying audit events. Writes happen in the caller's transaction, never committed here.

Events are rows 1, 2, 3 ... of ``audit_events``; row 0 is the signed head of the chain (see
``kezek.audit.chain``). Every writer takes the chain's lock before it reads the last event, so two
transactions writing at once still produce one unbroken chain.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, Row, Table, insert, select, text, update
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.chain import (
    GENESIS,
    HASHED_FIELDS,
    HEAD_ACTION,
    HEAD_OBJECT_TYPE,
    HEAD_SEQ,
    event_hash,
    head_key,
    head_signature,
    head_signature_matches,
)
from kezek.errors import Conflict
from kezek.models import AuditEvent
from kezek.settings import get_settings

# Serialises writers of the chain on PostgreSQL (SQLite serialises writers by itself once a
# transaction holds its write lock; `_lock_chain` takes it before the last event is read).
_CHAIN_LOCK_KEY = 4_242_001

# The events table as a Core table: verification reads plain rows, not ORM objects.
EVENTS = cast(Table, AuditEvent.__table__)
_events = EVENTS
_EVENT_COLUMNS = [_events.c[name] for name in ("id", *HASHED_FIELDS, "prev_hash", "hash")]


@dataclass(frozen=True)
class Actor:
    kind: str  # official | citizen | system | api
    id: str

    @classmethod
    def system(cls, name: str = "kezek") -> Actor:
        return cls("system", name)


def _plain(value: Any) -> Any:
    """Floats that are whole numbers become ints: PostgreSQL's JSONB gives 1e20 back as an integer,
    and the hash must be the same before and after the round trip. NaN and infinities are refused."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("audit snapshots cannot hold NaN or infinite numbers")
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


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

    return _plain(json.loads(json.dumps(value, default=default, ensure_ascii=False)))


def _lock_chain(session: Session) -> None:
    """Become the only writer of the chain until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    else:
        # A write as the first step makes SQLite take its write lock now (waiting for any other
        # writer to commit), so the last event read next is the real last one.
        session.execute(
            update(_events).where(_events.c.seq == HEAD_SEQ).values(actor_kind=_events.c.actor_kind)
        )


def _secret_key(secret_key: str | None) -> bytes:
    return head_key(secret_key if secret_key is not None else get_settings().secret_key)


def _write_head(session: Session, last_seq: int, last_hash: str, key: bytes) -> None:
    values = {
        "occurred_at": clock.now().astimezone(UTC),
        "actor_kind": "system",
        "actor_id": "kezek",
        "action": HEAD_ACTION,
        "object_type": HEAD_OBJECT_TYPE,
        "object_id": str(last_seq),
        "kato": None,
        "before": None,
        "after": None,
        "reason": None,
        "prev_hash": last_hash,
        "hash": head_signature(key, last_seq, last_hash),
    }
    result = cast(
        "CursorResult[Any]", session.execute(update(_events).where(_events.c.seq == HEAD_SEQ).values(values))
    )
    if result.rowcount == 0:
        session.execute(insert(_events).values(seq=HEAD_SEQ, **values))


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
    """Append one event to the chain inside the caller's transaction (and move the signed head)."""
    _lock_chain(session)
    last = session.execute(
        select(_events.c.seq, _events.c.hash)
        .where(_events.c.seq > HEAD_SEQ)
        .order_by(_events.c.seq.desc())
        .limit(1)
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
    digest = event_hash(prev_hash, fields)
    event = AuditEvent(**fields, prev_hash=prev_hash, hash=digest)
    session.add(event)
    session.flush()
    _write_head(session, seq, digest, _secret_key(None))
    return event


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


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold: ``seq`` is the event to look at."""

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


@dataclass(frozen=True)
class Head:
    """The signed head: the last event's seq and hash, as the writers left them."""

    seq: int
    hash: str
    signature: str
    written_at: datetime


def _walk(session: Session, batch: int = 5000) -> Iterator[Row[Any]]:
    """Events in seq order, as plain rows (nothing enters the caller's identity map)."""
    last_seq = HEAD_SEQ
    while True:
        rows = session.execute(
            select(*_EVENT_COLUMNS).where(_events.c.seq > last_seq).order_by(_events.c.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq


def head(session: Session) -> Head | None:
    """The chain's head record, for display or for keeping a copy outside the database."""
    row = session.execute(
        select(_events.c.object_id, _events.c.prev_hash, _events.c.hash, _events.c.occurred_at).where(
            _events.c.seq == HEAD_SEQ
        )
    ).first()
    if row is None:
        return None
    try:
        seq = int(row.object_id)
    except ValueError:
        seq = -1
    return Head(seq=seq, hash=row.prev_hash, signature=row.hash, written_at=row.occurred_at)


def _walk_chain(
    session: Session, progress: Callable[[int], Any] | None, expect: tuple[int, str] | None
) -> tuple[VerifyResult, str, int | None]:
    """Check links and contents; return the result so far, the last hash and the last row id."""
    prev_hash = GENESIS
    expected_seq = 1
    last_id: int | None = None
    for event in _walk(session):
        if event.seq != expected_seq:
            brk = Break(expected_seq, None, f"event {expected_seq} is missing (next found: {event.seq})")
            return VerifyResult(expected_seq - 1, brk), prev_hash, last_id
        if event.prev_hash != prev_hash:
            brk = Break(event.seq, event.id, "link to the previous event does not match")
            return VerifyResult(expected_seq - 1, brk), prev_hash, last_id
        fields = {name: event._mapping[name] for name in HASHED_FIELDS}
        if event_hash(prev_hash, fields) != event.hash:
            brk = Break(event.seq, event.id, "content differs from what was recorded")
            return VerifyResult(expected_seq - 1, brk), prev_hash, last_id
        if expect is not None and event.seq == expect[0] and event.hash != expect[1]:
            brk = Break(event.seq, event.id, "the event differs from the copy of the head kept outside")
            return VerifyResult(expected_seq - 1, brk), prev_hash, last_id
        prev_hash = event.hash
        last_id = event.id
        expected_seq += 1
        if progress is not None:
            progress(1)
    return VerifyResult(expected_seq - 1, None), prev_hash, last_id


def _event_id(session: Session, seq: int) -> int | None:
    return session.scalar(select(_events.c.id).where(_events.c.seq == seq))


def verify(
    session: Session,
    progress: Callable[[int], Any] | None = None,
    *,
    secret_key: str | None = None,
    expect: tuple[int, str] | None = None,
) -> VerifyResult:
    """Walk the chain in order; report the first event whose link or content does not hold.

    Then check the signed head: it must name the last event found, with its hash, under a valid
    signature. ``expect`` is a (seq, hash) pair kept outside the database (printed, published);
    the chain must still contain that event unchanged.
    """
    result, last_hash, last_id = _walk_chain(session, progress, expect)
    if not result.ok:
        return result
    last_seq = result.checked
    if expect is not None and expect[0] > last_seq:
        missing = Break(last_seq + 1, None, f"event {expect[0]}, kept outside the database, is missing")
        return VerifyResult(last_seq, missing)
    signed = head(session)
    if signed is None:
        if last_seq == 0:
            return result
        return VerifyResult(
            last_seq,
            Break(last_seq, last_id, "the signed head of the chain is missing: events after it may be gone"),
        )
    key = _secret_key(secret_key)
    if signed.seq < 0 or not head_signature_matches(key, signed.seq, signed.hash, signed.signature):
        problem = (
            "the signed head does not match its signature: edited by hand, or the secret key "
            "changed (seal the chain again after rotating it)"
        )
        return VerifyResult(last_seq, Break(max(signed.seq, last_seq), None, problem))
    if signed.seq > last_seq:
        first_missing = last_seq + 1
        span = (
            f"event {first_missing} is"
            if first_missing == signed.seq
            else f"events {first_missing}..{signed.seq} are"
        )
        return VerifyResult(
            last_seq,
            Break(
                first_missing, None, f"{span} missing at the end (the signed head names event {signed.seq})"
            ),
        )
    if signed.seq < last_seq:
        extra = signed.seq + 1
        return VerifyResult(
            signed.seq,
            Break(extra, _event_id(session, extra), "event added after the signed head, not through Kezek"),
        )
    if signed.hash != last_hash:
        return VerifyResult(
            last_seq,
            Break(last_seq, last_id, "the chain differs from the signed head: events were rewritten"),
        )
    return result


def seal(session: Session, *, secret_key: str | None = None) -> Head | None:
    """Sign the head again for the chain as it stands, after checking every link and content.

    For after a bulk load that wrote events directly, or after rotating the secret key. Refuses
    (Conflict naming the event) when the chain itself is broken: a seal must not bless an edit.
    """
    _lock_chain(session)
    result, last_hash, _ = _walk_chain(session, None, None)
    if not result.ok:
        assert result.first_break is not None
        brk = result.first_break
        raise Conflict(
            f"audit chain broken at event seq={brk.seq}: {brk.problem}; not sealing",
            code="audit_chain_broken",
        )
    if result.checked == 0:
        return None
    _write_head(session, result.checked, last_hash, _secret_key(secret_key))
    session.flush()
    return head(session)
