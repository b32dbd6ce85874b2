"""The real app served by uvicorn in a subprocess on a free loopback port, against the migrated test
database (SQLite and PostgreSQL, like every database test), and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kezek.models import Base
from kezek.settings import PROJECT_ROOT, get_settings
from tests.web.builders import ALMALY, AUEZOV, add_jurisdictions, add_official, add_person

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Site:
    url: str
    log: Path
    engine_name: str
    own_iin: str
    own_name: str
    other_iin: str
    other_name: str
    citizen_iin: str
    citizen_name: str

    def log_text(self) -> str:
        return ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace"))

    def wait_for_code(self, timeout: float = 10.0) -> str:
        """The one-time code, read from the server's log (where the embedded default delivers it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.findall(r"citizen sign-in code.*?\bcode=(\d{6})\b", self.log_text())
            if found:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError(f"no code in the server log:\n{self.log_text()[-2000:]}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _seed(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        add_jurisdictions(session)
        own = add_person(
            session, kato=ALMALY, surname="Сейтқали", given_name="Ерұлан", address="Абай даңғылы 10"
        )
        other = add_person(session, kato=AUEZOV, surname="Өтебаева", given_name="Гүлнұр", sex="F", serial=50)
        citizen = add_person(
            session, kato=ALMALY, surname="Жұмабекова", given_name="Әйгерім", sex="F", born=date(1988, 7, 14)
        )
        add_official(session, username="almaly", roles=("executor",), scopes=("751110",))
        session.commit()
        return {
            "own_iin": own.iin,
            "own_name": "Сейтқали Ерұлан",
            "other_iin": other.iin,
            "other_name": "Өтебаева Гүлнұр",
            "citizen_iin": citizen.iin,
            "citizen_name": "Жұмабекова Әйгерім",
        }


@pytest.fixture(scope="module")
def site(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    try:
        with served_kezek(engine, log) as (url, _):
            seeded = _seed(engine)  # while the server starts
            wait_until_up(url, log)
            yield Site(url=url, log=log, engine_name=engine.dialect.name, **seeded)
    finally:
        empty_tables(engine)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser)")
    playwright: Playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@contextmanager
def served_kezek(engine: Engine, log: Path, **settings: str) -> Iterator[tuple[str, dict[str, str]]]:
    """Kezek's app served by uvicorn in a subprocess on a free loopback port against ``engine``'s
    database, with ``KEZEK_*`` settings on top of the test defaults; yields (url, environment)."""
    port = _free_port()
    env = {
        **os.environ,
        "KEZEK_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "KEZEK_ENVIRONMENT": "development",
        "KEZEK_SECRET_KEY": get_settings().secret_key,
        "KEZEK_WORKER_MODE": "off",
        "KEZEK_LOGIN_RATE_LIMIT": "100/minute",
        "PYTHONUNBUFFERED": "1",
        "NO_COLOR": "1",
        **settings,
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "kezek.web.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        yield url, env
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def wait_until_up(url: str, log: Path, timeout: float = 120) -> None:
    """Wait for /healthz (a loaded 2-core machine can take a minute to import the app)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


def empty_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
