"""Importing a legacy file: find the header, read every line, decide, land, record, chunk by chunk.

Usage (the boundary owns the transaction; services never commit)::

    run = QueueImport(session, actor=actor, path=path, options=ImportOptions(kato="751110000"))
    batch = run.prepare()                 # the batch (new, resumed, or the one already done)
    for progress in run.chunks():         # after each chunk: the caller commits (or, dry run, not)
        session.commit()

Invariant, checked at the end of every run: lines read = lines landed + lines reported (the batch's
counters against the rows it wrote). A file already imported with the same mapping is not read
again; an unfinished one continues after its last committed line with ``resume=True``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.errors import Conflict, ValidationFailed
from kezek.imports import readers
from kezek.imports.landing import Decided, QueueLander
from kezek.imports.profiles import Layout, Profile, find_layout, get_profile, load_profiles
from kezek.imports.rows import Context, QueueRow, read_queue_row, section_list
from kezek.imports.values import is_blank
from kezek.imports.vocabulary import match_list
from kezek.models.imports import LANDED_OUTCOMES, REPORTED_OUTCOMES, ImportBatch, ImportRow
from kezek.models.queue import QueueEntry, QueueList
from kezek.models.registry import Jurisdiction

IMPORT_ROWS: Table = ImportRow.__table__  # type: ignore[assignment]  # Core executemany: no ORM bookkeeping
COUNTERS = ("landed", "updated", "unchanged", "rejected", "flagged", "merged", "duplicate")


@dataclass
class ImportOptions:
    kato: str
    kind: str = "queue"
    profile: str | None = None
    profile_dirs: tuple[Path, ...] = ()
    language: str = "ru"
    dry_run: bool = False
    resume: bool = False
    chunk_size: int = 1000
    display_name: str | None = None
    timezone: str = "Asia/Almaty"
    bulk: bool = False  # set-based writes (kezek.imports.bulk) for big queue lists


@dataclass
class Progress:
    batch_id: int
    lines: int  # lines decided so far (this run and the committed part of a resumed one)
    estimate: int  # lines in the file (estimated before reading)
    counts: dict[str, int] = field(default_factory=dict)
    done: bool = False
    already: bool = False  # the same file was imported before: nothing was read


class ImportInvariantBroken(RuntimeError):
    """Lines in != lines landed + lines reported: a bug, never a user's mistake."""


def _check_kato(session: Session, kato: str) -> None:
    if len(kato) != 9 or not kato.isdigit():
        raise ValidationFailed("a KATO code has 9 digits", code="bad_kato")
    if session.get(Jurisdiction, kato) is None:
        raise ValidationFailed(f"unknown KATO code {kato}: load the classifier first", code="unknown_kato")


def list_counts(session: Session, kato: str) -> dict[str, int]:
    """Active entries per akimat list of a jurisdiction (for the reconciliation report)."""
    rows = session.execute(
        select(QueueList.code, func.count(QueueEntry.id))
        .join(
            QueueEntry, (QueueEntry.list_id == QueueList.id) & (QueueEntry.status == "active"), isouter=True
        )
        .where(QueueList.kato == kato, QueueList.regime == "akimat")
        .group_by(QueueList.code)
    ).all()
    return {code: int(n) for code, n in sorted(rows)}


@dataclass
class SheetPlan:
    name: str
    layout: Layout | None
    head: list[tuple[int, list[Any]]]
    rest: Iterator[tuple[int, list[Any]]]


