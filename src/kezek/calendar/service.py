"""The business calendar Kezek counts deadlines on: the ``holidays`` package plus the override table.

Every function takes the session (the overrides live in the database) and loads the calendar once
per session for the years it needs; editing an override through this module drops that copy.
Working hours end at ``Settings.working_day_ends`` when the settings have it (default 18:00, in the
display time zone, Asia/Almaty).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor, record
from kezek.calendar import kz
from kezek.calendar.core import (
    BusinessCalendar,
    CalendarRangeError,
    Deadline,
    Pause,
    Unit,
    WorkingHours,
)
from kezek.calendar.core import deadline as count_deadline
from kezek.calendar.core import receipt_day as core_receipt_day
from kezek.errors import NotFound, ValidationFailed
from kezek.models.calendar import OVERRIDE_KINDS, CalendarOverride
from kezek.settings import get_settings

# The package knows Kazakhstan from 1991; far-future years only hold estimated lunar holidays.
FIRST_YEAR, LAST_YEAR = 1991, 2100
_CACHE = "kezek.calendar.loaded"
T = TypeVar("T")


def working_hours() -> WorkingHours:
    """When working hours end and in which zone, from the settings."""
    settings = get_settings()
    closes: Any = getattr(settings, "working_day_ends", None) or time(18, 0)
    if isinstance(closes, str):
        closes = time.fromisoformat(closes)
    return WorkingHours(closes_at=closes, tz=settings.display_timezone)


def _check_years(first_year: int, last_year: int) -> None:
    if not FIRST_YEAR <= first_year <= last_year <= LAST_YEAR:
        raise ValidationFailed(
            f"the business calendar covers {FIRST_YEAR}–{LAST_YEAR}; asked for {first_year}–{last_year}",
            code="calendar_years",
        )


def load(session: Session, first_year: int, last_year: int) -> BusinessCalendar:
    """The calendar for whole years: package holidays and transfers, then the overrides on top."""
    _check_years(first_year, last_year)
    cache: dict[tuple[int, int], BusinessCalendar] = session.info.setdefault(_CACHE, {})
    key = (first_year, last_year)
    if key in cache:
        return cache[key]
    days_off: set[date] = set()
    working: set[date] = set()
    for year in range(first_year, last_year + 1):
        package = kz.year_days(year)
        days_off |= package.days_off
        working |= package.working_days
    rows = session.execute(
        select(CalendarOverride.day, CalendarOverride.kind).where(
            CalendarOverride.day >= date(first_year, 1, 1), CalendarOverride.day <= date(last_year, 12, 31)
        )
    ).all()
    for day, kind in rows:
        if kind == "day_off":
            days_off.add(day)
            working.discard(day)
        else:
            working.add(day)
            days_off.discard(day)
    calendar = BusinessCalendar(first_year, last_year, frozenset(days_off), frozenset(working))
    cache[key] = calendar
    return calendar


def _forget(session: Session) -> None:
    session.info.pop(_CACHE, None)


def _counting_from(session: Session, year: int, compute: Callable[[BusinessCalendar], T]) -> T:
    """Run ``compute`` on a calendar from ``year``, loading more years while it runs past the end."""
    for ahead in (1, 3, 10, 40):
        calendar = load(session, year, min(year + ahead, LAST_YEAR))
        try:
            return compute(calendar)
        except CalendarRangeError:
            if calendar.last_year == LAST_YEAR:
                raise
    return compute(load(session, year, LAST_YEAR))


def is_working_day(session: Session, day: date) -> bool:
    return load(session, day.year, day.year).is_working_day(day)


def next_working_day(session: Session, day: date) -> date:
    """The first working day strictly after ``day``."""
    return _counting_from(session, day.year, lambda cal: cal.next_working_day(day))


def add_working_days(session: Session, day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself is not counted)."""
    return _counting_from(session, day.year, lambda cal: cal.add_working_days(day, count))


def count_working_days(session: Session, first: date, last: date) -> int:
    """Working days from ``first`` to ``last``, both included."""
    if last < first:
        return 0
    return load(session, first.year, last.year).count_working_days(first, last)


def receipt_day(session: Session, moment: datetime, hours: WorkingHours | None = None) -> date:
    """The day a receipt counts from: after working hours or on a day off, the next working day."""
    hours = hours or working_hours()
    year = hours.local(moment).year
    return _counting_from(session, year, lambda cal: core_receipt_day(cal, moment, hours))


def deadline(
    session: Session,
    *,
    received_at: datetime,
    days: int,
    unit: Unit = "working",
    pauses: Iterable[Pause] = (),
    hours: WorkingHours | None = None,
    roll_forward: bool = True,
) -> Deadline:
    """The end of the ``days``-th working (or calendar) day after receipt, extended by pauses."""
    hours = hours or working_hours()
    stops = list(pauses)
    year = hours.local(received_at).year
    return _counting_from(
        session,
        year,
        lambda cal: count_deadline(
            cal,
            received_at=received_at,
            days=days,
            unit=unit,
            pauses=stops,
            hours=hours,
            roll_forward=roll_forward,
        ),
    )


