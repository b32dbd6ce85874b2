"""The akimat lists move into the national queue keeping dates and categories, with old → new numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.models.queue import QueueEntry, QueueEvent, QueueList, QueueMigrationRecord
from kezek.queue import ledger, migration
from tests.queue.builders import OFFICER, registered

OLD = datetime(2015, 3, 2, 5, 0, tzinfo=UTC)


def test_migration_keeps_dates_and_gives_old_to_new_numbers(db: Session, frozen) -> None:
    frozen.set(datetime(2025, 6, 2, 5, 0, tzinfo=UTC))
    vulnerable = [
        registered(db, regime="akimat", list_code="L4", category="L4", at=OLD + timedelta(days=d))
        for d in (0, 30, 60)
    ]
    large = [
        registered(db, regime="akimat", list_code="L3", category="L3", at=OLD + timedelta(days=d))
        for d in (15, 45)
    ]
    servant = registered(db, regime="akimat", list_code="L5", category="L5", at=OLD + timedelta(days=5))
    # someone registered in the national queue after 24.05.2025: the migrated, older dates go ahead
    newcomer = registered(
        db,
        regime="national",
        list_code="priority",
        category="large_families",
        at=datetime(2025, 6, 2, 5, 0, tzinfo=UTC),
    )
    before = clock.now()
    frozen.set(datetime(2025, 6, 3, 5, 0, tzinfo=UTC))
    report = migration.migrate_to_national(db, actor=OFFICER)
    assert report.entries_moved == 6 and report.lists_closed == 3
    assert report.by_target == {"priority": 5, "general": 1}
    db.expire_all()
    priority = [*vulnerable, *large]
    priority.sort(key=lambda e: e.registered_at)
    assert [e.position for e in priority] == [1, 2, 3, 4, 5]
    assert newcomer.position == 6
    assert (
        servant.position == 1
        and servant.category == "L5"
        and servant.registered_at == OLD + timedelta(days=5)
    )
    assert {e.list_id for e in priority} == {newcomer.list_id}
    assert all(e.category == "L3" for e in large)
    rec = db.scalar(select(QueueMigrationRecord).where(QueueMigrationRecord.entry_id == large[1].id))
    assert rec is not None and (rec.old_position, rec.new_position) == (2, 4)
    old_list = db.get(QueueList, rec.old_list_id)
    assert old_list is not None and old_list.closed_on is not None and old_list.active_count == 0
    # every move has its pair of events with the numbers
    kinds = db.scalars(
        select(QueueEvent.kind).where(QueueEvent.entry_id == large[1].id).order_by(QueueEvent.id)
    ).all()
    assert kinds == ["registered", "migrated_out", "migrated_in"]
    # the ledger explains: the migrated person's numbers, and the newcomer pushed back by five
    why = ledger.explain(db, large[1], before)
    assert (why.position_then, why.position_now) == (2, 4)
    assert why.list_then == rec.old_list_id and why.list_now == rec.new_list_id
    why_new = ledger.explain(db, newcomer, before)
    assert (why_new.position_then, why_new.position_now) == (1, 6)
    assert [line.kind for line in why_new.lines] == ["migrated_in"] * 5
    # running again moves nothing
    assert migration.migrate_to_national(db, actor=OFFICER).entries_moved == 0
    assert (
        db.scalar(
            select(QueueEntry.id).where(QueueEntry.list_id == rec.old_list_id, QueueEntry.status == "active")
        )
        is None
    )
