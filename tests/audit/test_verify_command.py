"""`kezek audit verify` against really committed data, edited by hand in SQL (issue 2's must-show).

The first test runs the installed command as a separate process; the others call the same Typer
command in-process (settings re-read from the environment) to keep the suite fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from kezek.cli import app
from kezek.db import unit_of_work
from kezek.settings import get_settings
from tests.audit.builders import delete_event, set_json, set_text, write_events

KEZEK = Path(sys.executable).with_name("kezek")


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _run_kezek(engine: Engine) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KEZEK_DATABASE_URL": _url(engine)}
    return subprocess.run(
        [str(KEZEK), "audit", "verify"], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_kezek_audit_verify_names_the_event_edited_in_sql(committed: Engine) -> None:
    with unit_of_work(committed) as session:
        write_events(session, 6)

    untouched = _run_kezek(committed)
    assert untouched.returncode == 0, untouched.stderr
    assert "audit chain intact: 6 events verified" in untouched.stdout

    with committed.begin() as conn:
        json_param = "CAST(:v AS jsonb)" if committed.dialect.name == "postgresql" else ":v"
        conn.execute(
            text(f"UPDATE audit_events SET after = {json_param} WHERE seq = 4"),
            {"v": '{"phone_verified": false}'},
        )
    edited = _run_kezek(committed)
    assert edited.returncode == 1
    assert "BROKEN at event seq=4" in edited.stderr
    assert "content differs" in edited.stderr


@pytest.fixture
def verify_cli(committed: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KEZEK_DATABASE_URL", _url(committed))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _verify(runner: CliRunner) -> tuple[int, str]:
    result = runner.invoke(app, ["audit", "verify"])
    return result.exit_code, result.output


def test_reason_edited_in_sql(committed: Engine, verify_cli: CliRunner) -> None:
    with unit_of_work(committed) as session:
        write_events(session, 3)
    assert _verify(verify_cli)[0] == 0
    with unit_of_work(committed) as session:
        set_text(session, 2, "reason", "a kinder reason")
    code, output = _verify(verify_cli)
    assert code == 1 and "seq=2" in output


def test_event_deleted_in_the_middle(committed: Engine, verify_cli: CliRunner) -> None:
    with unit_of_work(committed) as session:
        write_events(session, 5)
        delete_event(session, 3)
    code, output = _verify(verify_cli)
    assert code == 1 and "seq=3" in output and "missing" in output


def test_last_event_deleted(committed: Engine, verify_cli: CliRunner) -> None:
    with unit_of_work(committed) as session:
        write_events(session, 5)
    with unit_of_work(committed) as session:
        delete_event(session, 5)
    code, output = _verify(verify_cli)
    assert code == 1 and "seq=5" in output and "missing at the end" in output


def test_forged_event_inserted(committed: Engine, verify_cli: CliRunner) -> None:
    with unit_of_work(committed) as session:
        write_events(session, 3)
    with unit_of_work(committed) as session:
        # A copy of event 3 renumbered as 4: plausible to the eye, not to the chain.
        session.execute(
            text(
                "INSERT INTO audit_events (seq, occurred_at, actor_kind, actor_id, action, object_type, "
                "object_id, kato, before, after, reason, prev_hash, hash) "
                "SELECT 4, occurred_at, actor_kind, actor_id, action, object_type, object_id, kato, before, "
                "after, reason, hash, :h FROM audit_events WHERE seq = 3"
            ),
            {"h": "e" * 64},
        )
    code, output = _verify(verify_cli)
    assert code == 1 and "seq=4" in output


def test_json_edit_through_the_in_process_command(committed: Engine, verify_cli: CliRunner) -> None:
    with unit_of_work(committed) as session:
        write_events(session, 2)
        set_json(session, 1, "before", {"phone_verified": True})
    code, output = _verify(verify_cli)
    assert code == 1 and "seq=1" in output
