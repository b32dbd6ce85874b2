"""Hash chaining of audit events, and the signed head of the chain.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON of the event's
own fields. Editing any field of any event, deleting an event in the middle, or inserting one
breaks the chain at that event, and `kezek audit verify` names it.

A chain alone cannot show that its *last* events were deleted, nor that someone with write access
to the database rewrote an event and recomputed every hash after it: SHA-256 needs no secret.
The head record closes both gaps. It names the last event (its seq and hash) and carries an
HMAC of them keyed by the instance's secret key, which lives in the settings, not in the
database. Deleting the last event, or rewriting the chain, leaves a head that no longer matches,
and whoever edits the database without the secret cannot sign a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "kato",
    "before",
    "after",
    "reason",
)

# The head record is stored as the row with seq 0 of the events table: real events start at 1.
HEAD_SEQ = 0
HEAD_ACTION = "audit.head"
HEAD_OBJECT_TYPE = "audit_chain"
_HEAD_KEY_LABEL = b"kezek-audit-head-v1"


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return str(value)


def canonical(fields: dict[str, Any]) -> bytes:
    body = {name: fields.get(name) for name in HASHED_FIELDS}
    return json.dumps(
        body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default
    ).encode()


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode())
    digest.update(canonical(fields))
    return digest.hexdigest()


def head_key(secret_key: str) -> bytes:
    """A key used only for signing the head, derived from the instance's secret key."""
    return hmac.new(secret_key.encode(), _HEAD_KEY_LABEL, hashlib.sha256).digest()


def head_signature(key: bytes, last_seq: int, last_hash: str) -> str:
    """The HMAC that binds the head record to the last event of the chain."""
    return hmac.new(key, f"{last_seq}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def head_signature_matches(key: bytes, last_seq: int, last_hash: str, signature: str) -> bool:
    return hmac.compare_digest(head_signature(key, last_seq, last_hash), signature)
