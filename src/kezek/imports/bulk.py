"""The set-based path for big queue lists: the same reading, checks and decisions, landed per chunk.

The row-by-row path (:class:`kezek.imports.landing.QueueLander`) lands each line through the
registry and queue services in its own savepoint, shifting the positions of the list behind it:
right for a monthly file, far too slow for a region's million lines. This path keeps everything
that decides a line's fate — :func:`kezek.imports.rows.read_queue_row`, the chunk's lookups and
``QueueLander._decide`` with its duplicate and prior-import rules — and replaces only the writes:

* the new persons of a chunk in one multi-row INSERT (birth date and sex from the IIN, as
  ``registry.service.create_person`` does), the entries, their members and their ``registered``
  ledger events (decision reference ``import:<batch>:<line>``, as on the service path) likewise;
* the positions of every list touched, once, at the end (``queue.positions.recompute``);
* one audit event per chunk naming the batch, the lines and the ids created (the per-line
  provenance is the ``import_rows`` row and the ledger event, exactly as on the service path).

Lookups that the service would do per line (one active registration per person) are done per
chunk; the unique indexes still guard the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.imports.landing import Decided, QueueLander
from kezek.imports.rows import QueueRow
from kezek.imports.service import QueueImport
from kezek.models.imports import ImportBatch
from kezek.models.queue import QueueEntry, QueueEntryMember, QueueEvent
from kezek.models.registry import Person
from kezek.queue import positions
from kezek.queue import service as queue_service

# Core tables: a plain executemany, without the ORM's per-row bookkeeping.
PERSONS: Table = Person.__table__  # type: ignore[assignment]
ENTRIES: Table = QueueEntry.__table__  # type: ignore[assignment]
MEMBERS: Table = QueueEntryMember.__table__  # type: ignore[assignment]
EVENTS: Table = QueueEvent.__table__  # type: ignore[assignment]


@dataclass
class _Pending:
    decided: Decided
    person_id: int | None  # an existing person without an active registration


class BulkLander(QueueLander):
    def __init__(self, session: Session, *, actor: Actor, batch_id: int, dry_run: bool) -> None:
        super().__init__(session, actor=actor, batch_id=batch_id, dry_run=dry_run)
        self.pending: list[_Pending] = []
        self.lists: dict[tuple[str, str], int] = {}
        self.touched: set[int] = set()

    def _land(self, row: QueueRow, person: Person | None) -> Decided:
        decided = Decided(row, "landed", person_id=person.id if person else None)
        self.pending.append(_Pending(decided, person.id if person else None))
        return decided

    def _list_id(self, kato: str, code: str) -> int:
        key = (kato, code)
        if key not in self.lists:
            found = queue_service.get_list(self.session, kato=kato, regime="akimat", code=code)
            self.lists[key] = found.id
        return self.lists[key]

    def decide_chunk(self, rows: Sequence[QueueRow]) -> list[Decided]:
        decided = super().decide_chunk(rows)
        if self.pending:
            self._write(self.pending)
            by_key = {(p.decided.row.values["kato"], p.decided.row.row_key): p.decided for p in self.pending}
            for d in decided:  # lines merged into a line of this chunk point at its entry
                if d.outcome == "merged" and d.entry_id is None:
                    same = by_key.get((d.row.values.get("kato") or "", d.row.row_key))
                    if same is not None:
                        d.entry_id, d.person_id = same.entry_id, same.person_id
            self.pending = []
        return decided

    def _write(self, pending: list[_Pending]) -> None:
        session = self.session
        now = clock.now()
        fresh = [p for p in pending if p.person_id is None]
        if fresh:
            payload = []
            for p in fresh:
                values = p.decided.row.values  # birth date and sex read from the IIN by read_queue_row
                payload.append(
                    {
                        "iin": values["iin"],
                        "surname": values["surname"],
                        "given_name": values["given_name"],
                        "patronymic": values.get("patronymic"),
                        "birth_date": date.fromisoformat(values["birth_date"]),
                        "sex": values["sex"],
                        "citizenship": "citizen",
                        "phone": None,
                        "kato": values["kato"],
                        "created_at": now,
                    }
                )
            # Plain executemany (no RETURNING: far faster on both drivers), then the ids by IIN.
            session.execute(insert(PERSONS), payload)
            ids = dict(
                session.execute(
                    select(Person.iin, Person.id).where(Person.iin.in_([row["iin"] for row in payload]))
                ).all()
            )
            for p in fresh:
                p.person_id = ids[p.decided.row.values["iin"]]
        entries = []
        for p in pending:
            values = p.decided.row.values
            registered_at: datetime | None = p.decided.row.registered_at
            assert registered_at is not None and p.person_id is not None
            list_id = self._list_id(values["kato"], values["list"])
            self.touched.add(list_id)
            entries.append(
                {
                    "list_id": list_id,
                    "kato": values["kato"],
                    "person_id": p.person_id,
                    "family_id": None,
                    "application_id": None,
                    "registered_at": registered_at,
                    "category": values["category"],
                    "categories": [values["category"]],
                    "priority": False,
                    "status": "active",
                    "position": None,
                    "legacy_number": values.get("legacy_number"),
                    "skipped_for_offers": False,
                    "phone": values.get("phone"),
                    "created_at": now,
                }
            )
        session.execute(insert(ENTRIES), entries)
        active = dict(
            session.execute(
                select(QueueEntry.person_id, QueueEntry.id).where(
                    QueueEntry.person_id.in_([e["person_id"] for e in entries]), QueueEntry.status == "active"
                )
            ).all()
        )
        entry_ids = [active[e["person_id"]] for e in entries]
        label = queue_service.actor_label(self.actor)
        members, events = [], []
        for p, entry, entry_id in zip(pending, entries, entry_ids, strict=True):
            p.decided.entry_id, p.decided.person_id = entry_id, p.person_id
            members.append(
                {"entry_id": entry_id, "person_id": p.person_id, "relation": "applicant", "active": True}
            )
            events.append(
                {
                    "entry_id": entry_id,
                    "list_id": entry["list_id"],
                    "kind": "registered",
                    "occurred_at": now,
                    "entry_registered_at": entry["registered_at"],
                    "delta": 1,
                    "position_before": None,
                    "position_after": None,
                    "reason_code": entry["category"],
                    "note": None,
                    "decision_ref": self._ref(p.decided.row),
                    "actor": label,
                    "details": {"legacy_number": entry["legacy_number"], "bulk": True},
                }
            )
        session.execute(insert(MEMBERS), members)
        session.execute(insert(EVENTS), events)
        record(
            session,
            actor=self.actor,
            action="import.queue.land",
            object_type="import_batch",
            object_id=self.batch_id,
            kato=pending[0].decided.row.values["kato"],
            after={
                "lines": [pending[0].decided.row.line, pending[-1].decided.row.line],
                "entries": len(entry_ids),
                "entry_ids": [min(entry_ids), max(entry_ids)],
                "persons_created": len(fresh),
            },
        )


class BulkQueueImport(QueueImport):
    """``QueueImport`` with the set-based writes; the same outcomes, report and provenance."""

    lander_class = BulkLander

    def finish(self) -> ImportBatch:
        lander = self._lander
        if isinstance(lander, BulkLander):
            for list_id in sorted(lander.touched):
                positions.lock_list(self.session, list_id)
                positions.recompute(self.session, list_id)
        return super().finish()
