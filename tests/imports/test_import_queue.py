"""Importing messy queue lists into the real database, on both engines."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kezek.db import session_factory
from kezek.errors import Conflict
from kezek.imports import report
from kezek.imports.service import ImportOptions, QueueImport
from kezek.models.audit import AuditEvent
from kezek.models.imports import ImportRow
from kezek.models.queue import QueueEntry, QueueEvent, QueueList
from tests.imports.builders import (
    ACTOR,
    KK_HEADER,
    RU_HEADER,
    citizens,
    jurisdiction,
    kk_rows,
    ru_rows,
    write_csv,
    write_ods,
    write_xlsx,
    wrong_check_digit,
)
from tests.imports.helpers import assert_nothing_lost, outcomes, rows_by_line, run_import

ALMATY = ZoneInfo("Asia/Almaty")
TITLE = ["Список очередников на 01.01.2024"]


def messy_ru_rows() -> tuple[list[list[object]], dict[int, str]]:
    """Twelve good people and one of every kind of trouble; returns rows and expected outcome by line."""
    people = citizens(20)
    rows = ru_rows(people[:12])
    expected = {i + 3: "landed" for i in range(12)}  # title on line 1, header on line 2
    bad = ru_rows(people[12:20])
    bad[0][3] = wrong_check_digit(bad[0][3])  # line 15
    bad[1][3] = ""  # line 16: no IIN
    bad[2][3] = " ".join([bad[2][3][:6], bad[2][3][6:]])  # line 17: IIN with a space: fine
    bad[3][4] = "01.01.1901"  # line 18: birth date against the IIN
    bad[4][5] = "31.02.2015"  # line 19: no such date
    bad[5][5] = "01.01.2031"  # line 20: future
    bad[6][6] = "Прочие льготники"  # line 21: unknown list
    bad[7][2] = "Петров"  # line 22: only a surname
    rows += bad
    expected.update(
        {15: "rejected", 16: "flagged", 17: "landed", 18: "rejected", 19: "rejected", 20: "rejected"}
    )
    expected.update({21: "rejected", 22: "rejected"})
    rows.append(list(rows[0]))  # line 23: the same line again
    expected[23] = "merged"
    differs = list(rows[1])
    differs[5] = "01.02.2009 10:00"
    rows.append(differs)  # line 24: the same IIN with another date
    expected[24] = "flagged"
    rows.append(list(RU_HEADER))  # line 25: a repeated header (page break of an export)
    expected[25] = "rejected"
    rows.append([])  # line 26: blank, not a line of data
    rows.append(["", "", "Итого: 23 человека", "", "", "", "", ""])  # line 27
    expected[27] = "rejected"
    return rows, expected


def test_messy_csv_windows_1251(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    rows, expected = messy_ru_rows()
    # Windows-1251 has no Kazakh letters: akimats' CP1251 files carry Russian spellings.
    rows = [
        [str(c).translate(str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")) for c in r] for r in rows
    ]
    path = write_csv(
        tmp_path / "list.csv",
        RU_HEADER,
        rows,
        encoding="cp1251",
        delimiter=",",
        preamble=["Список на 01.01.2024"],
    )
    batch, progress = run_import(db, path, chunk_size=5)
    assert batch.encoding == "cp1251" and batch.delimiter == ","
    assert_nothing_lost(db, batch, len(expected))
    got = {line: row.outcome for line, row in rows_by_line(db, batch).items()}
    assert got == expected
    assert progress[-1].done and progress[-1].counts["landed"] == 13
    by_line = rows_by_line(db, batch)
    codes = {line: {p["code"] for p in r.problems} for line, r in by_line.items()}
    assert "iin_check_digit" in codes[15] and "iin_missing" in codes[16] and "iin_birth_mismatch" in codes[18]
    assert "date_invalid" in codes[19] and "date_future" in codes[20] and "list_unknown" in codes[21]
    assert "name_incomplete" in codes[22] and "duplicate_in_file" in codes[23]
    assert (
        "duplicate_in_file_differs" in codes[24]
        and "header_repeated" in codes[25]
        and "not_a_row" in codes[27]
    )
    assert by_line[23].ref_line == 3 and by_line[24].ref_line == 4


def test_landed_entries_keep_date_time_number_and_provenance(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    people = citizens(6)
    path = write_csv(tmp_path / "list.csv", RU_HEADER, ru_rows(people), encoding="utf-8")
    batch, _ = run_import(db, path)
    for line, row in rows_by_line(db, batch).items():
        person = people[line - 2]
        entry = db.get(QueueEntry, row.entry_id)
        assert entry is not None and entry.kato == batch.kato
        # Almaty time (UTC+6 until March 2024), to the minute the file gives.
        assert entry.registered_at == person.registered.replace(second=0, tzinfo=ALMATY)
        assert entry.legacy_number == str(person.number)
        event = db.scalars(select(QueueEvent).where(QueueEvent.entry_id == entry.id)).one()
        assert event.kind == "registered" and event.decision_ref == f"import:{batch.id}:{line}"
        assert row.person_id == entry.person_id and row.legacy_number == str(person.number)
    # Positions follow the registration dates (the file is in date order).
    entries = db.scalars(select(QueueEntry).where(QueueEntry.kato == batch.kato)).all()
    for entry in entries:
        same_list = sorted(
            (e for e in entries if e.list_id == entry.list_id), key=lambda e: (e.registered_at, e.id)
        )
        assert entry.position == same_list.index(entry) + 1


def test_kazakh_xlsx_three_name_columns_sheets_and_serial_dates(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    people = citizens(9)
    rows = kk_rows(people)
    for row, person in zip(rows, people, strict=True):
        row[6] = (person.registered.date() - datetime(1899, 12, 30).date()).days  # a serial number cell
    header = list(KK_HEADER)
    header[-1] = "Ескерту"  # no list column: the sheet's name says the list
    sheets = {
        "1 тізім": (header, rows[:3]),
        "Көп балалы": (header, rows[3:6]),
        "Жетім балалар": (header, rows[6:]),
    }
    path = write_xlsx(tmp_path / "kk.xlsx", sheets, preamble=["Кезекте тұрғандар тізімі"])
    batch, _ = run_import(db, path, language="kk")
    assert batch.file_format == "xlsx"
    assert_nothing_lost(db, batch, 9)
    assert outcomes(db, batch) == {"landed": 9}
    lists = dict(
        db.execute(
            select(QueueList.code, func.count(QueueEntry.id))
            .join(QueueEntry, QueueEntry.list_id == QueueList.id)
            .group_by(QueueList.code)
        ).all()
    )
    assert lists == {"L1": 3, "L3": 3, "L2": 3}
    entry = db.scalars(select(QueueEntry).where(QueueEntry.legacy_number == "1")).one()
    assert entry.registered_at == people[0].registered.replace(second=0, tzinfo=ALMATY)


def test_ods_with_section_headings(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    people = citizens(6)
    header = ["№", "Ф.И.О.", "ИИН", "Дата постановки на учет"]
    body: list[list[object]] = [["2. Дети-сироты и дети, оставшиеся без попечения родителей"]]
    body += [[c.number, c.full, c.iin, c.registered] for c in people[:3]]
    body += [["6. Граждане, жилище которых признано аварийным"]]
    body += [[c.number, c.full.upper(), c.iin, c.registered.date()] for c in people[3:]]
    path = write_ods(tmp_path / "list.ods", {"Лист1": (header, body)})
    batch, _ = run_import(db, path)
    assert batch.file_format == "ods" and batch.profile == "guessed"
    assert_nothing_lost(db, batch, 6)
    codes = sorted(
        db.scalars(select(QueueList.code).join(QueueEntry, QueueEntry.list_id == QueueList.id)).all()
    )
    assert codes == ["L2", "L2", "L2", "L6", "L6", "L6"]


def test_same_file_twice_changes_nothing(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    rows, expected = messy_ru_rows()
    path = write_csv(tmp_path / "list.csv", RU_HEADER, rows, preamble=TITLE)
    first, _ = run_import(db, path)
    state = _state(db)
    again, progress = run_import(db, path)
    assert again.id == first.id and progress[-1].already
    assert _state(db) == state
    # The same content saved by another program (XLSX, other bytes): every landed line is unchanged.
    resaved = write_xlsx(tmp_path / "list.xlsx", {"Лист1": (RU_HEADER, rows)}, preamble=TITLE)
    third, _ = run_import(db, resaved)
    assert third.id != first.id
    counts = outcomes(db, third)
    assert counts["unchanged"] == 13 and "landed" not in counts and "updated" not in counts
    assert_nothing_lost(db, third, len(expected))
    entries, events, _audit = _state(db)
    assert (entries, events) == state[:2]


def _state(db: Session) -> tuple[int, int, int]:
    return (
        db.scalar(select(func.count()).select_from(QueueEntry)) or 0,
        db.scalar(select(func.count()).select_from(QueueEvent)) or 0,
        db.scalar(select(func.count()).select_from(AuditEvent)) or 0,
    )


def test_corrected_file_changes_only_what_changed(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    people = citizens(8)
    rows = ru_rows(people)
    good_iin = rows[2][3]
    rows[2][3] = wrong_check_digit(good_iin)  # line 4 rejected first
    path = write_csv(tmp_path / "m1.csv", RU_HEADER, rows)
    first, _ = run_import(db, path)
    assert outcomes(db, first) == {"landed": 7, "rejected": 1}
    events_before = db.scalar(select(func.count()).select_from(QueueEvent))
    fixed = [list(r) for r in rows]
    fixed[2][3] = good_iin  # corrected
    fixed[0][6] = "Аварийное жилье"  # a list corrected for a landed line: re-categorised
    fixed[1][5] = "01.01.2001 10:00"  # the registration date changed: needs a decision
    fixed[3][7] = "+7 777 123 45 67"  # a new phone
    second, _ = run_import(db, write_csv(tmp_path / "m2.csv", RU_HEADER, fixed))
    by_line = rows_by_line(db, second)
    assert {line: r.outcome for line, r in by_line.items()} == {
        2: "updated",
        3: "flagged",
        4: "landed",
        5: "updated",
        6: "unchanged",
        7: "unchanged",
        8: "unchanged",
        9: "unchanged",
    }
    assert "registered_changed" in {p["code"] for p in by_line[3].problems}
    new_events = db.scalars(select(QueueEvent).order_by(QueueEvent.id).offset(events_before)).all()
    kinds = sorted(e.kind for e in new_events)
    assert kinds == ["contact_changed", "recategorised_in", "recategorised_out", "registered"]
    moved = db.get(QueueEntry, by_line[2].entry_id)
    assert moved is not None and db.get(QueueList, moved.list_id).code == "L6"  # type: ignore[union-attr]


def test_dry_run_lands_nothing_but_reports(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    rows, expected = messy_ru_rows()
    path = write_csv(tmp_path / "list.csv", RU_HEADER, rows, preamble=TITLE)
    nested = db.begin_nested()
    batch, progress = run_import(db, path, dry_run=True)
    assert batch.dry_run and progress[-1].counts["landed"] == 13
    lines = list(report.report_lines(db, batch, "en"))
    assert {ln.line for ln in lines} >= {k for k, v in expected.items() if v != "landed"}
    nested.rollback()
    assert db.scalar(select(func.count()).select_from(QueueEntry)) == 0
    assert db.scalar(select(func.count()).select_from(ImportRow)) == 0


def test_resume_after_interruption(committed: Engine, tmp_path: Path) -> None:
    people = citizens(25)
    path = write_csv(tmp_path / "big.csv", RU_HEADER, ru_rows(people))
    with session_factory(committed)() as db:
        jurisdiction(db)
        db.commit()
        run = QueueImport(db, actor=ACTOR, path=path, options=ImportOptions(kato="351010000", chunk_size=10))
        batch = run.prepare()
        chunks = run.chunks()
        next(chunks)
        db.commit()  # ten lines committed, then the process dies
        chunks.close()
        db.rollback()
    with session_factory(committed)() as db:
        with pytest.raises(Conflict) as refused:
            QueueImport(db, actor=ACTOR, path=path, options=ImportOptions(kato="351010000")).prepare()
        assert refused.value.code == "import_unfinished"
        db.rollback()
        assert db.scalar(select(func.count()).select_from(ImportRow)) == 10
        resumed, _ = run_import(db, path, commit=True, resume=True, chunk_size=10)
        assert resumed.id == batch.id and resumed.status == "done"
        assert_nothing_lost(db, resumed, 25)
        assert outcomes(db, resumed) == {"landed": 25}
        assert db.scalar(select(func.count()).select_from(QueueEntry)) == 25


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_reports_in_the_officials_language(db: Session, tmp_path: Path, language: str) -> None:
    jurisdiction(db)
    rows, expected = messy_ru_rows()
    batch, _ = run_import(
        db, write_csv(tmp_path / "list.csv", RU_HEADER, rows, preamble=TITLE), language=language
    )
    text = report.csv_bytes(db, batch).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = table[0], table[1:]
    assert header[2] == {"kk": "Жол", "ru": "Строка", "en": "Line"}[language]
    reported = {int(r[2]) for r in body}
    assert reported >= {line for line, outcome in expected.items() if outcome != "landed"}
    check = next(r for r in body if int(r[2]) == 15)
    word = {"kk": "бақылау", "ru": "Контрольная", "en": "check digit"}[language]
    assert word in check[5] and check[0] == "list.csv"
    target = tmp_path / "report.xlsx"
    report.write_xlsx(db, batch, target)
    workbook = openpyxl.load_workbook(target, read_only=True)
    sheet = workbook.worksheets[1]
    xlsx_rows = [[("" if c is None else str(c)) for c in r] for r in sheet.iter_rows(values_only=True)]
    assert xlsx_rows == table
    workbook.close()


def test_rejected_lines_can_be_corrected_and_imported_again(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    rows, _ = messy_ru_rows()
    first, _ = run_import(db, write_csv(tmp_path / "list.csv", RU_HEADER, rows, preamble=TITLE))
    fix = tmp_path / "fix.csv"
    fix.write_bytes(report.corrections_csv(db, first))
    table = list(csv.reader(io.StringIO(fix.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert table[0] == RU_HEADER
    for line in table[1:]:
        if len(line) > 4 and line[4] == "01.01.1901":
            line[4] = ""  # the wrong birth date is removed: the IIN says it
    write_csv(fix, table[0], table[1:])
    second, _ = run_import(db, fix)
    assert outcomes(db, second).get("landed") == 1
    assert_nothing_lost(db, second, len(table) - 1)
