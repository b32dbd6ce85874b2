"""The hash chain and its signed head, on both engines, edited and cut behind Kezek's back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from kezek.audit import service
from kezek.audit.chain import GENESIS, HEAD_SEQ, event_hash
from kezek.errors import Conflict
from kezek.models import AuditEvent
from tests.audit.builders import OFFICIAL, delete_event, set_json, set_text, write_events


def _break(db: Session) -> service.Break:
    result = service.verify(db)
    assert not result.ok, "the edit went unnoticed"
    assert result.first_break is not None
    return result.first_break


def test_untouched_chain_verifies_and_head_names_the_last_event(db: Session) -> None:
    write_events(db, 5)
    result = service.verify(db)
    assert result.ok and result.checked == 5
    head = service.head(db)
    assert head is not None and head.seq == 5
    last_hash = db.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 5))
    assert head.hash == last_hash


def test_empty_trail_verifies(db: Session) -> None:
    result = service.verify(db)
    assert result.ok and result.checked == 0


@pytest.mark.parametrize(("column", "value"), [("after", {"phone_verified": False}), ("before", None)])
def test_json_edit_names_the_event(db: Session, column: str, value: object) -> None:
    write_events(db, 5)
    set_json(db, 3, column, value)
    brk = _break(db)
    assert (brk.seq, brk.problem) == (3, "content differs from what was recorded")


def test_reason_edit_names_the_event(db: Session) -> None:
    write_events(db, 4)
    set_text(db, 2, "reason", "nothing happened here")
    assert _break(db).seq == 2


def test_deleting_an_event_in_the_middle_names_it(db: Session) -> None:
    write_events(db, 5)
    delete_event(db, 3)
    brk = _break(db)
    assert brk.seq == 3 and "missing" in brk.problem


def test_deleting_the_last_event_is_caught_by_the_head(db: Session) -> None:
    write_events(db, 5)
    delete_event(db, 5)
    brk = _break(db)
    assert brk.seq == 5 and "missing at the end" in brk.problem


def test_deleting_the_last_events_and_the_head_is_caught(db: Session) -> None:
    write_events(db, 5)
    delete_event(db, 5)
    delete_event(db, 4)
    delete_event(db, HEAD_SEQ)
    brk = _break(db)
    assert "signed head of the chain is missing" in brk.problem


def _forge(db: Session, seq: int, prev_hash: str, *, correct_hash: bool) -> None:
    fields = {
        "seq": seq,
        "occurred_at": datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        "actor_kind": "official",
        "actor_id": "17",
        "action": "queue.restore",
        "object_type": "queue_entry",
        "object_id": "99",
        "kato": "751000000",
        "before": None,
        "after": {"position": 1},
        "reason": "forged",
    }
    digest = event_hash(prev_hash, fields) if correct_hash else "f" * 64
    db.execute(insert(service.EVENTS).values(**fields, prev_hash=prev_hash, hash=digest))


def test_forged_event_with_a_wrong_hash_is_named(db: Session) -> None:
    write_events(db, 3)
    last = db.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 3))
    assert last is not None
    _forge(db, 4, last, correct_hash=False)
    assert _break(db).seq == 4


def test_forged_event_with_a_correctly_computed_hash_is_caught_by_the_head(db: Session) -> None:
    write_events(db, 3)
    last = db.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 3))
    assert last is not None
    _forge(db, 4, last, correct_hash=True)
    brk = _break(db)
    assert brk.seq == 4 and "after the signed head" in brk.problem


def test_rewriting_the_chain_from_an_edit_onwards_is_caught(db: Session) -> None:
    """The forger edits event 2 and recomputes every hash after it (SHA-256 needs no secret)."""
    write_events(db, 4)
    set_text(db, 2, "reason", "rewritten")
    prev = db.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 1))
    assert prev is not None
    for seq in (2, 3, 4):
        row = db.execute(select(AuditEvent.__table__).where(AuditEvent.seq == seq)).one()
        fields = {name: row._mapping[name] for name in service.HASHED_FIELDS}
        digest = event_hash(prev, fields)
        db.execute(
            text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": prev, "h": digest, "s": seq},
        )
        prev = digest
    brk = _break(db)
    assert brk.seq == 4 and "rewritten" in brk.problem
    # Moving the head along without the secret key does not help either.
    set_text(db, HEAD_SEQ, "prev_hash", prev)
    assert "signature" in _break(db).problem


def test_a_different_secret_key_does_not_verify_the_head(db: Session) -> None:
    write_events(db, 2)
    result = service.verify(db, secret_key="another-instance-secret-key-0123456789")
    assert not result.ok and result.first_break is not None
    assert "signature" in result.first_break.problem


def test_seal_signs_a_bulk_loaded_chain_and_refuses_a_broken_one(db: Session) -> None:
    prev = GENESIS
    for seq in (1, 2, 3):
        fields = {
            "seq": seq,
            "occurred_at": datetime(2025, 5, 24, 10, seq, tzinfo=UTC),
            "actor_kind": "system",
            "actor_id": "import",
            "action": "queue.migrate",
            "object_type": "queue_entry",
            "object_id": str(seq),
            "kato": None,
            "before": None,
            "after": {"old": seq, "new": seq + 100},
            "reason": None,
        }
        digest = event_hash(prev, fields)
        db.execute(insert(service.EVENTS).values(**fields, prev_hash=prev, hash=digest))
        prev = digest
    assert "missing" in _break(db).problem  # no signed head yet
    head = service.seal(db)
    assert head is not None and head.seq == 3
    assert service.verify(db).ok
    write_events(db, 1)  # writers carry on from the sealed chain
    assert service.verify(db).checked == 4
    set_text(db, 2, "actor_id", "someone else")
    with pytest.raises(Conflict, match="seq=2"):
        service.seal(db)


def test_a_copy_of_the_head_kept_outside_catches_a_truncation(db: Session) -> None:
    write_events(db, 4)
    kept = service.head(db)
    assert kept is not None
    assert service.verify(db, expect=(kept.seq, kept.hash)).ok
    # Someone with the secret key (or a restore of an old backup) cuts the chain and re-seals it.
    delete_event(db, 4)
    service.seal(db)
    assert service.verify(db).ok
    result = service.verify(db, expect=(kept.seq, kept.hash))
    assert not result.ok and result.first_break is not None and result.first_break.seq == 4


def test_numbers_survive_the_json_round_trip(db: Session) -> None:
    """JSONB hands 1e20 back as an integer; the hash must not change on the way."""
    service.record(
        db,
        actor=OFFICIAL,
        action="assistance.compute",
        object_type="claim",
        object_id=1,
        after={"big": 1e20, "tenth": 0.1, "whole": 2.0, "tiny": 1.5e-7, "nested": [{"x": 3.0}]},
    )
    db.expire_all()
    assert service.verify(db).ok


def test_verify_leaves_the_callers_objects_alone(db: Session) -> None:
    event = write_events(db, 2)
    mine = db.scalars(select(AuditEvent).where(AuditEvent.seq == event[0])).one()
    assert service.verify(db).ok
    assert mine in db  # nothing was expunged from the caller's session


def test_reads_are_events_too(db: Session) -> None:
    service.record_read(
        db, actor=OFFICIAL, object_type="person", object_id=42, kato="751000000", purpose="case 7 review"
    )
    row = db.execute(select(AuditEvent).where(AuditEvent.seq == 1)).scalar_one()
    assert (row.action, row.object_id, row.reason) == ("person.read", "42", "case 7 review")
    assert service.verify(db).ok
