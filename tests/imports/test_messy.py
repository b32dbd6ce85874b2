"""More messy files, on both engines: UTF-8 with BOM and tabs, dates in every format, list names in
words, duplicates across files and against people already in Kezek, lines without an IIN matched
by name and birth date; and the command line with its report files."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kezek.cli.imports import app as import_app
from kezek.db import session_factory
from kezek.models.imports import ImportBatch
from kezek.models.queue import QueueEntry
from kezek.models.registry import Person
from kezek.queue import service as queue_service
from tests.imports.builders import (
    ACTOR,
    KATO,
    OTHER_KATO,
    RU_HEADER,
    citizens,
    jurisdiction,
    ru_rows,
    write_csv,
)
from tests.imports.helpers import assert_nothing_lost, rows_by_line, run_import

DATES = ("05.03.2009", "2009-03-05", "05.03.2009 14:30", "2009-03-05T14:30:00", "5 марта 2009 г.", "05/03/09")


def test_bom_tabs_every_date_format_and_list_words(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    people = citizens(len(DATES), seed=11)
    rows = ru_rows(people)
    words = (
        "многодетные",
        "ДЕТИ-СИРОТЫ",
        "Госслужащие",
        "социально-уязвимые слои",
        "аварийное жильё",
        "Ветераны ВОВ",
    )
    for row, when, word in zip(rows, DATES, words, strict=True):
        row[5], row[6] = when, word
    path = write_csv(tmp_path / "list.txt", RU_HEADER, rows, encoding="utf-8-sig", delimiter="\t")
    batch, _ = run_import(db, path)
    assert batch.encoding == "utf-8-sig" and batch.delimiter == "\t"
    assert_nothing_lost(db, batch, len(rows))
    lines = rows_by_line(db, batch)
    assert all(r.outcome == "landed" for r in lines.values()), {k: r.problems for k, r in lines.items()}
    moments = [db.get(QueueEntry, lines[i + 2].entry_id).registered_at for i in range(len(DATES))]
    local = [m.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for m in moments]  # Almaty was UTC+6 in 2009
    assert local == ["2009-03-04 18:00", "2009-03-04 18:00", "2009-03-05 08:30", "2009-03-05 08:30",
                     "2009-03-04 18:00", "2009-03-04 18:00"]  # fmt: skip
    assert [lines[i + 2].values["list"] for i in range(6)] == ["L3", "L2", "L5", "L4", "L6", "L1"]


def test_duplicates_across_files_and_against_kezek(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    jurisdiction(db, OTHER_KATO)
    people = citizens(8, seed=12)
    first = write_csv(tmp_path / "january.csv", RU_HEADER, ru_rows(people[:4]))
    batch1, _ = run_import(db, first)
    assert batch1.landed == 4
    # The same people in another akimat's file: one person, one queue.
    elsewhere = write_csv(tmp_path / "other.csv", RU_HEADER, ru_rows(people[:2]))
    other, _ = run_import(db, elsewhere, kato=OTHER_KATO)
    assert_nothing_lost(db, other, 2)
    assert {r.outcome for r in rows_by_line(db, other).values()} == {"flagged"}
    assert {p["code"] for r in rows_by_line(db, other).values() for p in r.problems} >= {
        "registered_elsewhere"
    }
    # A person already in Kezek's queue (not through an import) appears in the next file.
    known = people[4]
    person = Person(
        iin=known.iin, surname=known.surname, given_name=known.given, patronymic=known.patronymic or None,
        birth_date=known.birth, sex="M" if known.male else "F", citizenship="citizen", kato=KATO,
    )  # fmt: skip
    db.add(person)
    db.flush()
    queue_service.register(
        db, actor=ACTOR, person_id=person.id, family_id=None, members=(), kato=KATO, regime="akimat",
        list_code="L4", category="socially_vulnerable", registered_at=datetime(2015, 1, 1, tzinfo=UTC),
        decision_ref="application-1",
    )  # fmt: skip
    rows = ru_rows(people[:6])  # four already imported, one already in the queue, one new
    no_iin = list(rows[5])
    no_iin[0], no_iin[1], no_iin[3] = 7, 7, ""  # the new person again, without an IIN
    rows.append(no_iin)
    second = write_csv(tmp_path / "february.csv", RU_HEADER, rows)
    batch2, _ = run_import(db, second)
    assert_nothing_lost(db, batch2, 7)
    outcomes = {line: r.outcome for line, r in rows_by_line(db, batch2).items()}
    assert outcomes == {2: "unchanged", 3: "unchanged", 4: "unchanged", 5: "unchanged", 6: "duplicate",
                        7: "landed", 8: "flagged"}  # fmt: skip
    flagged = rows_by_line(db, batch2)[8]
    assert [p["code"] for p in flagged.problems] == ["iin_missing", "possible_duplicate"]
    assert db.scalar(select(func.count()).select_from(QueueEntry)) == 6


def test_command_line_import_with_reports(committed: Engine, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with session_factory(committed)() as db:
        jurisdiction(db)
        db.commit()
    monkeypatch.setenv("KEZEK_DATABASE_URL", str(committed.url.render_as_string(hide_password=False)))
    from kezek.settings import get_settings

    get_settings.cache_clear()
    people = citizens(12, seed=13)
    rows = ru_rows(people)
    rows[3][3] = "12345"
    path = write_csv(tmp_path / "list.csv", RU_HEADER, rows, encoding="utf-8-sig")
    runner = CliRunner()
    dry = runner.invoke(
        import_app, ["queue", str(path), "--kato", KATO, "--dry-run", "--report-dir", str(tmp_path)]
    )
    assert dry.exit_code == 0, dry.output
    with session_factory(committed)() as db:
        assert db.scalar(select(func.count()).select_from(QueueEntry)) == 0
    out = tmp_path / "reports"
    ran = runner.invoke(
        import_app,
        ["queue", str(path), "--kato", KATO, "--report-dir", str(out), "--language", "kk", "--chunk", "5"],
    )
    assert ran.exit_code == 0, ran.output
    report = next(out.glob("*.csv"))
    table = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert table[0][2] == "Жол" and [r[2] for r in table[1:]] == ["5"]
    assert next(out.glob("*.xlsx")).stat().st_size > 0
    again = runner.invoke(import_app, ["queue", str(path), "--kato", KATO])
    assert again.exit_code == 0 and "already imported" in again.output
    with session_factory(committed)() as db:
        assert db.scalar(select(func.count()).select_from(QueueEntry)) == 11
        assert db.scalar(select(func.count()).select_from(ImportBatch)) == 1
    get_settings.cache_clear()
