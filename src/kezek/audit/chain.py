"""Hash chaining of audit events.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON of the event's
own fields. Editing any field of any event, deleting an event, or inserting one breaks the chain
at that event, and `kezek audit verify` names it.
"""

from __future__ import annotations

import hashlib
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
