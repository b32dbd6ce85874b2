"""`kezek import stock`: dwelling registers in any format land through the stock service; every
line lands or is reported; the same file again changes nothing; a changed line is flagged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek.imports.service import ImportOptions
from kezek.imports.stock import StockImport, match_kind
from kezek.models.audit import AuditEvent
from kezek.models.stock import Dwelling
from tests.imports.builders import ACTOR, KATO, jurisdiction, write_csv, write_ods, write_xlsx
from tests.imports.helpers import assert_nothing_lost, rows_by_line

RU = ["Реестровый номер", "Адрес", "Количество комнат", "Общая площадь, м2", "Этаж", "Этажность", "Вид жилья"]
KK = ["Тізілім нөмірі", "Мекенжай", "Бөлме саны", "Жалпы ауданы", "Қабат", "Қабаттылығы", "Түрі"]


def good(n: int, start: int = 1) -> list[list[Any]]:
    kinds = ("Арендное жильё", "Кредитное 2%", "кредит 5%", "Субсидирование аренды")
    return [
        [f"R-{i}", f"г. Караганда, ул. Ерубаева, д. {i}, кв. {i % 40 + 1}", 1 + i % 4, f"{30 + i},{i % 10}",
         1 + i % 5, 9, kinds[i % 4]]
        for i in range(start, start + n)
    ]  # fmt: skip


def run_stock(db: Session, path: Path, **options: Any):  # type: ignore[no-untyped-def]
    options.setdefault("kato", KATO)
    run = StockImport(db, actor=ACTOR, path=path, options=ImportOptions(kind="stock", **options))
    batch = run.prepare()
    for _ in run.chunks():
        db.flush()
    return batch


def messy() -> tuple[list[list[Any]], dict[int, str]]:
    rows = good(6)
    expected = {i + 2: "landed" for i in range(6)}
    rows.append(["R-90", "ул. Гоголя, 5", "ноль", "45,5", "", "", "Арендное"])  # line 8: rooms not a number
    rows.append(["R-91", "ул. Гоголя, 6", 2, "4550", "", "", "Арендное"])  # line 9: area typed in dm²
    rows.append(["R-92", "", 2, "45", "", "", "Арендное"])  # line 10: no address
    rows.append(["R-93", "ул. Гоголя, 8", 2, "45", 7, 5, "Арендное"])  # line 11: floor above floors
    rows.append(["R-94", "ул. Гоголя, 9", 2, "45", "", "", "Дача"])  # line 12: unknown kind
    rows.append(list(rows[0]))  # line 13: the same line again
    changed = list(rows[1])
    changed[2] = 4
    rows.append(changed)  # line 14: the same register number, other data
    rows.append(["Итого: 13 квартир"])  # line 15: a total
    expected.update({8: "rejected", 9: "rejected", 10: "rejected", 11: "rejected", 12: "rejected"})
    expected.update({13: "merged", 14: "flagged", 15: "rejected"})
    return rows, expected


def test_messy_register_cp1251_semicolons(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    rows, expected = messy()
    path = write_csv(tmp_path / "stock.csv", RU, rows, encoding="cp1251", delimiter=";")
    batch = run_stock(db, path, chunk_size=4)
    assert batch.encoding == "cp1251" and batch.profile == "stock-ru-basic"
    assert_nothing_lost(db, batch, len(rows))
    assert {line: r.outcome for line, r in rows_by_line(db, batch).items()} == expected
    by_line = rows_by_line(db, batch)
    assert {p["field"] for p in by_line[8].problems} == {"rooms"}
    assert {p["code"] for p in by_line[9].problems} == {"area_out_of_range"}
    assert {p["field"] for p in by_line[11].problems} == {"floor"}
    assert {p["code"] for p in by_line[12].problems} == {"dwelling_kind_unknown"}
    dwellings = db.scalars(select(Dwelling).order_by(Dwelling.id)).all()
    assert [d.external_ref for d in dwellings] == [f"R-{i}" for i in range(1, 7)]
    assert [d.kind for d in dwellings[:4]] == ["credit_2", "credit_5", "rent_subsidy", "rental"]
    assert dwellings[0].area_dm2 == 3110 and dwellings[0].status == "awaiting_handover"
    assert by_line[2].dwelling_id == dwellings[0].id
    created = db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "stock.create")
    )
    assert created == 6


def test_same_register_again_and_corrected(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    path = write_xlsx(tmp_path / "stock.xlsx", {"Тізілім": (KK, good(5))})
    first = run_stock(db, path)
    assert first.landed == 5 and first.file_format == "xlsx" and first.profile == "guessed"
    again = run_stock(db, path)
    assert again.id == first.id  # the same file: nothing read again
    corrected = good(5)
    corrected[2][3] = "99,9"
    corrected += good(2, start=20)
    path2 = write_ods(tmp_path / "stock.ods", {"Тізілім": (KK, corrected)})
    second = run_stock(db, path2)
    assert_nothing_lost(db, second, 7)
    outcomes = {line: r.outcome for line, r in rows_by_line(db, second).items()}
    assert outcomes == {2: "unchanged", 3: "unchanged", 4: "flagged", 5: "unchanged", 6: "unchanged",
                        7: "landed", 8: "landed"}  # fmt: skip
    assert db.scalar(select(func.count()).select_from(Dwelling)) == 7
    changed = db.scalars(select(Dwelling).where(Dwelling.external_ref == "R-3")).one()
    assert changed.area_dm2 == 3330  # not overwritten: a person decides


def test_dry_run_of_a_register_writes_nothing(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    rows, _ = messy()
    path = write_csv(tmp_path / "stock.csv", RU, rows, encoding="utf-8-sig", delimiter="\t")
    batch = run_stock(db, path, dry_run=True)
    assert batch.landed == 6 and batch.rejected == 6
    assert db.scalar(select(func.count()).select_from(Dwelling)) == 0


def test_kind_words() -> None:
    assert match_kind("Жалға берілетін тұрғын үй") == "rental"
    assert match_kind("Несиелік 2%") == "credit_2"
    assert match_kind("КРЕДИТНОЕ 5 %") == "credit_5"
    assert match_kind("Огород") is None
