"""Legacy imports: one batch per imported file, one row outcome per line of it.

An ``ImportRow`` is both the per-row report (outcome, field, reason) and the provenance of what
landed: the entry (or dwelling) it created or updated, the file, the line and the old queue number.
Rows are identified across files by ``row_key`` (the akimat's own identity of the line: list and
old number, else the IIN) and compared by ``fingerprint`` (a digest of the normalised values), so
re-importing a file changes nothing and a corrected file changes only the lines that differ.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime

IMPORT_KINDS = ("queue", "stock")
BATCH_STATUSES = ("running", "done", "failed")
# landed/updated/unchanged count as "landed"; the others are "reported" (rows in = landed + reported).
ROW_OUTCOMES = ("landed", "updated", "unchanged", "rejected", "flagged", "merged", "duplicate")
LANDED_OUTCOMES = ("landed", "updated", "unchanged")
REPORTED_OUTCOMES = ("rejected", "flagged", "merged", "duplicate")


class ImportBatch(Base):
    __tablename__ = "import_batches"
    __table_args__ = (Index("ix_import_batches_file", "file_sha256", "kato", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # queue | stock
    kato: Mapped[str] = mapped_column(String(9), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(BigInteger)
    file_format: Mapped[str] = mapped_column(String(8))  # csv | xlsx | ods
    encoding: Mapped[str | None] = mapped_column(String(32))
    delimiter: Mapped[str | None] = mapped_column(String(4))
    profile: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[dict[str, Any]] = mapped_column(JsonDoc)  # field -> column header, per sheet
    mapping_sha: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="running")
    actor: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The last line whose outcome is committed; a resumed import starts after it.
    checkpoint_line: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    landed: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    counts_before: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)  # list code -> active entries
    counts_after: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    reconciliation: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)  # run id, findings by kind
    error: Mapped[str | None] = mapped_column(String(300))


class ImportRow(Base):
    __tablename__ = "import_rows"
    __table_args__ = (
        UniqueConstraint("batch_id", "sheet", "line"),
        Index("ix_import_rows_key", "kato", "row_key"),
        Index("ix_import_rows_batch_outcome", "batch_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    kato: Mapped[str] = mapped_column(String(9))
    sheet: Mapped[str] = mapped_column(String(64), default="")
    line: Mapped[int] = mapped_column(Integer)
    row_key: Mapped[str] = mapped_column(String(96))
    fingerprint: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    # [{"field": "iin", "code": "iin_check_digit", "params": {...}, "severity": "error"}, ...]
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    values: Mapped[dict[str, Any]] = mapped_column(JsonDoc)  # the normalised values of the line
    raw: Mapped[list[Any]] = mapped_column(JsonDoc)  # the cells as read, for the report and corrections
    iin: Mapped[str | None] = mapped_column(String(12), index=True)
    name_key: Mapped[str | None] = mapped_column(String(32), index=True)  # digest of name + birth date
    legacy_number: Mapped[str | None] = mapped_column(String(32))
    ref_line: Mapped[int | None] = mapped_column(Integer)  # the line a duplicate was merged into
    ref_batch_id: Mapped[int | None] = mapped_column(Integer)  # the batch of that line, when another
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("queue_entries.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    # Dwellings belong to the stock package's tables; referenced by id only.
    dwelling_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
