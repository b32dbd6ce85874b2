"""Queue movements. Every movement writes a ledger event (with its reason) and an audit event.

Services never commit: the request, job or command that calls them owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.models.queue import (
    AKIMAT_LISTS,
    NATIONAL_LISTS,
    QueueEntry,
    QueueEntryMember,
    QueueEvent,
    QueueList,
)
from kezek.models.registry import Person
from kezek.queue import positions

# The national (Otbasy) regime starts on 24 May 2025 (MIC Order No. 130 of 17.04.2025).
NATIONAL_REGIME_FROM = date(2025, 5, 24)

# Removal grounds (Law "On Housing Relations" Art. 73, pre-2025 text, and practice; domain §3.2).
REMOVAL_REASONS = (
    "grounds_ceased",  # Art. 73 p.1 1)
    "moved_away",  # Art. 73 p.1 2)
    "untrue_information",  # Art. 73 p.1 3)
    "acquired_housing",  # Art. 73 p.1 4)
    "death_no_successor",  # Art. 73 p.2 does not apply: no family member remains
    "own_request",
    "registered_elsewhere",
    "not_citizen",
    "duplicate",
)


@dataclass(frozen=True)
class Member:
    person_id: int
    relation: str


def regime_on(day: date) -> str:
    return "national" if day >= NATIONAL_REGIME_FROM else "akimat"


def actor_label(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id}"


def get_list(
    session: Session, *, kato: str, regime: str, code: str, opened_on: date | None = None
) -> QueueList:
    """The list of a jurisdiction, created on first use."""
    allowed = AKIMAT_LISTS if regime == "akimat" else NATIONAL_LISTS if regime == "national" else ()
    if code not in allowed:
        raise ValidationFailed(f"list {code!r} does not exist in the {regime} regime", code="unknown_list")
    if len(kato) != 9 or not kato.isdigit():
        raise ValidationFailed("a KATO code has 9 digits", code="bad_kato")
    found = session.scalar(
        select(QueueList).where(QueueList.kato == kato, QueueList.regime == regime, QueueList.code == code)
    )
    if found is not None:
        return found
    queue_list = QueueList(
        kato=kato,
        regime=regime,
        code=code,
        active_count=0,
        opened_on=opened_on or clock.today_local(),
    )
    session.add(queue_list)
    session.flush()
    return queue_list


def _event(
    session: Session,
    entry: QueueEntry,
    kind: str,
    *,
    actor: Actor,
    delta: int = 0,
    list_id: int | None = None,
    position_before: int | None = None,
    position_after: int | None = None,
    reason_code: str | None = None,
    note: str | None = None,
    decision_ref: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> QueueEvent:
    event = QueueEvent(
        entry_id=entry.id,
        list_id=list_id if list_id is not None else entry.list_id,
        kind=kind,
        occurred_at=at or clock.now(),
        entry_registered_at=entry.registered_at,
        delta=delta,
        position_before=position_before,
        position_after=position_after,
        reason_code=reason_code,
        note=note,
        decision_ref=decision_ref,
        actor=actor_label(actor),
        details=details,
    )
    session.add(event)
    return event


def _snapshot(entry: QueueEntry) -> dict[str, Any]:
    return {
        "list_id": entry.list_id,
        "status": entry.status,
        "position": entry.position,
        "category": entry.category,
        "person_id": entry.person_id,
        "skipped_for_offers": entry.skipped_for_offers,
    }


def register(
    session: Session,
    *,
    actor: Actor,
    person_id: int,
    family_id: int | None,
    members: Sequence[Member],
    kato: str,
    regime: str,
    list_code: str,
    category: str,
    categories: Sequence[str] = (),
    priority: bool = False,
    registered_at: datetime,
    application_id: int | None = None,
    phone: str | None = None,
    phone_verified: bool = False,
    consent_ref: str | None = None,
    decision_ref: str | None = None,
    legacy_number: str | None = None,
) -> QueueEntry:
    """Put a family in a list at the place its complete application's date and time gives it.

    One active registration per person (IIN) in the country and one per family: a second one is a
    Conflict naming the reason, enforced by unique partial indexes as well as checked here.
    """
    queue_list = get_list(session, kato=kato, regime=regime, code=list_code)
    positions.lock_list(session, queue_list.id)
    person_ids = {person_id, *(m.person_id for m in members)}
    _ensure_not_registered(session, person_ids=person_ids, family_id=family_id)
    now = clock.now()
    entry = QueueEntry(
        list_id=queue_list.id,
        kato=kato,
        person_id=person_id,
        family_id=family_id,
        application_id=application_id,
        registered_at=registered_at,
        category=category,
        categories=list(categories) or [category],
        priority=priority,
        status="active",
        skipped_for_offers=False,
        phone=phone,
        phone_verified_at=now if phone and phone_verified else None,
        consent_ref=consent_ref,
        consent_at=now if consent_ref else None,
        legacy_number=legacy_number,
    )
    session.add(entry)
    try:
        session.flush()
        relations = {m.person_id: m.relation for m in members}
        relations.setdefault(person_id, "applicant")
        for pid, relation in sorted(relations.items()):
            session.add(QueueEntryMember(entry_id=entry.id, person_id=pid, relation=relation, active=True))
        session.flush()
    except IntegrityError as exc:  # a concurrent registration won the race
        raise Conflict(
            "this person or family already has an active registration", code="already_registered"
        ) from exc
    position = positions.insert_at_rank(session, entry)
    _event(
        session,
        entry,
        "registered",
        actor=actor,
        delta=+1,
        position_after=position,
        reason_code=category,
        decision_ref=decision_ref,
    )
    record(
        session,
        actor=actor,
        action="queue.register",
        object_type="queue_entry",
        object_id=entry.id,
        kato=kato,
        after=_snapshot(entry),
        reason=decision_ref,
    )
    return entry


def _ensure_not_registered(session: Session, *, person_ids: set[int], family_id: int | None) -> None:
    clash = session.scalar(
        select(QueueEntryMember.entry_id).where(
            QueueEntryMember.person_id.in_(person_ids), QueueEntryMember.active
        )
    )
    if clash is not None:
        raise Conflict(
            "a member of this family already has an active registration in the queue",
            code="already_registered",
            entry_id=clash,
        )
    if family_id is not None:
        clash = session.scalar(
            select(QueueEntry.id).where(QueueEntry.family_id == family_id, QueueEntry.status == "active")
        )
        if clash is not None:
            raise Conflict("this family already has an active registration", code="already_registered")


def get_entry(session: Session, entry_id: int) -> QueueEntry:
    entry = session.get(QueueEntry, entry_id)
    if entry is None:
        raise NotFound("no such queue entry")
    return entry


def active_entry_for_person(session: Session, person_id: int) -> QueueEntry | None:
    """The active entry covering a person (as the registered person or a family member)."""
    entry_id = session.scalar(
        select(QueueEntryMember.entry_id).where(
            QueueEntryMember.person_id == person_id, QueueEntryMember.active
        )
    )
    return session.get(QueueEntry, entry_id) if entry_id is not None else None


def _leave(
    session: Session,
    entry: QueueEntry,
    *,
    status: str,
    kind: str,
    actor: Actor,
    reason_code: str,
    note: str | None,
    decision_ref: str | None,
) -> QueueEvent:
    if entry.status != "active":
        raise Conflict(f"the entry is not active (it is {entry.status})", code="entry_not_active")
    positions.lock_list(session, entry.list_id)
    session.refresh(entry)
    before = _snapshot(entry)
    old_position = entry.position
    entry.status = status
    entry.position = None
    entry.ended_at = clock.now()
    entry.end_reason = reason_code
    session.execute(
        update(QueueEntryMember).where(QueueEntryMember.entry_id == entry.id).values(active=False)
    )
    session.flush()
    if old_position is not None:
        positions.close_gap(session, entry.list_id, old_position)
    event = _event(
        session,
        entry,
        kind,
        actor=actor,
        delta=-1,
        position_before=old_position,
        reason_code=reason_code,
        note=note,
        decision_ref=decision_ref,
    )
    record(
        session,
        actor=actor,
        action=f"queue.{kind}",
        object_type="queue_entry",
        object_id=entry.id,
        kato=entry.kato,
        before=before,
        after=_snapshot(entry),
        reason=reason_code,
    )
    return event


def house(
    session: Session, *, entry_id: int, actor: Actor, decision_ref: str, note: str | None = None
) -> QueueEvent:
    """The family received housing (an allocation decision): it leaves the list."""
    entry = get_entry(session, entry_id)
    return _leave(
        session,
        entry,
        status="housed",
        kind="housed",
        actor=actor,
        reason_code="housed",
        note=note,
        decision_ref=decision_ref,
    )


def remove(
    session: Session,
    *,
    entry_id: int,
    actor: Actor,
    reason_code: str,
    decision_ref: str,
    note: str | None = None,
) -> QueueEvent:
    """Removal from the register by a decision (Art. 73), with its reason code."""
    if reason_code not in REMOVAL_REASONS:
        raise ValidationFailed(
            f"unknown removal reason {reason_code!r}; known: {', '.join(REMOVAL_REASONS)}",
            code="unknown_reason",
        )
    if not decision_ref.strip():
        raise ValidationFailed("a removal needs the reference of the decision", code="decision_required")
    entry = get_entry(session, entry_id)
    return _leave(
        session,
        entry,
        status="removed",
        kind="removed",
        actor=actor,
        reason_code=reason_code,
        note=note,
        decision_ref=decision_ref,
    )


def restore(
    session: Session, *, entry_id: int, actor: Actor, decision_ref: str, note: str | None = None
) -> QueueEvent:
    """Restore a removed entry by a decision (e.g. a removal annulled on appeal): it goes back to the
    place its original registration date gives it."""
    if not decision_ref.strip():
        raise ValidationFailed("a restoration needs the reference of the decision", code="decision_required")
    entry = get_entry(session, entry_id)
    if entry.status != "removed":
        raise Conflict("only a removed entry can be restored", code="entry_not_removed")
    positions.lock_list(session, entry.list_id)
    members = session.scalars(select(QueueEntryMember).where(QueueEntryMember.entry_id == entry.id)).all()
    _ensure_not_registered(
        session, person_ids={m.person_id for m in members} | {entry.person_id}, family_id=entry.family_id
    )
    before = _snapshot(entry)
    entry.status = "active"
    entry.ended_at = None
    entry.end_reason = None
    for member in members:
        member.active = True
    session.flush()
    position = positions.insert_at_rank(session, entry)
    event = _event(
        session,
        entry,
        "restored",
        actor=actor,
        delta=+1,
        position_after=position,
        reason_code="restored",
        note=note,
        decision_ref=decision_ref,
    )
    record(
        session,
        actor=actor,
        action="queue.restore",
        object_type="queue_entry",
        object_id=entry.id,
        kato=entry.kato,
        before=before,
        after=_snapshot(entry),
        reason=decision_ref,
    )
    return event


def recategorise(
    session: Session,
    *,
    entry_id: int,
    actor: Actor,
    category: str,
    list_code: str,
    priority: bool,
    decision_ref: str,
    categories: Sequence[str] = (),
    note: str | None = None,
) -> QueueEvent:
    """Change an active entry's category; if its list changes it moves keeping its registration date."""
    entry = get_entry(session, entry_id)
    if entry.status != "active":
        raise Conflict("only an active entry can be re-categorised", code="entry_not_active")
    old_list = session.get(QueueList, entry.list_id)
    assert old_list is not None
    new_list = get_list(session, kato=entry.kato, regime=old_list.regime, code=list_code)
    before = _snapshot(entry)
    details = {"from_category": entry.category, "to_category": category}
    if new_list.id == old_list.id:
        entry.category = category
        entry.categories = list(categories) or [category]
        entry.priority = priority
        event = _event(
            session,
            entry,
            "recategorised",
            actor=actor,
            position_before=entry.position,
            position_after=entry.position,
            reason_code=category,
            note=note,
            decision_ref=decision_ref,
            details=details,
        )
    else:
        event = _move(
            session,
            entry,
            new_list,
            actor=actor,
            out_kind="recategorised_out",
            in_kind="recategorised_in",
            reason_code=category,
            decision_ref=decision_ref,
            note=note,
            details=details,
        )
        entry.category = category
        entry.categories = list(categories) or [category]
        entry.priority = priority
    session.flush()
    record(
        session,
        actor=actor,
        action="queue.recategorise",
        object_type="queue_entry",
        object_id=entry.id,
        kato=entry.kato,
        before=before,
        after=_snapshot(entry),
        reason=decision_ref,
    )
    return event


