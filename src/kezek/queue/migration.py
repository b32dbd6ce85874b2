"""Migration of the akimat lists into the national queue (24 May 2025, MIC Order No. 130).

Every active entry of an akimat list moves to the national list of the same jurisdiction, keeping
its registration date and time and its categories; its new place follows from that date among
everyone in the national list. Every person gets a visible old-number → new-number record and a
pair of ledger events (migrated_out, migrated_in). The akimat lists are closed.

Which national list (IMPL, domain §1.2: the priority categories of Art. 74 p.1 cover veterans,
orphans, large families, persons with disabilities, families with disabled children and other
Art. 68 groups): lists L1-L4 go to "priority", L5 (state employees) and L6 (emergency dwelling
only) to "general".

Done in set-based statements so that 650,000 entries move in one pass, not one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, insert, literal, select, update
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.auth.scope import scope_filter
from kezek.models.queue import QueueEntry, QueueEvent, QueueList, QueueMigrationRecord
from kezek.queue import positions
from kezek.queue.service import NATIONAL_REGIME_FROM, actor_label, get_list

TARGET = {
    "L1": "priority",
    "L2": "priority",
    "L3": "priority",
    "L4": "priority",
    "L5": "general",
    "L6": "general",
}


@dataclass
class MigrationReport:
    lists_closed: int = 0
    entries_moved: int = 0
    by_target: dict[str, int] = field(default_factory=dict)


def migrate_to_national(
    session: Session, *, actor: Actor, kato_prefix: str = "", on: date = NATIONAL_REGIME_FROM
) -> MigrationReport:
    """Move every open akimat list in scope into the national queue. Safe to run twice: a closed
    list is not moved again."""
    report = MigrationReport()
    now = clock.now()
    akimat_lists = session.scalars(
        select(QueueList)
        .where(
            QueueList.regime == "akimat",
            QueueList.closed_on.is_(None),
            scope_filter(QueueList.kato, [kato_prefix]),
        )
        .order_by(QueueList.kato, QueueList.code)
    ).all()
    touched: set[int] = set()
    for old in akimat_lists:
        positions.lock_list(session, old.id)
        new = get_list(session, kato=old.kato, regime="national", code=TARGET[old.code], opened_on=on)
        positions.lock_list(session, new.id)
        moving = (QueueEntry.list_id == old.id) & (QueueEntry.status == "active")
        # 1. the record of each old number (the new one is filled in once the places are known)
        session.execute(
            insert(QueueMigrationRecord).from_select(
                ["entry_id", "old_list_id", "old_position", "new_list_id", "new_position", "migrated_at"],
                select(
                    QueueEntry.id,
                    literal(old.id),
                    QueueEntry.position,
                    literal(new.id),
                    literal(0),
                    literal(now, type_=QueueMigrationRecord.migrated_at.type),
                ).where(moving),
            )
        )
        # 2. the event of leaving the akimat list, with the old number
        session.execute(
            insert(QueueEvent).from_select(
                [
                    "entry_id",
                    "list_id",
                    "kind",
                    "occurred_at",
                    "entry_registered_at",
                    "delta",
                    "position_before",
                    "reason_code",
                    "actor",
                    "decision_ref",
                ],
                select(
                    QueueEntry.id,
                    literal(old.id),
                    literal("migrated_out"),
                    literal(now, type_=QueueEvent.occurred_at.type),
                    QueueEntry.registered_at,
                    literal(-1),
                    QueueEntry.position,
                    literal("regime_migration"),
                    literal(actor_label(actor)),
                    literal("MIC Order No. 130 of 17.04.2025"),
                ).where(moving),
            )
        )
        moved = session.execute(  # type: ignore[attr-defined]
            update(QueueEntry)
            .where(moving)
            .values(list_id=new.id, priority=TARGET[old.code] == "priority")
            .execution_options(synchronize_session=False)
        ).rowcount
        old.closed_on = on
        old.active_count = 0
        report.lists_closed += 1
        report.entries_moved += moved or 0
        report.by_target[new.code] = report.by_target.get(new.code, 0) + (moved or 0)
        touched.add(new.id)
        record(
            session,
            actor=actor,
            action="queue.migrate_list",
            object_type="queue_list",
            object_id=old.id,
            kato=old.kato,
            after={"to_list_id": new.id, "to_code": new.code, "entries": moved, "on": on},
            reason="MIC Order No. 130 of 17.04.2025: the national queue from 24.05.2025",
        )
    session.flush()
    for list_id in sorted(touched):
        positions.recompute(session, list_id)
        # 3. the new numbers, on the records and on the joining events
        records = (
            select(QueueMigrationRecord.entry_id)
            .where(QueueMigrationRecord.new_list_id == list_id, QueueMigrationRecord.migrated_at == now)
            .scalar_subquery()
        )
        session.execute(
            update(QueueMigrationRecord)
            .where(QueueMigrationRecord.new_list_id == list_id, QueueMigrationRecord.migrated_at == now)
            .values(
                new_position=select(QueueEntry.position)
                .where(QueueEntry.id == QueueMigrationRecord.entry_id)
                .scalar_subquery()
            )
            .execution_options(synchronize_session=False)
        )
        session.execute(
            insert(QueueEvent).from_select(
                [
                    "entry_id",
                    "list_id",
                    "kind",
                    "occurred_at",
                    "entry_registered_at",
                    "delta",
                    "position_before",
                    "position_after",
                    "reason_code",
                    "actor",
                    "decision_ref",
                ],
                select(
                    QueueEntry.id,
                    literal(list_id),
                    literal("migrated_in"),
                    literal(now, type_=QueueEvent.occurred_at.type),
                    QueueEntry.registered_at,
                    literal(1),
                    QueueMigrationRecord.old_position,
                    QueueEntry.position,
                    literal("regime_migration"),
                    literal(actor_label(actor)),
                    literal("MIC Order No. 130 of 17.04.2025"),
                )
                .join(
                    QueueMigrationRecord,
                    and_(
                        QueueMigrationRecord.entry_id == QueueEntry.id,
                        QueueMigrationRecord.migrated_at == now,
                    ),
                )
                .where(QueueEntry.id.in_(records)),
            )
        )
    session.flush()
    session.expire_all()
    return report


def migration_of(session: Session, entry_id: int) -> QueueMigrationRecord | None:
    """The entry's old-number → new-number record, if it came from an akimat list."""
    return session.scalar(
        select(QueueMigrationRecord)
        .where(QueueMigrationRecord.entry_id == entry_id)
        .order_by(QueueMigrationRecord.id.desc())
        .limit(1)
    )


def count_records(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(QueueMigrationRecord)) or 0)
