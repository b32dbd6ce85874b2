"""Service deadlines: how many days the regime in force allows, and counting working days.

The number of days is a dated parameter (deadlines.yaml) chosen by formulas dated like the acts:
30 calendar days under the 2012 rules, 15 working days under Order No. 168 (from 12.02.2024), one
working day in the national regime (three when the only dwelling is emergency); housing assistance 8
working days, 6 from 02.12.2025. Counting working days needs a calendar (holidays and the
Government's transfers): the caller passes one; :class:`HolidaysCalendar` builds one from the
`holidays` package for Kazakhstan plus explicit extra days off and working Saturdays.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

import numpy as np

from kezek.rules.engine import Array, Calc, formula
from kezek.rules.registration import AKIMAT_SINCE, NATIONAL_SINCE

UNITS = ("calendar_days", "working_days")
ORDER_168_SINCE = date(2024, 2, 12)


@formula(
    "decision_days_unit",
    since=AKIMAT_SINCE,
    until=ORDER_168_SINCE - timedelta(days=1),
    kind="code",
    codes=UNITS,
    reference="ref.deadline.queue",
)
def unit_calendar(c: Calc) -> Array:
    return np.zeros(c.n, dtype=np.int64)


@formula(
    "decision_days_unit", since=ORDER_168_SINCE, kind="code", codes=UNITS, reference="ref.deadline.queue"
)
def unit_working(c: Calc) -> Array:
    return np.ones(c.n, dtype=np.int64)


@formula(
    "decision_days",
    since=AKIMAT_SINCE,
    until=ORDER_168_SINCE - timedelta(days=1),
    kind="count",
    reference="ref.deadline.queue",
)
def decision_days_2012(c: Calc) -> Array:
    return np.full(c.n, c.param("deadlines.queue_calendar_days"), dtype=np.int64)


@formula(
    "decision_days",
    since=ORDER_168_SINCE,
    until=NATIONAL_SINCE - timedelta(days=1),
    kind="count",
    reference="ref.deadline.queue",
)
def decision_days_2024(c: Calc) -> Array:
    return np.full(c.n, c.param("deadlines.queue_working_days"), dtype=np.int64)


@formula("decision_days", since=NATIONAL_SINCE, kind="count", reference="ref.deadline.queue")
def decision_days_national(c: Calc) -> Array:
    emergency = c.var("sole_emergency")
    return np.where(
        emergency,
        c.param("deadlines.queue_emergency_working_days", rows=emergency),
        c.param("deadlines.queue_working_days"),
    ).astype(np.int64)


class WorkingCalendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...


class HolidaysCalendar:
    """Kazakhstan's working days: Monday to Friday, less public holidays and the days off moved by
    the holiday law (the `holidays` package), less `extra_days_off`, plus `working_days` (working
    Saturdays declared by a Government decree)."""

    def __init__(self, extra_days_off: Iterable[date] = (), working_days: Iterable[date] = ()) -> None:
        import holidays  # imported here: only deadline counting needs it

        self._holidays = holidays.country_holidays("KZ")
        self._off = frozenset(extra_days_off)
        self._on = frozenset(working_days)

    def is_working_day(self, day: date) -> bool:
        if day in self._on:
            return True
        if day in self._off or day.weekday() >= 5:
            return False
        return day not in self._holidays


def add_working_days(received: date, days: int, calendar: WorkingCalendar) -> date:
    """The N-th working day after the day of receipt (the day of receipt is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = received
    counted = 0
    while counted < days:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            counted += 1
    return current


def add_calendar_days(received: date, days: int) -> date:
    """Calendar-day deadlines: the day of receipt is not counted (Aktogay regulation 2013 item 9)."""
    return received + timedelta(days=days)