def _move(
    session: Session,
    entry: QueueEntry,
    new_list: QueueList,
    *,
    actor: Actor,
    out_kind: str,
    in_kind: str,
    reason_code: str,
    decision_ref: str | None,
    note: str | None,
    details: dict[str, Any] | None,
) -> QueueEvent:
    """Move an active entry to another list, one event on each side."""
    old_list_id = entry.list_id
    first, second = sorted((old_list_id, new_list.id))
    positions.lock_list(session, first)
    positions.lock_list(session, second)
    session.refresh(entry)
    old_position = entry.position
    entry.position = None
    entry.status = "moving"
    session.flush()
    if old_position is not None:
        positions.close_gap(session, old_list_id, old_position)
    _event(
        session,
        entry,
        out_kind,
        actor=actor,
        delta=-1,
        list_id=old_list_id,
        position_before=old_position,
        reason_code=reason_code,
        note=note,
        decision_ref=decision_ref,
        details={**(details or {}), "to_list_id": new_list.id},
    )
    entry.list_id = new_list.id
    entry.status = "active"
    session.flush()
    new_position = positions.insert_at_rank(session, entry)
    return _event(
        session,
        entry,
        in_kind,
        actor=actor,
        delta=+1,
        position_before=old_position,
        position_after=new_position,
        reason_code=reason_code,
        note=note,
        decision_ref=decision_ref,
        details={**(details or {}), "from_list_id": old_list_id},
    )


