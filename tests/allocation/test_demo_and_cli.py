"""The demo's past distribution through the services, and the CLI: run, verify RUN, export and verify
a downloaded journal (a tampered file is refused)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kezek.allocation import journal
from kezek.allocation.demo import DEMO_KATO, load_past_distribution
from kezek.cli.allocation import app
from kezek.models.allocation import AllocationRun
from kezek.settings import get_settings
from tests.allocation.builders import dwelling, eligible


@pytest.fixture
def cli(committed: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KEZEK_DATABASE_URL", committed.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_demo_distribution_and_cli_verification(cli: CliRunner, committed: Engine, tmp_path: Path) -> None:
    with Session(committed) as s:
        for i, (code, size) in enumerate(
            [
                ("priority", 1),
                ("priority", 2),
                ("general", 3),
                ("priority", 4),
                ("general", 2),
                ("priority", 3),
                ("priority", 2),
                ("general", 1),
                ("priority", 1),
            ]
        ):
            eligible(s, kato=DEMO_KATO, list_code=code, minutes=i, size=size, consent=False, phone=False)
        s.commit()
        past = load_past_distribution(s)
        s.commit()
    assert past.run_id is not None and past.accepted == 2 and past.journal_records >= 6
    with Session(committed) as s:
        run = s.get(AllocationRun, past.run_id)
        assert run is not None and run.status == "approved"
        assert journal.verify_stored(s).ok
        again = load_past_distribution(s)  # only once per jurisdiction
        assert again.run_id is None

    ok = cli.invoke(app, ["verify", str(past.run_id)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output

    target = tmp_path / "journal.jsonl"
    out = cli.invoke(app, ["journal", "--out", str(target)])
    assert out.exit_code == 0, out.output
    good = cli.invoke(app, ["verify", "--journal", str(target)])
    assert good.exit_code == 0 and "OK" in good.output
    csv_target = tmp_path / "journal.csv"
    assert cli.invoke(app, ["journal", "--out", str(csv_target), "--format", "csv"]).exit_code == 0
    assert cli.invoke(app, ["verify", "--journal", str(csv_target)]).exit_code == 0

    lines = target.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[1])
    body = json.loads(rec["body"])
    body["list"] = "general" if body.get("list") != "general" else "priority"
    rec["body"] = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    bad_file = tmp_path / "tampered.jsonl"
    bad_file.write_text(
        "\n".join([lines[0], json.dumps(rec, ensure_ascii=False), *lines[2:]]) + "\n", "utf-8"
    )
    bad = cli.invoke(app, ["verify", "--journal", str(bad_file)])
    assert bad.exit_code == 1 and "record 2" in bad.output

    # a run from the command line over the jurisdiction's available dwellings
    with Session(committed) as s:
        dwelling(s, kato=DEMO_KATO, rooms=1, area_m2="33")
        s.commit()
    made = cli.invoke(app, ["run", "--kato", DEMO_KATO, "--as-of", "2026-03-02"])
    assert made.exit_code == 0, made.output
    with Session(committed) as s:
        newest = s.scalars(select(AllocationRun).order_by(AllocationRun.id.desc())).first()
        assert newest is not None and newest.status == "draft" and newest.dwellings_count >= 1
    assert cli.invoke(app, ["verify", str(newest.id)]).exit_code == 0
    assert cli.invoke(app, ["verify", "999999"]).exit_code == 2
