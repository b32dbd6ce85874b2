"""The set-based path decides every line exactly as the service path and lands the same queue: the
same outcomes and problems per line, the same entries with the same positions, dates and old
numbers, the same ledger provenance; re-importing through it changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.imports.bulk import BulkQueueImport
from kezek.imports.service import ImportOptions, QueueImport
from kezek.models.imports import ImportBatch, ImportRow
from kezek.models.queue import QueueEntry, QueueEvent, QueueList
from kezek.models.registry import Person
from tests.imports.builders import ACTOR, KATO, RU_HEADER, jurisdiction, write_csv
from tests.imports.helpers import assert_nothing_lost
from tests.imports.test_import_queue import TITLE, messy_ru_rows


def _run(db: Session, cls: type[QueueImport], path: Path, **options: Any) -> ImportBatch:
    run = cls(db, actor=ACTOR, path=path, options=ImportOptions(kato=KATO, **options))
    batch = run.prepare()
    for _ in run.chunks():
        db.flush()
    return batch


def _picture(db: Session, batch: ImportBatch) -> dict[str, Any]:
    rows = db.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id).order_by(ImportRow.line)).all()
    entries = {e.id: e for e in db.scalars(select(QueueEntry))}
    lists = {q.id: q.code for q in db.scalars(select(QueueList))}
    persons = {p.id: p for p in db.scalars(select(Person))}
    events = {
        e.entry_id: e.decision_ref
        for e in db.scalars(select(QueueEvent).where(QueueEvent.kind == "registered"))
    }
    out = []
    for r in rows:
        e = entries.get(r.entry_id) if r.entry_id else None
        p = persons.get(e.person_id) if e else None
        out.append(
            (
                r.line, r.outcome, sorted((x["field"], x["code"]) for x in r.problems),
                (lists[e.list_id], e.position, e.registered_at, e.legacy_number, e.phone, e.category)
                if e else None,
                (p.iin, p.surname, p.given_name, p.patronymic, p.birth_date, p.sex) if p else None,
                events.get(r.entry_id, "").rsplit(":", 1)[-1] if e else None,
            )
        )  # fmt: skip
    return {"rows": out, "active": sorted((lists[e.list_id], e.position) for e in entries.values())}


def test_bulk_path_matches_the_service_path(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    rows, expected = messy_ru_rows()
    path = write_csv(tmp_path / "list.csv", RU_HEADER, rows, preamble=TITLE)
    nested = db.begin_nested()
    service_batch = _run(db, QueueImport, path, chunk_size=4)
    by_service = _picture(db, service_batch)
    nested.rollback()
    bulk_batch = _run(db, BulkQueueImport, path, chunk_size=4)
    assert_nothing_lost(db, bulk_batch, len(expected) + 0)
    by_bulk = _picture(db, bulk_batch)
    assert by_bulk == by_service
    assert {line: outcome for line, outcome, *_ in by_bulk["rows"]} == expected
    again = _run(db, BulkQueueImport, path, chunk_size=4)
    assert again.id == bulk_batch.id  # the same file: nothing read again
