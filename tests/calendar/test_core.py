"""Working-day arithmetic on a given calendar (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kezek.calendar.core import (
    BusinessCalendar,
    CalendarRangeError,
    Pause,
    WorkingHours,
    deadline,
    receipt_day,
)
from kezek.errors import ValidationFailed

ALMATY = ZoneInfo("Asia/Almaty")
HOURS = WorkingHours()
# A made-up year: Wednesday 1 April off, Saturday 4 April worked in exchange.
CAL = BusinessCalendar(
    2026, 2027, days_off=frozenset({date(2026, 4, 1)}), working_days=frozenset({date(2026, 4, 4)})
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ALMATY)


def test_weekends_days_off_and_working_saturdays() -> None:
    assert CAL.is_working_day(date(2026, 3, 31))  # Tuesday
    assert not CAL.is_working_day(date(2026, 4, 1))  # the day off
    assert CAL.is_working_day(date(2026, 4, 4))  # the working Saturday
    assert not CAL.is_working_day(date(2026, 4, 5))  # Sunday
    assert CAL.next_working_day(date(2026, 3, 31)) == date(2026, 4, 2)
    assert CAL.add_working_days(date(2026, 4, 2), 2) == date(2026, 4, 4)
    assert CAL.count_working_days(date(2026, 3, 30), date(2026, 4, 5)) == 5


def test_receipt_after_hours_or_on_a_day_off_counts_from_the_next_working_day() -> None:
    assert receipt_day(CAL, at(date(2026, 3, 30), 17, 59), HOURS) == date(2026, 3, 30)
    assert receipt_day(CAL, at(date(2026, 3, 30), 18, 0), HOURS) == date(2026, 3, 31)
    assert receipt_day(CAL, at(date(2026, 3, 31), 20, 0), HOURS) == date(2026, 4, 2)  # 1 April is off
    assert receipt_day(CAL, at(date(2026, 4, 5), 11, 0), HOURS) == date(2026, 4, 6)  # Sunday
    assert receipt_day(CAL, at(date(2026, 3, 30), 3, 0), HOURS) == date(2026, 3, 30)  # before opening
    # Stored times are UTC: 13:30 UTC is 18:30 in Almaty, after hours.
    assert receipt_day(CAL, datetime(2026, 3, 30, 13, 30, tzinfo=UTC), HOURS) == date(2026, 3, 31)
    later = WorkingHours(closes_at=time(19, 0))
    assert receipt_day(CAL, at(date(2026, 3, 30), 18, 30), later) == date(2026, 3, 30)


def test_deadline_after_hours_receipt() -> None:
    # Received Monday 30 March after hours: counts from Tuesday; 2 working days: Thu 2, Fri 3 April.
    result = deadline(CAL, received_at=at(date(2026, 3, 30), 18, 5), days=2)
    assert (result.counted_from, result.due_on) == (date(2026, 3, 31), date(2026, 4, 3))
    assert result.due_at == at(date(2026, 4, 3), 18, 0)
    assert (result.days_lost, result.days_counted, result.paused) == (0, 2, False)


def test_calendar_day_deadline_rolls_forward_to_a_working_day() -> None:
    result = deadline(CAL, received_at=at(date(2026, 3, 2), 10), days=30, unit="calendar")
    assert result.due_on == date(2026, 4, 2)  # 1 April, the 30th day, is off
    plain = deadline(CAL, received_at=at(date(2026, 3, 2), 10), days=30, unit="calendar", roll_forward=False)
    assert plain.due_on == date(2026, 4, 1)


def test_pause_extends_by_the_working_days_it_took() -> None:
    received = at(date(2026, 3, 2), 10)  # Monday
    base = deadline(CAL, received_at=received, days=5)
    assert base.due_on == date(2026, 3, 9)
    # Asked on Tuesday 3 March at 11:00, answered on Thursday 5 March at 15:00: the closes of
    # Tuesday and Wednesday were paused, Thursday's was not.
    paused = deadline(
        CAL, received_at=received, days=5, pauses=[Pause(at(date(2026, 3, 3), 11), at(date(2026, 3, 5), 15))]
    )
    assert paused.days_lost == 2
    assert paused.due_on == CAL.add_working_days(base.due_on, 2) == date(2026, 3, 11)
    # Asked and answered the same day: nothing lost.
    same_day = deadline(
        CAL, received_at=received, days=5, pauses=[Pause(at(date(2026, 3, 3), 9), at(date(2026, 3, 3), 17))]
    )
    assert same_day.due_on == base.due_on and same_day.days_lost == 0
    # A pause over a weekend loses only the working days in it.
    weekend = deadline(
        CAL, received_at=received, days=5, pauses=[Pause(at(date(2026, 3, 6), 19), at(date(2026, 3, 9), 9))]
    )
    assert weekend.days_lost == 0 and weekend.due_on == base.due_on


def test_an_open_pause_stops_the_clock() -> None:
    result = deadline(
        CAL, received_at=at(date(2026, 3, 2), 10), days=5, pauses=[Pause(at(date(2026, 3, 4), 12))]
    )
    assert result.paused and result.due_on is None and result.due_at is None
    assert result.days_counted == 1  # Tuesday counted before the request on Wednesday


def test_the_calendar_refuses_years_it_does_not_cover() -> None:
    with pytest.raises(CalendarRangeError, match="2026–2027"):
        CAL.is_working_day(date(2028, 1, 3))
    with pytest.raises(CalendarRangeError):
        CAL.add_working_days(date(2027, 12, 30), 5)


def test_bad_input_is_named() -> None:
    with pytest.raises(ValidationFailed, match="time zone"):
        deadline(CAL, received_at=datetime(2026, 3, 2, 10), days=1)
    with pytest.raises(ValidationFailed, match="negative"):
        deadline(CAL, received_at=at(date(2026, 3, 2), 10), days=-1)
    with pytest.raises(ValidationFailed, match="working or calendar"):
        deadline(CAL, received_at=at(date(2026, 3, 2), 10), days=1, unit="weeks")  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed, match="end before"):
        Pause(at(date(2026, 3, 3), 10), at(date(2026, 3, 2), 10))
    with pytest.raises(ValueError, match="both off and working"):
        BusinessCalendar(2026, 2026, frozenset({date(2026, 1, 3)}), frozenset({date(2026, 1, 3)}))


# --- properties -------------------------------------------------------------------------------

_days_off = st.frozensets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=40)
_day = st.dates(date(2026, 1, 1), date(2026, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    off = draw(_days_off)
    working = draw(st.frozensets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=10)) - off
    return BusinessCalendar(2026, 2027, off, working)


@settings(max_examples=200, deadline=None)
@given(cal=calendars(), start=_day, n=st.integers(0, 40))
def test_adding_working_days(cal: BusinessCalendar, start: date, n: int) -> None:
    due = cal.add_working_days(start, n)
    assert cal.count_working_days(start + timedelta(days=1), due) == n
    if n:
        assert cal.is_working_day(due)
        assert cal.add_working_days(start, n - 1) < due


@settings(max_examples=200, deadline=None)
@given(
    cal=calendars(),
    start=_day,
    n=st.integers(1, 30),
    hour=st.integers(0, 23),
    pause_after=st.integers(0, 20),
    pause_days=st.integers(0, 15),
)
def test_a_pause_adds_exactly_the_days_it_held(
    cal: BusinessCalendar, start: date, n: int, hour: int, pause_after: int, pause_days: int
) -> None:
    received = at(start, hour)
    plain = deadline(cal, received_at=received, days=n)
    assert plain.due_on is not None
    assert cal.count_working_days(plain.counted_from + timedelta(days=1), plain.due_on) == n
    # A pause from 12:00 on one day to 12:00 on a later day holds the closes of the days in between.
    first = plain.counted_from + timedelta(days=pause_after)
    pause = Pause(at(first, 12), at(first + timedelta(days=pause_days), 12))
    paused = deadline(cal, received_at=received, days=n, pauses=[pause])
    assert paused.due_on is not None
    held = [
        d
        for d in (first + timedelta(days=k) for k in range(pause_days))
        if cal.is_working_day(d) and plain.counted_from < d <= paused.due_on
    ]
    assert paused.days_lost == len(held)
    assert paused.due_on == cal.add_working_days(plain.counted_from, n + len(held))
    assert paused.due_on >= plain.due_on
