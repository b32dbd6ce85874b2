"""The sandbox as a real server: `kezek sandbox serve` in its own process on a free loopback port.

One sandbox per database engine for the whole session; it stops with the test process (and after a
lifetime at most). Faults and circuit breakers are reset around every test. Jobs go to a huey
queue in a temporary file, never to the shared var/ directory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from huey import Huey
from huey.consumer import Consumer
from sqlalchemy import Engine

from kezek.integration import config
from kezek.integration.breaker import BREAKERS
from kezek.integration.config import IntegrationSettings
from kezek.jobs import build_huey, use_huey
from kezek.sandbox.server import SandboxAdmin
from kezek.settings import get_settings

KEZEK = str(Path(sys.executable).with_name("kezek"))
SANDBOX_LIFETIME_S = 900


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sandbox:
    url: str
    admin: SandboxAdmin
    process: subprocess.Popen[bytes]
    database_url: str

    def settings(self, **overrides: object) -> IntegrationSettings:
        values: dict[str, object] = {
            "sandbox_url": self.url,
            "attempts": 1,
            "read_timeout": 5.0,
            "backoff_initial": 0.01,
            "backoff_max": 0.05,
            "breaker_failures": 50,
            "breaker_cooldown_seconds": 1.0,
        }
        values.update(overrides)
        return IntegrationSettings.model_validate(values)


def start_sandbox(database_url: str, *extra: str, log: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    args = [
        KEZEK,
        "sandbox",
        "serve",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--stop-with-parent",
        str(os.getpid()),
        "--lifetime",
        str(SANDBOX_LIFETIME_S),
        *extra,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    with SandboxAdmin(url, timeout=1.0) as admin:
        deadline = time.monotonic() + 30
        while not admin.healthy():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"sandbox did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
    return url, process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def sandbox_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    log = tmp_path_factory.mktemp("sandbox") / "sandbox.log"
    url, process = start_sandbox(database_url, log=log)
    admin = SandboxAdmin(url)
    try:
        yield Sandbox(url=url, admin=admin, process=process, database_url=database_url)
    finally:
        admin.close()
        stop(process)


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Iterator[Sandbox]:
    """The session's sandbox, healthy at the start and the end of the test; fresh breakers."""
    sandbox_server.admin.clear()
    BREAKERS.reset()
    yield sandbox_server
    sandbox_server.admin.clear()
    BREAKERS.reset()


@pytest.fixture(autouse=True)
def job_queue(tmp_path: Path) -> Iterator[Huey]:
    """Jobs of these tests go to a queue file of their own (never var/); no worker unless asked."""
    huey = build_huey(f"sqlite:///{tmp_path / 'kezek.db'}")
    config.get_integration_settings.cache_clear()
    with use_huey(huey):
        yield huey
    huey.storage.close()
    config.get_integration_settings.cache_clear()


class _TestConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer in this process's threads (signal handlers belong to the main thread)."""

    def _set_signal_handlers(self) -> None:
        return None


@pytest.fixture
def worker(
    engine: Engine, sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Huey]:
    """A real job queue on the test's engine (SQLite file or PostgreSQL) and a worker taking from it.

    Jobs open their own unit of work on the configured database and ask the configured sandbox;
    a waiting fetch is retried after one second.
    """
    monkeypatch.setenv("KEZEK_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("KEZEK_STATE_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("KEZEK_STATE_RETRY_AFTER_SECONDS", "1")
    monkeypatch.setenv("KEZEK_STATE_ATTEMPTS", "1")
    get_settings.cache_clear()
    config.get_integration_settings.cache_clear()
    if engine.dialect.name == "sqlite":
        huey = build_huey(f"sqlite:///{tmp_path / 'queue.db'}")
    else:
        huey = build_huey(engine.url.render_as_string(hide_password=False))
    huey.flush()
    consumer = _TestConsumer(
        huey, workers=1, worker_type="thread", periodic=False, initial_delay=0.05, backoff=1.0, max_delay=0.1
    )
    consumer.shutdown_timeout = 10
    with use_huey(huey):
        consumer.start()
        try:
            yield huey
        finally:
            consumer.stop(graceful=True)
            huey.flush()
            huey.storage.close()
    monkeypatch.undo()
    get_settings.cache_clear()
    config.get_integration_settings.cache_clear()
