"""Fixtures for housing-assistance tests: the served world (sandbox on loopback, jobs at once) with
the utility-bills system answering the bills a test sets for an IIN, and a settable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection

from kezek import clock
from kezek.integration.systems import System
from kezek.sandbox import answers
from kezek.sandbox.answers.common import PersonRow, Query
from kezek.sandbox.server import SandboxAdmin
from tests.applications.world import ServedApp, s, world

__all__ = ["BILLS", "frozen", "s", "sandbox", "world"]

# IIN -> the utilities answer (dwelling, tariffs, bills) the utility-bills system gives for it.
BILLS: dict[str, dict[str, Any]] = {}


def _utilities(original: answers.Builder) -> answers.Builder:
    def build(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
        out = original(conn, people, query)
        for iin in people:
            if iin in BILLS:
                out[iin] = BILLS[iin]
        return out

    return build


@pytest.fixture(scope="session")
def sandbox(database_url: str) -> Iterator[SandboxAdmin]:
    from kezek.sandbox.app import create_sandbox_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(answers.BUILDERS, System.UTILITIES, _utilities(answers.BUILDERS[System.UTILITIES]))
        served = ServedApp(create_sandbox_app(database_url)).start()
    with SandboxAdmin(served.url) as admin:
        yield admin
    served.stop()


@pytest.fixture(autouse=True)
def _no_bills() -> Iterator[None]:
    BILLS.clear()
    yield
    BILLS.clear()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 10, 5, 5, 0, tzinfo=UTC)  # Monday 10:00 in Almaty, first month of Q4

    def set(self, moment: datetime) -> None:
        self.now = moment

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def frozen() -> Iterator[Clock]:
    c = Clock()
    clock.set_clock(c)
    yield c
    clock.reset_clock()
