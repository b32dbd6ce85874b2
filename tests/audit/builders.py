"""Small builders for audit tests: write events through record(), edit rows behind Kezek's back."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from kezek.audit.service import Actor, record

OFFICIAL = Actor("official", "17")


def write_events(session: Session, count: int, *, start: int = 1) -> list[int]:
    """``count`` ordinary state changes, each through record(); returns their seqs."""
    seqs = []
    for n in range(start, start + count):
        event = record(
            session,
            actor=OFFICIAL,
            action="person.update",
            object_type="person",
            object_id=n,
            kato="751000000",
            before={"phone_verified": False, "n": n},
            after={"phone_verified": True, "n": n, "amount": "1250.50"},
            reason=f"applicant confirmed the phone ({n})",
        )
        seqs.append(event.seq)
    return seqs


def set_json(session: Session, seq: int, column: str, value: Any) -> None:
    """UPDATE one JSON column of one event with raw SQL, as someone at the database console would."""
    assert column in {"before", "after"}
    cast = "CAST(:v AS jsonb)" if session.get_bind().dialect.name == "postgresql" else ":v"
    session.execute(
        text(f'UPDATE audit_events SET "{column}" = {cast} WHERE seq = :s'),
        {"v": json.dumps(value), "s": seq},
    )


def set_text(session: Session, seq: int, column: str, value: str | None) -> None:
    assert column in {"reason", "actor_id", "action", "object_id", "kato", "prev_hash", "hash", "actor_kind"}
    session.execute(text(f'UPDATE audit_events SET "{column}" = :v WHERE seq = :s'), {"v": value, "s": seq})


def delete_event(session: Session, seq: int) -> None:
    session.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": seq})
