"""Running one import from start to end, as the command line and the officials' page do.

The batch is committed before the first line is read and after every chunk, so an interrupted import
keeps what it did and continues after its last committed line (``resume=True``). A dry run does the
same work in one transaction and rolls it back at the end: the counts and the report are those the
real run would give, and nothing stays in the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.db import session_factory
from kezek.imports import report
from kezek.imports.service import FileImport, ImportOptions, Progress, QueueImport

PREVIEW_LINES = 200


@dataclass
class ImportOutcome:
    batch_id: int
    kind: str
    file_name: str
    profile: str
    guessed: bool
    dry_run: bool
    already: bool
    rows_total: int
    counts: dict[str, int]
    mapping: dict[str, object]
    preview: list[report.ReportLine] = field(default_factory=list)
    report_files: list[Path] = field(default_factory=list)

    @property
    def landed(self) -> int:
        return sum(self.counts.get(o, 0) for o in ("landed", "updated", "unchanged"))

    @property
    def reported(self) -> int:
        return sum(self.counts.get(o, 0) for o in ("rejected", "flagged", "merged", "duplicate"))


def importer(kind: str, bulk: bool = False) -> type[FileImport]:
    if kind == "stock":
        from kezek.imports.stock import StockImport

        return StockImport
    if bulk:
        from kezek.imports.bulk import BulkQueueImport

        return BulkQueueImport
    return QueueImport


def import_file(
    target: Engine | Session,
    *,
    actor: Actor,
    path: Path,
    options: ImportOptions,
    progress: Callable[[Progress], None] | None = None,
    report_dir: Path | None = None,
    preview: int = PREVIEW_LINES,
    commit_chunks: bool = True,
) -> ImportOutcome:
    """Import one file. With an engine, a session of its own, committed after every chunk; with a
    session (a page's request), that one — committed after every chunk unless ``commit_chunks`` is
    False (the request's unit of work then commits it all). A dry run does everything inside a
    savepoint (or the session's transaction) and rolls it back."""
    own = isinstance(target, Engine)
    session = session_factory(target)() if isinstance(target, Engine) else target
    nested = session.begin_nested() if options.dry_run and not own else None

    def checkpoint() -> None:
        if options.dry_run or not (own or commit_chunks):
            session.flush()
        else:
            session.commit()

    try:
        run = importer(options.kind, options.bulk)(session, actor=actor, path=path, options=options)
        batch = run.prepare()
        checkpoint()
        for step in run.chunks():
            checkpoint()
            if progress is not None:
                progress(step)
        files: list[Path] = []
        if report_dir is not None:
            report_dir.mkdir(parents=True, exist_ok=True)
            stem = f"{Path(batch.file_name).stem}-{'dry-run-' if options.dry_run else ''}{batch.id}-report"
            files.append(report.write_csv(session, batch, report_dir / f"{stem}.csv"))
            report.write_xlsx(session, batch, report_dir / f"{stem}.xlsx")
            files.append(report_dir / f"{stem}.xlsx")
        outcome = ImportOutcome(
            batch_id=batch.id,
            kind=batch.kind,
            file_name=batch.file_name,
            profile=batch.profile,
            guessed=bool(run.profile and run.profile.guessed),
            dry_run=options.dry_run,
            already=run.already,
            rows_total=batch.rows_total,
            counts={k: v for k, v in report.summary(batch).items() if k != "rows"},
            mapping=dict(batch.mapping or {}),
            preview=list(islice(report.report_lines(session, batch), preview)),
            report_files=files,
        )
        if nested is not None:
            nested.rollback()
        elif options.dry_run:
            session.rollback()
        return outcome
    except BaseException:
        if own:
            session.rollback()
        elif nested is not None and nested.is_active:
            nested.rollback()
        raise
    finally:
        if own:
            session.close()
