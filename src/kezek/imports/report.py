"""The per-import report (CSV and XLSX) and the file of lines to correct and import again.

One report line per problem of a line: file, sheet, line, outcome, field, reason in the official's
language, the old number and the line as read. Every rejected, flagged, merged or duplicate line is
in it (landed lines with a warning too), so nothing leaves the file without a trace. The
corrections file repeats the original header and the cells of every line that did not land: fix
them in a spreadsheet and import it again; the lines that already landed are not touched.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.imports import messages as m
from kezek.models.imports import REPORTED_OUTCOMES, ImportBatch, ImportRow

PAGE = 5000


@dataclass(frozen=True)
class ReportLine:
    file: str
    sheet: str
    line: int
    outcome: str
    field: str
    reason: str
    legacy_number: str
    cells: str


def _rows(session: Session, batch_id: int) -> Iterator[ImportRow]:
    last = 0
    while True:
        page = session.scalars(
            select(ImportRow)
            .where(ImportRow.batch_id == batch_id, ImportRow.id > last)
            .order_by(ImportRow.id)
            .limit(PAGE)
        ).all()
        if not page:
            return
        yield from page
        last = page[-1].id


def report_lines(session: Session, batch: ImportBatch, language: str | None = None) -> Iterator[ReportLine]:
    lang = m.lang_of(language or batch.language)
    for row in _rows(session, batch.id):
        problems = list(row.problems or [])
        if row.outcome not in REPORTED_OUTCOMES and not problems:
            continue
        cells = " | ".join(str(c) for c in (row.raw or []))[:500]
        if not problems:
            problems = [{"field": "row", "code": row.outcome, "params": {}}]
        for problem in problems:
            params = dict(problem.get("params") or {})
            yield ReportLine(
                file=batch.file_name,
                sheet=row.sheet,
                line=row.line,
                outcome=m.outcome_text(row.outcome, lang),
                field=m.field_text(problem.get("field", "row"), lang),
                reason=m.reason_text(problem.get("code", ""), lang, params),
                legacy_number=row.legacy_number or "",
                cells=cells,
            )


HEADER_KEYS = ("file", "sheet", "line", "outcome", "field", "reason", "legacy_number", "cells")


def _header(lang: str) -> list[str]:
    return [m.column_text(k, lang) for k in HEADER_KEYS]


def _as_list(line: ReportLine) -> list[Any]:
    return [
        line.file,
        line.sheet,
        line.line,
        line.outcome,
        line.field,
        line.reason,
        line.legacy_number,
        line.cells,
    ]


def write_csv(session: Session, batch: ImportBatch, target: Path, language: str | None = None) -> Path:
    """UTF-8 with BOM and semicolons: what a spreadsheet in Kazakhstan opens without questions."""
    lang = m.lang_of(language or batch.language)
    with target.open("w", encoding="utf-8-sig", newline="") as fp:
        writer = csv.writer(fp, delimiter=";")
        writer.writerow(_header(lang))
        for line in report_lines(session, batch, lang):
            writer.writerow(_as_list(line))
    return target


def csv_bytes(session: Session, batch: ImportBatch, language: str | None = None) -> bytes:
    lang = m.lang_of(language or batch.language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_header(lang))
    for line in report_lines(session, batch, lang):
        writer.writerow(_as_list(line))
    return buffer.getvalue().encode("utf-8-sig")


def summary(batch: ImportBatch) -> dict[str, int]:
    counts = {
        o: getattr(batch, o)
        for o in ("landed", "updated", "unchanged", "rejected", "flagged", "merged", "duplicate")
    }
    return {"rows": batch.rows_total, **counts}


def write_xlsx(
    session: Session, batch: ImportBatch, target: Path | io.BytesIO, language: str | None = None
) -> None:
    """A summary sheet and the report sheet (write-only workbook: memory stays flat for big files)."""
    import openpyxl

    lang = m.lang_of(language or batch.language)
    workbook = openpyxl.Workbook(write_only=True)
    head = workbook.create_sheet({"kk": "Қорытынды", "ru": "Итог", "en": "Summary"}[lang])
    head.append([m.column_text("file", lang), batch.file_name])
    for key, value in summary(batch).items():
        label = m.field_text("row", lang) if key == "rows" else m.outcome_text(key, lang)
        head.append([label, value])
    sheet = workbook.create_sheet({"kk": "Есеп", "ru": "Отчёт", "en": "Report"}[lang])
    sheet.append(_header(lang))
    for line in report_lines(session, batch, lang):
        sheet.append(_as_list(line))
    workbook.save(target)


def xlsx_bytes(session: Session, batch: ImportBatch, language: str | None = None) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(session, batch, buffer, language)
    return buffer.getvalue()


def corrections_csv(session: Session, batch: ImportBatch) -> bytes:
    """The original header and cells of every line that did not land, to fix and import again."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    mapping = batch.mapping or {}
    first: dict[str, Any] = next(iter(mapping.values()), {})
    writer.writerow(list(first.get("headers") or []))
    for row in _rows(session, batch.id):
        if row.outcome in ("rejected", "flagged"):
            writer.writerow(list(row.raw or []))
    return buffer.getvalue().encode("utf-8-sig")
