"""The narrow calendar the case clocks need: the day of receipt, adding and counting working days.

TEMPORARY: computed from the ``holidays`` package until ``kezek.calendar`` (which adds the
Government's transfers and the administrator's overrides) lands; then these three functions call it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from sqlalchemy.orm import Session

from kezek import clock

WORK_START = time(9, 0)
WORK_END = time(18, 0)


def local_day(moment: datetime) -> date:
    return clock.to_local(moment).date()


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("KZ", years=year).keys())


def is_working_day(session: Session, day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(session: Session, day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(session, day):
        day += timedelta(days=1)
    return day


def receipt_day(session: Session, moment: datetime) -> date:
    """The day a receipt counts from: after working hours or on a day off, the next working day."""
    local = clock.to_local(moment)
    day = local.date()
    if is_working_day(session, day) and local.time() < WORK_END:
        return day
    return next_working_day(session, day)


def add_working_days(session: Session, day: date, count: int) -> date:
    """The ``count``-th working day after ``day``."""
    for _ in range(count):
        day = next_working_day(session, day)
    return day


def count_working_days(session: Session, first: date, last: date) -> int:
    """Working days from ``first`` to ``last`` inclusive."""
    n = 0
    day = first
    while day <= last:
        n += is_working_day(session, day)
        day += timedelta(days=1)
    return n
