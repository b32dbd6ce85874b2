"""`kezek kato import` and `kezek kato load-reference` against a real database (both engines)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kezek.cli import app
from kezek.models import Jurisdiction
from kezek.registry import kato
from kezek.settings import get_settings


@pytest.fixture
def runner(committed: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KEZEK_DATABASE_URL", committed.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_load_reference_then_import_a_classifier_file_with_a_bad_row(
    runner: CliRunner, committed: Engine, tmp_path: Path
) -> None:
    loaded = runner.invoke(app, ["kato", "load-reference"])
    assert loaded.exit_code == 0, loaded.output
    assert f"{len(kato.reference())} new" in loaded.output
    path = tmp_path / "kato.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["TE", "AB", "CD", "EF", "HIJ", "K", "NAME_KAZ", "NAME_RUS", "NN"])
        writer.writerow(["710000000", "71", "00", "00", "000", "1", "Астана", "город Астана", ""])
        writer.writerow(["79x000000", "79", "00", "00", "000", "1", "Қате", "Ошибка", ""])
    result = runner.invoke(app, ["kato", "import", str(path)])
    assert result.exit_code == 1, result.output  # some rows were refused
    assert (
        "1 changed" in result.output
        and "79x000000" in result.output
        and "TE must be 9 digits" in result.output
    )
    with Session(committed) as session:
        astana = session.get(Jurisdiction, "710000000")
        assert astana is not None and astana.name_ru == "город Астана"
        assert session.scalar(select(func.count()).select_from(Jurisdiction)) == len(kato.reference())
    missing = runner.invoke(app, ["kato", "import", str(tmp_path / "none.xlsx")])
    assert missing.exit_code == 2 and "no such file" in missing.output
