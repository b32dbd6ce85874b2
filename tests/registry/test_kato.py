"""KATO: levels from codes, the shipped reference, and importing the classifier file (both engines)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import verify
from kezek.errors import ValidationFailed
from kezek.models import AuditEvent, Jurisdiction
from kezek.registry import kato
from kezek.registry.service import import_kato, load_reference_kato

HEADER = ["TE", "AB", "CD", "EF", "HIJ", "K", "NAME_KAZ", "NAME_RUS", "NN"]


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("710000000", "city_republican", None),
        ("750000000", "city_republican", None),
        ("110000000", "region", None),
        ("751110000", "district", "750000000"),
        ("711100000", "district", "710000000"),
        ("111000000", "city", "110000000"),
        ("113200000", "district", "110000000"),
        ("113220000", None, None),  # rural okrug: below the queue's level
        ("113220100", None, None),  # settlement
        ("751110001", None, None),
    ],
)
def test_levels_and_parents_from_the_code(code: str, level: str | None, parent: str | None) -> None:
    assert kato.level_of(code) == level
    assert kato.parent_of(code) == parent


def test_the_shipped_reference_is_complete_and_consistent() -> None:
    entries = kato.reference()
    codes = {e.code: e for e in entries}
    assert len(codes) == len(entries)
    tops = [e for e in entries if e.level in ("region", "city_republican")]
    assert len(tops) == 20  # 17 regions and 3 cities of republican significance
    assert {e.code for e in entries if e.level == "city_republican"} == set(kato.THREE_YEAR_CITIES)
    for entry in entries:
        assert entry.name_kk and entry.name_ru and entry.name_en
        if entry.parent is not None:
            assert entry.parent in codes, entry.code
    for top in tops:
        assert any(e.parent == top.code for e in entries), f"{top.code} has no district or city"


def _write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(["Классификатор административно-территориальных объектов"])  # a title line
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


GOOD_AND_BAD = [
    ["710000000", "71", "00", "00", "000", "1", "Астана", "Астана", ""],
    ["711100000", "71", "11", "00", "000", "2", "Алматы ауданы", "район Алматы", ""],
    ["711110000", "71", "11", "10", "000", "2", "Алматы ауданы", "", ""],  # no Russian name: Kazakh used
    ["711110101", "71", "11", "10", "101", "3", "елді мекен", "населённый пункт", ""],  # below level
    ["71110000", "71", "11", "00", "00", "2", "Қысқа", "Короткий", ""],  # 8 digits
    ["712100000", "71", "22", "00", "000", "2", "Сәйкессіз", "Несовпадение", ""],  # parts disagree
    ["713100000", "71", "31", "00", "000", "2", "", "", ""],  # no names
    ["711100000", "71", "11", "00", "000", "2", "Қайталау", "Повтор", ""],  # repeated code
]


def test_import_reports_bad_rows_and_lands_the_good_ones(db: Session, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "kato.csv", GOOD_AND_BAD, delimiter=";")
    report = import_kato(db, path)
    assert (report.inserted, report.updated, report.unchanged, report.below_level) == (3, 0, 0, 1)
    problems = {(p.line, p.code): p.reason for p in report.problems}
    assert problems == {
        (7, "71110000"): "TE must be 9 digits, got '71110000'",
        (8, "712100000"): "TE does not match its parts AB CD EF HIJ",
        (9, "713100000"): "the row has neither NAME_KAZ nor NAME_RUS",
        (10, "711100000"): "code repeated (first on line 4)",
    }
    district = db.get(Jurisdiction, "711100000")
    assert district is not None
    assert (district.level, district.parent_kato, district.name_ru) == (
        "district",
        "710000000",
        "район Алматы",
    )
    assert district.name_en == "Almaty audany"  # romanised: the official file has no English names
    nameless_ru = db.get(Jurisdiction, "711110000")
    assert nameless_ru is not None and nameless_ru.name_ru == "Алматы ауданы"
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions.count("jurisdiction.create") == 3 and actions[-1] == "kato.import"
    assert verify(db).ok


def test_import_updates_names_and_keeps_english_ones(db: Session, tmp_path: Path) -> None:
    load_reference_kato(db)
    astana = db.get(Jurisdiction, "710000000")
    assert astana is not None and astana.name_en == "Astana"
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["КАТО"])
    sheet.append(HEADER)
    sheet.append([710000000, 71, 0, 0, 0, 1, "Астана қаласы", "город Астана", None])  # Excel numbers
    sheet.append(["750000000", "75", "00", "00", "000", "1", "Алматы қаласы", "г. Алматы", ""])
    path = tmp_path / "kato.xlsx"
    wb.save(path)
    report = import_kato(db, path)
    assert (report.inserted, report.updated, report.unchanged, report.problems) == (0, 1, 1, [])
    db.refresh(astana)
    assert (astana.name_ru, astana.name_en) == ("город Астана", "Astana")
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "jurisdiction.update").order_by(AuditEvent.seq.desc())
    ).first()
    assert (
        event is not None
        and event.before == {"name_ru": "г. Астана"}
        and event.after == {"name_ru": "город Астана"}
    )


def test_reference_load_is_idempotent(db: Session) -> None:
    first = load_reference_kato(db)
    assert first.inserted == len(kato.reference()) and not first.problems
    again = load_reference_kato(db)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, first.inserted)


def test_a_file_without_a_header_is_refused_clearly(db: Session, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="no header row with a TE column"):
        import_kato(db, path)
    with pytest.raises(ValidationFailed, match="no such file"):
        import_kato(db, tmp_path / "missing.xlsx")
