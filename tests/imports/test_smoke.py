from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tests.imports.builders import RU_HEADER, citizens, jurisdiction, ru_rows, write_csv
from tests.imports.helpers import assert_nothing_lost, outcomes, run_import


def test_smoke(db: Session, tmp_path: Path) -> None:
    jurisdiction(db)
    people = citizens(20)
    path = write_csv(tmp_path / "list.csv", RU_HEADER, ru_rows(people), encoding="kz1048")
    batch, progress = run_import(db, path, chunk_size=7)
    print(outcomes(db, batch))
    assert_nothing_lost(db, batch, 20)
