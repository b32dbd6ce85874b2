"""A command against a database that was never migrated says what to do instead of a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_command_on_an_unmigrated_database_asks_for_db_upgrade(tmp_path: Path) -> None:
    env = {**os.environ, "KEZEK_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "kezek", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "run `kezek db upgrade` first" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
