"""The one place Kezek reads "now". Time is stored in UTC and shown in Asia/Almaty."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return _now()


def today_local(tz: str = "Asia/Almaty") -> date:
    return now().astimezone(ZoneInfo(tz)).date()


def set_clock(fn: Callable[[], datetime]) -> None:
    """Replace the clock (tests and demo time travel only)."""
    global _now
    _now = fn


def reset_clock() -> None:
    global _now
    _now = lambda: datetime.now(UTC)  # noqa: E731


def to_local(moment: datetime, tz: str = "Asia/Almaty") -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(tz))
