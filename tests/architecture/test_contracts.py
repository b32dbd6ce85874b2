"""The import-linter contracts hold, and they would catch a breach: on a copy of the sources, a rules
module that imports the database layer (or a domain package that imports the web face) breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kezek.settings import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _run(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sources")
    shutil.copytree(
        PROJECT_ROOT / "src" / "kezek",
        root / "src" / "kezek",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.ttf", "*.yaml", "*.html", "*.po"),
    )
    shutil.copy(PROJECT_ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_contracts_hold_on_the_sources(copy: Path):
    result = _run(copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


BREACHES = {
    "rules/_breach.py": ("import kezek.db\n", "Rules are pure: kezek.rules imports nothing else of Kezek"),
    "queue/_breach.py": ("import kezek.web.i18n\n", "Domain packages do not import the faces"),
    "models/_breach.py": ("import kezek.queue.service\n", "Storage does not import domain packages"),
}


def test_each_contract_catches_its_breach(copy: Path):
    written = []
    try:
        for module, (line, _) in BREACHES.items():
            path = copy / "src" / "kezek" / module
            path.write_text(line)
            written.append(path)
        result = _run(copy)
    finally:
        for path in written:
            path.unlink()
    assert result.returncode != 0
    for contract in (c for _, c in BREACHES.values()):
        assert f"{contract} BROKEN" in result.stdout, result.stdout
