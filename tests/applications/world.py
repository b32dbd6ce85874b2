"""A served world for case tests: the sandbox of the state systems on loopback, jobs run at once.

Cases fetch their state data over real HTTP from the sandbox, which reads the committed population
tables; so these tests commit (the ``committed`` fixture empties every table afterwards).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kezek.db import session_factory, unit_of_work
from kezek.integration.breaker import BREAKERS
from kezek.integration.config import get_integration_settings
from kezek.sandbox.app import create_sandbox_app
from kezek.sandbox.server import SandboxAdmin
from kezek.settings import get_settings


class ServedApp:
    """Any ASGI app served by uvicorn in a thread on 127.0.0.1 and a free port."""

    def __init__(self, app: object) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")  # type: ignore[arg-type]
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> ServedApp:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="session")
def sandbox(database_url: str) -> Iterator[SandboxAdmin]:
    served = ServedApp(create_sandbox_app(database_url)).start()
    with SandboxAdmin(served.url) as admin:
        yield admin
    served.stop()


@pytest.fixture
def world(
    committed: Engine,
    sandbox: SandboxAdmin,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Engine]:
    """Committed data, the sandbox answering, jobs running at once against the test database."""
    monkeypatch.setenv("KEZEK_DATABASE_URL", database_url)
    monkeypatch.setenv("KEZEK_ENVIRONMENT", "test")
    monkeypatch.setenv("KEZEK_OUTBOX_DIR", str(tmp_path_factory.mktemp("outbox")))
    monkeypatch.setenv("KEZEK_STATE_SANDBOX_URL", sandbox.base_url)
    monkeypatch.setenv("KEZEK_STATE_RETRY_AFTER_SECONDS", "3600")
    monkeypatch.setenv("KEZEK_STATE_ATTEMPTS", "1")
    get_settings.cache_clear()
    get_integration_settings.cache_clear()
    BREAKERS.reset()
    sandbox.clear()
    yield committed
    sandbox.clear()
    get_settings.cache_clear()
    get_integration_settings.cache_clear()


@pytest.fixture
def s(world: Engine) -> Iterator[Session]:
    """A session on the served world's database; the test commits (jobs then run at once)."""
    session = session_factory(world)()
    yield session
    session.rollback()
    session.close()


@contextmanager
def uow(engine: Engine) -> Iterator[Session]:
    with unit_of_work(engine) as session:
        yield session