# --- what a day is, and why -------------------------------------------------------------------


@dataclass(frozen=True)
class DayInfo:
    """Why a day is or is not a working day. ``reason`` is a code the pages translate."""

    day: date
    working: bool
    # weekday | weekend | public_holiday | moved_day_off | transfer_working_day
    # | override_day_off | override_working_day
    reason: str
    name: str | None = None  # the holiday, in the language asked for
    note: str | None = None  # the override's note
    reference: str | None = None  # the override's legal act


def explain(session: Session, day: date, language: str = "kk") -> DayInfo:
    working = is_working_day(session, day)
    override = session.get(CalendarOverride, day)
    if override is not None:
        reason = "override_day_off" if override.kind == "day_off" else "override_working_day"
        return DayInfo(day, working, reason, None, override.note, override.reference)
    package = kz.year_days(day.year)
    if day in package.working_days:
        return DayInfo(day, working, "transfer_working_day")
    if day in package.days_off:
        english = package.names[day]
        moved = "(observed" in english or "substituted" in english
        reason = "moved_day_off" if moved else "public_holiday"
        return DayInfo(day, working, reason, kz.holiday_name(english, language))
    return DayInfo(day, working, "weekday" if working else "weekend")


# --- the override table -----------------------------------------------------------------------


@dataclass(frozen=True)
class OverrideSpec:
    day: date
    kind: str
    note: str
    reference: str


def validated_override(day: Any, kind: Any, note: Any, reference: Any, where: str = "") -> OverrideSpec:
    prefix = f"{where}: " if where else ""
    if not isinstance(day, date) or isinstance(day, datetime):
        raise ValidationFailed(
            f"{prefix}date must be a calendar date (YYYY-MM-DD), got {day!r}", code="bad_day"
        )
    _check_years(day.year, day.year)
    if kind not in OVERRIDE_KINDS:
        raise ValidationFailed(
            f"{prefix}kind must be one of {', '.join(OVERRIDE_KINDS)}, got {kind!r}", code="bad_kind"
        )
    if not isinstance(note, str) or not note.strip():
        raise ValidationFailed(f"{prefix}a note saying what changed is required", code="note_required")
    if not isinstance(reference, str) or not reference.strip():
        raise ValidationFailed(f"{prefix}the legal act (reference) is required", code="reference_required")
    if len(reference) > 500:
        raise ValidationFailed(
            f"{prefix}the reference is longer than 500 characters", code="reference_too_long"
        )
    return OverrideSpec(day, kind, note.strip(), reference.strip())


def _snapshot(row: CalendarOverride | None) -> dict[str, str] | None:
    if row is None:
        return None
    return {"kind": row.kind, "note": row.note, "reference": row.reference}


def list_overrides(session: Session, year: int | None = None) -> list[CalendarOverride]:
    query = select(CalendarOverride).order_by(CalendarOverride.day)
    if year is not None:
        query = query.where(
            CalendarOverride.day >= date(year, 1, 1), CalendarOverride.day <= date(year, 12, 31)
        )
    return list(session.scalars(query))


def set_override(
    session: Session,
    *,
    actor: Actor,
    day: date,
    kind: str,
    note: str,
    reference: str,
    reason: str | None = None,
) -> CalendarOverride:
    """Add or change the override of one day (audited)."""
    spec = validated_override(day, kind, note, reference)
    row = session.get(CalendarOverride, spec.day)
    before = _snapshot(row)
    if row is None:
        row = CalendarOverride(day=spec.day, kind=spec.kind, note=spec.note, reference=spec.reference)
        session.add(row)
    else:
        row.kind, row.note, row.reference = spec.kind, spec.note, spec.reference
    session.flush()
    record(
        session,
        actor=actor,
        action="calendar.override_set",
        object_type="calendar_day",
        object_id=spec.day.isoformat(),
        before=before,
        after=_snapshot(row),
        reason=reason,
    )
    _forget(session)
    return row


def remove_override(session: Session, *, actor: Actor, day: date, reason: str | None = None) -> None:
    """Remove the override of one day: the package's answer applies again (audited)."""
    row = session.get(CalendarOverride, day)
    if row is None:
        raise NotFound(f"no calendar override for {day.isoformat()}", code="override_not_found")
    before = _snapshot(row)
    session.delete(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="calendar.override_removed",
        object_type="calendar_day",
        object_id=day.isoformat(),
        before=before,
        reason=reason,
    )
    _forget(session)
