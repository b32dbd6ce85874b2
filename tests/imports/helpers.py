"""Running an import the way the command line does: commit after every chunk (or, dry run, never)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek.imports.service import ImportOptions, Progress, QueueImport
from kezek.models.imports import LANDED_OUTCOMES, REPORTED_OUTCOMES, ImportBatch, ImportRow
from tests.imports.builders import ACTOR, KATO


def run_import(
    db: Session, path: Path, commit: bool = False, **options: Any
) -> tuple[ImportBatch, list[Progress]]:
    """``commit=True`` only with a real session (the ``committed`` fixture): the ``db`` fixture's
    savepoints do not survive a commit on SQLite's driver."""
    options.setdefault("kato", KATO)
    run = QueueImport(db, actor=ACTOR, path=path, options=ImportOptions(**options))
    batch = run.prepare()
    seen = []
    for progress in run.chunks():
        seen.append(progress)
        if commit and not options.get("dry_run"):
            db.commit()
        else:
            db.flush()
    return batch, seen


def outcomes(db: Session, batch: ImportBatch) -> dict[str, int]:
    return dict(
        db.execute(
            select(ImportRow.outcome, func.count())
            .where(ImportRow.batch_id == batch.id)
            .group_by(ImportRow.outcome)
        ).all()
    )


def assert_nothing_lost(db: Session, batch: ImportBatch, lines_in: int) -> None:
    """rows in = rows landed + rows reported, counted from the rows themselves."""
    counts = outcomes(db, batch)
    landed = sum(counts.get(o, 0) for o in LANDED_OUTCOMES)
    reported = sum(counts.get(o, 0) for o in REPORTED_OUTCOMES)
    assert landed + reported == lines_in, (counts, lines_in)
    assert batch.rows_total == lines_in


def rows_by_line(db: Session, batch: ImportBatch) -> dict[int, ImportRow]:
    return {r.line: r for r in db.scalars(select(ImportRow).where(ImportRow.batch_id == batch.id))}