class FileImport:
    """What every kind of import shares: the source, the layouts, the batch and its lifecycle."""

    kind = "queue"

    def __init__(self, session: Session, *, actor: Actor, path: Path, options: ImportOptions) -> None:
        self.session = session
        self.actor = actor
        self.path = path
        self.options = options
        self.source = readers.open_source(path)
        self.batch: ImportBatch | None = None
        self.plans: list[SheetPlan] = []
        self.profile: Profile | None = None
        self.already = False

    # -- preparing ------------------------------------------------------------------------------

    def _layouts(self) -> None:
        profiles = load_profiles(self.kind, self.options.profile_dirs)
        forced = (
            get_profile(self.options.profile, self.kind, self.options.profile_dirs)
            if self.options.profile
            else None
        )
        previous: Layout | None = None
        for sheet in self.source.sheets():
            head: list[tuple[int, list[Any]]] = []
            for item in sheet.rows:
                head.append(item)
                if len(head) >= 30:
                    break
            if not any(not all(is_blank(c) for c in cells) for _, cells in head):
                continue
            layout = find_layout(head, self.kind, profiles, forced)
            if layout is None and previous is not None:
                layout = Layout(
                    header_line=0,
                    data_from=head[0][0],
                    headers=previous.headers,
                    columns=previous.columns,
                    profile=previous.profile,
                )
            previous = layout or previous
            self.plans.append(SheetPlan(sheet.name, layout, head, sheet.rows))
        found = [p.layout for p in self.plans if p.layout is not None]
        if not found:
            raise ValidationFailed(
                "no header row found in the first 30 lines: the columns must be named (for example "
                "ИИН/ЖСН, ФИО/Аты-жөні, Дата постановки на учет/Есепке қойылған күні)",
                code="no_header",
            )
        self.profile = found[0].profile

    def mapping(self) -> dict[str, Any]:
        """Per sheet: the header as read and the column of each field (stored with the batch)."""
        return {
            (p.name or "-"): {"headers": p.layout.headers, "columns": p.layout.columns}
            for p in self.plans
            if p.layout is not None
        }

    def prepare(self) -> ImportBatch:
        _check_kato(self.session, self.options.kato)
        self._layouts()
        assert self.profile is not None
        sha = readers.file_sha256(self.path)
        mapping = self.mapping()
        mapping_sha = self.profile.sha() if not self.profile.guessed else _mapping_sha(mapping)
        earlier = self.session.scalars(
            select(ImportBatch)
            .where(
                ImportBatch.file_sha256 == sha,
                ImportBatch.kato == self.options.kato,
                ImportBatch.kind == self.kind,
                ImportBatch.mapping_sha == mapping_sha,
                ImportBatch.dry_run.is_(False),
            )
            .order_by(ImportBatch.id.desc())
        ).first()
        if earlier is not None and not self.options.dry_run:
            if earlier.status == "done":
                self.batch = earlier
                self.already = True
                return earlier
            if earlier.status == "running":
                if not self.options.resume:
                    raise Conflict(
                        f"an unfinished import of this file exists (batch {earlier.id}): resume it",
                        code="import_unfinished",
                        batch_id=earlier.id,
                    )
                self.batch = earlier
                self.already = False
                return earlier
        self.already = False
        batch = ImportBatch(
            kind=self.kind,
            kato=self.options.kato,
            file_name=(self.options.display_name or self.path.name)[:255],
            file_sha256=sha,
            file_size=self.path.stat().st_size,
            file_format=self.source.format,
            encoding=self.source.encoding,
            delimiter=self.source.delimiter,
            profile=self.profile.name,
            mapping=mapping,
            mapping_sha=mapping_sha,
            language=self.options.language,
            dry_run=self.options.dry_run,
            status="running",
            actor=f"{self.actor.kind}:{self.actor.id}"[:80],
            started_at=clock.now(),
            checkpoint_line=0,
            rows_total=0,
            **dict.fromkeys(COUNTERS, 0),
            counts_before=list_counts(self.session, self.options.kato) if self.kind == "queue" else None,
        )
        self.session.add(batch)
        self.session.flush()
        record(
            self.session,
            actor=self.actor,
            action=f"import.{self.kind}.start",
            object_type="import_batch",
            object_id=batch.id,
            kato=batch.kato,
            after={
                "file": batch.file_name,
                "sha256": sha,
                "profile": batch.profile,
                "dry_run": batch.dry_run,
            },
        )
        self.batch = batch
        return batch

    def estimate(self) -> int:
        if self.source.format == "csv":
            with self.path.open("rb") as fp:
                return sum(block.count(b"\n") for block in iter(lambda: fp.read(1 << 20), b""))
        return 0

    # -- reading ---------------------------------------------------------------------------------

    def lines(self) -> Iterator[tuple[SheetPlan, int, list[Any]]]:
        """Every line after its sheet's header (blank lines and section headings excluded)."""
        for plan in self.plans:
            layout = plan.layout
            for line, cells in _chain(plan.head, plan.rest):
                if all(is_blank(c) for c in cells):
                    continue
                if layout is not None and line < layout.data_from:
                    continue
                yield plan, line, cells

    def _done_lines(self) -> set[tuple[str, int]]:
        assert self.batch is not None
        if not self.batch.rows_total:
            return set()
        return {
            (sheet, line)
            for sheet, line in self.session.execute(
                select(ImportRow.sheet, ImportRow.line).where(ImportRow.batch_id == self.batch.id)
            )
        }

    def chunks(self) -> Iterator[Progress]:
        """Decide and land the file chunk by chunk; yield after each (the caller commits)."""
        raise NotImplementedError

    # -- finishing -------------------------------------------------------------------------------

    def _store(self, decided: list[Decided]) -> None:
        assert self.batch is not None
        if not decided:
            return
        payload = [
            {
                "batch_id": self.batch.id,
                "kind": self.kind,
                "kato": d.row.values.get("kato") or self.batch.kato,
                "sheet": d.row.sheet[:64],
                "line": d.row.line,
                "row_key": d.row.row_key[:96],
                "fingerprint": d.row.fingerprint,
                "outcome": d.outcome,
                "problems": [p.as_dict() for p in d.row.problems],
                "values": d.row.values,
                "raw": d.row.raw,
                "iin": d.row.iin,
                "name_key": d.row.name_key,
                "legacy_number": (d.row.values.get("legacy_number") or None),
                "ref_line": d.ref_line,
                "ref_batch_id": d.ref_batch_id,
                "entry_id": d.entry_id,
                "person_id": d.person_id,
                "dwelling_id": getattr(d, "dwelling_id", None),
            }
            for d in decided
        ]
        self.session.execute(insert(IMPORT_ROWS), payload)
        for d in decided:
            setattr(self.batch, d.outcome, getattr(self.batch, d.outcome) + 1)
        self.batch.rows_total += len(decided)
        self.batch.checkpoint_line = max(self.batch.checkpoint_line, decided[-1].row.line)
        self.session.flush()

    def finish(self) -> ImportBatch:
        batch = self.batch
        assert batch is not None
        stored = dict(
            self.session.execute(
                select(ImportRow.outcome, func.count())
                .where(ImportRow.batch_id == batch.id)
                .group_by(ImportRow.outcome)
            ).all()
        )
        landed = sum(getattr(batch, o) for o in LANDED_OUTCOMES)
        reported = sum(getattr(batch, o) for o in REPORTED_OUTCOMES)
        if landed + reported != batch.rows_total or sum(stored.values()) != batch.rows_total:
            raise ImportInvariantBroken(
                f"batch {batch.id}: {batch.rows_total} lines in, {landed} landed + {reported} reported, "
                f"{sum(stored.values())} stored"
            )
        for outcome in COUNTERS:
            if stored.get(outcome, 0) != getattr(batch, outcome):
                raise ImportInvariantBroken(f"batch {batch.id}: counter {outcome} disagrees with the rows")
        batch.status = "done"
        batch.finished_at = clock.now()
        if self.kind == "queue":
            batch.counts_after = list_counts(self.session, batch.kato)
        record(
            self.session,
            actor=self.actor,
            action=f"import.{self.kind}.finish",
            object_type="import_batch",
            object_id=batch.id,
            kato=batch.kato,
            after={"rows": batch.rows_total, **{o: getattr(batch, o) for o in COUNTERS}},
        )
        self.session.flush()
        return batch

    def progress(self, estimate: int, done: bool = False) -> Progress:
        assert self.batch is not None
        return Progress(
            batch_id=self.batch.id,
            lines=self.batch.rows_total,
            estimate=estimate,
            counts={o: getattr(self.batch, o) for o in COUNTERS},
            done=done,
        )