def succeed(
    session: Session,
    *,
    entry_id: int,
    actor: Actor,
    successor_person_id: int,
    decision_ref: str,
    note: str | None = None,
) -> QueueEvent:
    """Art. 73 p.2: when the registered person dies (or moves away), the place is kept for the
    remaining family members. The successor must be a member covered by the entry; the place and
    the registration date do not change."""
    entry = get_entry(session, entry_id)
    if entry.status != "active":
        raise Conflict("only an active entry can pass to a successor", code="entry_not_active")
    members = {
        m.person_id: m
        for m in session.scalars(select(QueueEntryMember).where(QueueEntryMember.entry_id == entry.id))
    }
    if successor_person_id == entry.person_id:
        raise ValidationFailed("the successor must be another family member", code="bad_successor")
    if successor_person_id not in members:
        raise ValidationFailed(
            "the successor must be a family member covered by this registration", code="bad_successor"
        )
    successor = session.get(Person, successor_person_id)
    if successor is None or successor.death_date is not None:
        raise ValidationFailed("the successor must be a living person", code="bad_successor")
    before = _snapshot(entry)
    previous = entry.person_id
    members[previous].active = False
    members[successor_person_id].relation = "applicant"
    entry.person_id = successor_person_id
    event = _event(
        session,
        entry,
        "succession",
        actor=actor,
        position_before=entry.position,
        position_after=entry.position,
        reason_code="art73_p2_succession",
        note=note,
        decision_ref=decision_ref,
        details={"from_person_id": previous, "to_person_id": successor_person_id},
    )
    session.flush()
    record(
        session,
        actor=actor,
        action="queue.succession",
        object_type="queue_entry",
        object_id=entry.id,
        kato=entry.kato,
        before=before,
        after=_snapshot(entry),
        reason=decision_ref,
    )
    return event


