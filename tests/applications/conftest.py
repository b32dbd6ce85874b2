"""Fixtures for case tests: a settable clock (reset after each test) and the served world."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from kezek import clock
from tests.applications.world import s, sandbox, world

__all__ = ["frozen", "s", "sandbox", "world"]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 5, 0, tzinfo=UTC)  # Monday 10:00 in Almaty

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