def _chain(
    head: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    yield from head
    yield from rest


def _mapping_sha(mapping: dict[str, Any]) -> str:
    from kezek.imports.rows import digest

    return digest(mapping, 32)


class QueueImport(FileImport):
    kind = "queue"
    lander_class: type[QueueLander] = QueueLander
    _lander: QueueLander | None = None

    def chunks(self) -> Iterator[Progress]:
        """Decide and land the file chunk by chunk; yield after each (the caller commits)."""
        assert self.batch is not None
        estimate = self.estimate()
        if self.already:
            progress = self.progress(estimate, done=True)
            progress.already = True
            yield progress
            return
        lander = self.lander_class(
            self.session, actor=self.actor, batch_id=self.batch.id, dry_run=self.options.dry_run
        )
        self._lander = lander
        done_lines = self._done_lines()
        chunk: list[QueueRow] = []
        now = clock.now()
        today = clock.today_local(self.options.timezone)
        current_sheet: str | None = None
        ctx = Context(today=today, now=now, kato=self.options.kato, timezone=self.options.timezone)
        for plan, line, cells in self.lines():
            if plan.name != current_sheet:
                current_sheet = plan.name
                ctx = self._context(plan, today, now)
            heading = section_list(cells)
            if heading is not None:
                ctx.default_list = heading
                continue
            if (plan.name, line) in done_lines:
                continue
            if plan.layout is None:
                row = QueueRow(
                    sheet=plan.name,
                    line=line,
                    raw=[str(c) if c is not None else "" for c in cells],
                    kind="not_a_row",
                )
                row.add("row", "not_a_row")
                row.values = {"kato": self.options.kato}
                row.row_key = f"f:{plan.name}:{line}"
                row.fingerprint = row.row_key[-32:]
                chunk.append(row)
            else:
                chunk.append(read_queue_row(plan.name, line, cells, plan.layout, ctx))
            if len(chunk) >= self.options.chunk_size:
                self._store(lander.decide_chunk(chunk))
                chunk = []
                yield self.progress(estimate)
        if chunk:
            self._store(lander.decide_chunk(chunk))
        self.finish()
        yield self.progress(estimate, done=True)

    def _context(self, plan: SheetPlan, today: Any, now: Any) -> Context:
        options = plan.layout.profile.options if plan.layout else {}
        default = options.get("list")
        if default is None and plan.name:
            found = match_list(plan.name)
            default = found[0] if found else None
        return Context(
            today=today,
            now=now,
            kato=self.options.kato,
            timezone=self.options.timezone,
            date_order=options.get("date_order", "dmy"),
            default_list=default,
        )