def set_contact(
    session: Session,
    *,
    entry_id: int,
    actor: Actor,
    phone: str | None,
    phone_verified: bool,
    consent_ref: str | None,
) -> QueueEntry:
    """Record the phone for SMS offers (and whether it is verified) and the consent reference."""
    entry = get_entry(session, entry_id)
    if phone is not None and not (phone.startswith("+7") and len(phone) == 12 and phone[1:].isdigit()):
        raise ValidationFailed("a phone number looks like +7XXXXXXXXXX", code="bad_phone")
    now = clock.now()
    before = {"phone_set": entry.phone is not None, "verified": entry.phone_verified_at is not None}
    entry.phone = phone
    entry.phone_verified_at = now if phone and phone_verified else None
    if consent_ref:
        entry.consent_ref = consent_ref
        entry.consent_at = now
    _event(
        session,
        entry,
        "contact_changed",
        actor=actor,
        position_before=entry.position,
        position_after=entry.position,
    )
    session.flush()
    record(
        session,
        actor=actor,
        action="queue.contact",
        object_type="queue_entry",
        object_id=entry.id,
        kato=entry.kato,
        before=before,
        after={"phone_set": phone is not None, "verified": entry.phone_verified_at is not None},
    )
    return entry


def mark_inventory(
    session: Session, entry: QueueEntry, *, passed: bool, actor: Actor, note: str | None
) -> QueueEvent:
    """The re-verification's verdict on an entry, in its ledger (the place does not change)."""
    return _event(
        session,
        entry,
        "inventory_passed" if passed else "inventory_failed",
        actor=actor,
        position_before=entry.position,
        position_after=entry.position,
        note=note,
    )
