"""Stable positions: every movement is a ledger event, positions always equal the rank by date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.errors import Conflict, ValidationFailed
from kezek.models.queue import QueueEntry, QueueEvent, QueueList
from kezek.queue import ledger, service
from kezek.queue.service import Member
from tests.queue.builders import OFFICER, SYSTEM, T0, family, registered


def ranks(db: Session, list_id: int) -> dict[int, int]:
    rows = db.execute(
        select(QueueEntry.id)
        .where(QueueEntry.list_id == list_id, QueueEntry.status == "active")
        .order_by(QueueEntry.registered_at, QueueEntry.id)
    ).scalars()
    return {entry_id: i + 1 for i, entry_id in enumerate(rows)}


def stored(db: Session, list_id: int) -> dict[int, int]:
    db.expire_all()
    return {
        e.id: e.position
        for e in db.scalars(
            select(QueueEntry).where(QueueEntry.list_id == list_id, QueueEntry.status == "active")
        )
        if e.position is not None
    }


def test_registration_orders_by_date_and_time_of_complete_application(db: Session) -> None:
    late = registered(db, minutes=30)
    early = registered(db, minutes=10)
    middle = registered(db, minutes=20)
    db.expire_all()
    assert (early.position, middle.position, late.position) == (1, 2, 3)
    lst = db.get(QueueList, early.list_id)
    assert lst is not None and lst.active_count == 3
    # the late entry moved back twice, and each move has its cause in the ledger
    why = ledger.explain(db, late, T0 - timedelta(days=1))
    assert why.position_now == 3


def test_one_active_registration_per_person_and_family(db: Session) -> None:
    fam, people = family(db, size=2)
    members = [Member(people[0].id, "head"), Member(people[1].id, "child")]
    service.register(
        db,
        actor=SYSTEM,
        person_id=people[0].id,
        family_id=fam.id,
        members=members,
        kato=fam.kato,
        regime="national",
        list_code="general",
        category="general",
        registered_at=T0,
    )
    with pytest.raises(Conflict) as err:  # the child applies on their own in another region
        service.register(
            db,
            actor=SYSTEM,
            person_id=people[1].id,
            family_id=None,
            members=[Member(people[1].id, "head")],
            kato="751110000",
            regime="national",
            list_code="general",
            category="general",
            registered_at=T0,
        )
    assert err.value.code == "already_registered"
    with pytest.raises(Conflict):  # the same family again
        service.register(
            db,
            actor=SYSTEM,
            person_id=people[0].id,
            family_id=fam.id,
            members=members[:1],
            kato=fam.kato,
            regime="national",
            list_code="priority",
            category="large_family",
            registered_at=T0,
        )


def test_housed_and_removed_move_those_behind_up_with_reasons(db: Session) -> None:
    a, b, c, d = (registered(db, minutes=m) for m in (1, 2, 3, 4))
    since = clock.now()
    service.house(db, entry_id=a.id, actor=OFFICER, decision_ref="akim-2026-17")
    service.remove(db, entry_id=c.id, actor=OFFICER, reason_code="acquired_housing", decision_ref="d-5")
    db.expire_all()
    assert (b.position, d.position) == (1, 2)
    assert a.position is None and a.status == "housed"
    why = ledger.explain(db, d, since)
    assert why.position_then == 4 and why.position_now == 2
    assert [(line.kind, line.effect) for line in why.lines] == [("housed", -1), ("removed", -1)]
    assert why.lines[1].reason_code == "acquired_housing"


def test_restoration_returns_to_original_date_and_pushes_later_ones_back(db: Session) -> None:
    a, b, c = (registered(db, minutes=m) for m in (1, 2, 3))
    service.remove(db, entry_id=a.id, actor=OFFICER, reason_code="moved_away", decision_ref="d-1")
    mark = clock.now()
    service.restore(db, entry_id=a.id, actor=OFFICER, decision_ref="court-2026-3")
    db.expire_all()
    assert (a.position, b.position, c.position) == (1, 2, 3)
    why = ledger.explain(db, c, mark)
    assert why.position_then == 2 and why.position_now == 3
    assert [line.kind for line in why.lines] == ["restored"]


def test_removal_needs_a_known_reason_and_a_decision(db: Session) -> None:
    a = registered(db)
    with pytest.raises(ValidationFailed):
        service.remove(db, entry_id=a.id, actor=OFFICER, reason_code="dislike", decision_ref="d")
    with pytest.raises(ValidationFailed):
        service.remove(db, entry_id=a.id, actor=OFFICER, reason_code="moved_away", decision_ref=" ")
    service.remove(db, entry_id=a.id, actor=OFFICER, reason_code="moved_away", decision_ref="d")
    with pytest.raises(Conflict):
        service.house(db, entry_id=a.id, actor=OFFICER, decision_ref="x")


def test_succession_keeps_the_place_for_the_family(db: Session) -> None:
    first = registered(db, minutes=1)
    entry = registered(db, minutes=2, size=3)
    members = db.scalars(
        select(service.QueueEntryMember).where(service.QueueEntryMember.entry_id == entry.id)
    ).all()
    heir = next(m.person_id for m in members if m.person_id != entry.person_id)
    dead = entry.person_id
    service.succeed(db, entry_id=entry.id, actor=OFFICER, successor_person_id=heir, decision_ref="d-73")
    db.expire_all()
    assert entry.person_id == heir and entry.position == 2 and first.position == 1
    assert service.active_entry_for_person(db, dead) is None
    assert service.active_entry_for_person(db, heir) == entry
    with pytest.raises(ValidationFailed):
        service.succeed(
            db, entry_id=entry.id, actor=OFFICER, successor_person_id=first.person_id, decision_ref="d"
        )


def test_recategorisation_moves_between_lists_keeping_the_date(db: Session) -> None:
    g1 = registered(db, minutes=1)
    g2 = registered(db, minutes=5)
    p1 = registered(db, minutes=3, list_code="priority", category="large_family")
    mark = clock.now()
    service.recategorise(
        db,
        entry_id=g1.id,
        actor=OFFICER,
        category="disability",
        list_code="priority",
        priority=True,
        decision_ref="d-9",
    )
    db.expire_all()
    assert (g1.position, p1.position, g2.position) == (1, 2, 1)
    why_p1 = ledger.explain(db, p1, mark)
    assert why_p1.position_then == 1 and [ln.kind for ln in why_p1.lines] == ["recategorised_in"]
    why_g1 = ledger.explain(db, g1, mark)
    assert why_g1.position_then == 1 and why_g1.list_then != why_g1.list_now


def test_ledger_has_one_event_per_movement(db: Session) -> None:
    a = registered(db, minutes=1)
    registered(db, minutes=2)
    service.house(db, entry_id=a.id, actor=OFFICER, decision_ref="x")
    kinds = db.scalars(
        select(QueueEvent.kind).where(QueueEvent.list_id == a.list_id).order_by(QueueEvent.id)
    ).all()
    assert kinds == ["registered", "registered", "housed"]


operations = st.lists(
    st.tuples(st.sampled_from(["register", "house", "remove", "restore", "move"]), st.integers(0, 10_000)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_positions_always_equal_rank_and_ledger_explains_every_change(db: Session, ops: list) -> None:
    """Property: after any sequence of movements, every stored position equals the rank by
    (date, id), and for every entry the ledger reconstructs its position at every earlier moment."""
    nested = db.begin_nested()
    try:
        checkpoints: list[tuple] = []
        entries: list[QueueEntry] = []
        tick = [0]

        def now_plus() -> None:
            tick[0] += 1
            base = T0 + timedelta(hours=tick[0])
            clock.set_clock(lambda: base)

        for op, n in ops:
            now_plus()
            active = [e for e in entries if e.status == "active"]
            removed = [e for e in entries if e.status == "removed"]
            if op == "register" or not entries:
                code = "general" if n % 3 else "priority"
                entries.append(registered(db, minutes=n % 500, list_code=code))
            elif op == "house" and active:
                service.house(db, entry_id=active[n % len(active)].id, actor=OFFICER, decision_ref="h")
            elif op == "remove" and active:
                service.remove(
                    db,
                    entry_id=active[n % len(active)].id,
                    actor=OFFICER,
                    reason_code="moved_away",
                    decision_ref="r",
                )
            elif op == "restore" and removed:
                service.restore(db, entry_id=removed[n % len(removed)].id, actor=OFFICER, decision_ref="s")
            elif op == "move" and active:
                e = active[n % len(active)]
                lst = db.get(QueueList, e.list_id)
                assert lst is not None
                code = "priority" if lst.code == "general" else "general"
                service.recategorise(
                    db,
                    entry_id=e.id,
                    actor=OFFICER,
                    category=code,
                    list_code=code,
                    priority=code == "priority",
                    decision_ref="m",
                )
            db.flush()
            db.expire_all()
            list_ids = set(db.scalars(select(QueueList.id)))
            snapshot = {}
            for list_id in list_ids:
                assert stored(db, list_id) == ranks(db, list_id)
                count = db.scalar(
                    select(func.count())
                    .select_from(QueueEntry)
                    .where(QueueEntry.list_id == list_id, QueueEntry.status == "active")
                )
                lst = db.get(QueueList, list_id)
                assert lst is not None and lst.active_count == count
                snapshot.update({eid: (list_id, pos) for eid, pos in stored(db, list_id).items()})
            checkpoints.append((clock.now(), snapshot))
        # the ledger reconstructs the past
        for moment, snapshot in checkpoints:
            for e in entries:
                why = ledger.explain(db, e, moment)
                expected = snapshot.get(e.id)
                assert (why.list_then, why.position_then) == (expected or (None, None)), (e.id, moment)
    finally:
        clock.reset_clock()
        nested.rollback()
