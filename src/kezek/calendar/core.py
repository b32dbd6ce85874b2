"""Working-day arithmetic on a given calendar: pure, no database, no clock.

A `BusinessCalendar` is Monday to Friday, less the dates in ``days_off`` (public holidays, days
off moved onto weekdays), plus the dates in ``working_days`` (weekend days a Government decree
makes working). It covers whole years and refuses to answer outside them, so a deadline never
runs silently into a year nobody loaded.

Counting (domain §9.3, IMPL):
* the day of receipt is not counted; the deadline is the end of the N-th working day after it;
* an application received after working hours, or on a non-working day, counts as received on the
  next working day;
* calendar-day deadlines count every day; when the last day is not a working day the term ends on
  the next working day (the general rule for the last day of a term, IMPL);
* a pause (the applicant was asked for something) stops the clock: a day counts only if the clock
  was running at the close of that working day, so a request and its answer on the same day cost
  nothing, and a pause over N working-day closes adds N working days to the deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from kezek.errors import KezekError, ValidationFailed

Unit = Literal["working", "calendar"]
UNITS: tuple[Unit, ...] = ("working", "calendar")
SATURDAY, SUNDAY = 5, 6


class CalendarRangeError(KezekError):
    status = 500
    code = "calendar_out_of_range"
    title = "The business calendar does not cover this date"


@dataclass(frozen=True)
class WorkingHours:
    """When the working day ends (receipts after it count from the next working day), and where."""

    closes_at: time = time(18, 0)
    tz: str = "Asia/Almaty"

    def close_of(self, day: date) -> datetime:
        """The moment ``day``'s working hours end, in UTC."""
        return datetime.combine(day, self.closes_at, tzinfo=ZoneInfo(self.tz)).astimezone(UTC)

    def local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValidationFailed("a moment without a time zone cannot be placed on the calendar")
        return moment.astimezone(ZoneInfo(self.tz))


@dataclass(frozen=True)
class Pause:
    """The clock stood still from ``start`` until ``end`` (None: still waiting)."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or (self.end is not None and self.end.tzinfo is None):
            raise ValidationFailed("pause times need a time zone")
        if self.end is not None and self.end < self.start:
            raise ValidationFailed("a pause cannot end before it starts")

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True)
class BusinessCalendar:
    first_year: int
    last_year: int
    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)
    weekend: frozenset[int] = frozenset({SATURDAY, SUNDAY})

    def __post_init__(self) -> None:
        if self.first_year > self.last_year:
            raise ValueError("a calendar needs at least one year")
        both = self.days_off & self.working_days
        if both:
            raise ValueError(f"dates both off and working: {sorted(both)[:3]}")

    def covers(self, day: date) -> bool:
        return self.first_year <= day.year <= self.last_year

    def _check(self, day: date) -> None:
        if not self.covers(day):
            raise CalendarRangeError(
                f"the business calendar covers {self.first_year}–{self.last_year}; asked about {day}",
                day=day.isoformat(),
            )

    def is_working_day(self, day: date) -> bool:
        self._check(day)
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return day.weekday() not in self.weekend

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
        if count < 0:
            raise ValidationFailed(f"a number of working days cannot be negative ({count})")
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def count_working_days(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both included (0 when ``last`` is before ``first``)."""
        return sum(1 for day in _days(first, last) if self.is_working_day(day))

    def non_working_days(self, first: date, last: date) -> list[date]:
        return [day for day in _days(first, last) if not self.is_working_day(day)]


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def receipt_day(calendar: BusinessCalendar, received_at: datetime, hours: WorkingHours) -> date:
    """The day a receipt counts as received: after working hours or on a day off, the next working day."""
    local = hours.local(received_at)
    day = local.date()
    if calendar.is_working_day(day) and local.time() < hours.closes_at:
        return day
    return calendar.next_working_day(day)


@dataclass(frozen=True)
class Deadline:
    """The result of counting a deadline, with what it rests on (for the inbox and the notice)."""

    unit: Unit
    days: int
    counted_from: date  # the day of receipt as counted (after hours / day off moved on)
    due_on: date | None  # None while an open pause holds the clock
    due_at: datetime | None  # the close of working hours on ``due_on``, UTC
    days_lost: int  # days the pauses took off the clock (of the deadline's unit)
    days_counted: int  # days counted so far (== days unless the clock is paused)

    @property
    def paused(self) -> bool:
        return self.due_on is None


def deadline(
    calendar: BusinessCalendar,
    *,
    received_at: datetime,
    days: int,
    unit: Unit = "working",
    pauses: Iterable[Pause] = (),
    hours: WorkingHours | None = None,
    roll_forward: bool = True,
) -> Deadline:
    """The end of the ``days``-th working (or calendar) day after the day of receipt, with pauses.

    ``roll_forward``: a calendar-day term whose last day is not a working day ends on the next
    working day.
    """
    if unit not in UNITS:
        raise ValidationFailed(f"a deadline is counted in working or calendar days, not {unit!r}")
    if days < 0:
        raise ValidationFailed(f"a deadline cannot be a negative number of days ({days})")
    hours = hours or WorkingHours()
    stops = sorted(pauses, key=lambda p: p.start)
    start = receipt_day(calendar, received_at, hours)
    day, counted, lost = start, 0, 0
    while counted < days:
        day += timedelta(days=1)
        if unit == "working" and not calendar.is_working_day(day):
            continue
        close = hours.close_of(day)
        holding = [pause for pause in stops if pause.holds(close)]
        if not holding:
            counted += 1
        elif any(pause.end is None for pause in holding):
            return Deadline(unit, days, start, None, None, lost, counted)
        else:
            lost += 1
    if unit == "calendar" and roll_forward and not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    return Deadline(unit, days, start, day, hours.close_of(day), lost, counted)
