"""Service deadlines and step clocks: the regime in force as dated parameters, counted on the calendar.

The overall deadline of the service (domain §9.1):
* 2013 regulations (e.g. Aktogay, item 9): 30 calendar days from the submission of the documents;
* MIC Order No. 168 of 27.12.2023 (2024 – 23.05.2025): 15 working days;
* MIC Order No. 130 of 17.04.2025 (from 24.05.2025): 1 working day, 3 if the only dwelling is emergency.
Receipt after working hours or on a day off counts from the next working day (domain §9.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from kezek.applications import workdays
from kezek.applications.parameters import step_rule, term_rule


@dataclass(frozen=True)
class Deadline:
    rule: str
    days: int
    unit: str  # working | calendar
    reference: str
    counted_from: date
    due_on: date


def service_deadline(
    session: Session, *, received_at: datetime, regime_on: date, emergency: bool
) -> Deadline:
    """The deadline of the regime in force on the day of receipt."""
    rule = term_rule(regime_on, emergency=emergency)
    received_day = workdays.receipt_day(session, received_at)
    due = add(session, received_day, rule.days, rule.unit)
    return Deadline(rule.name, rule.days, rule.unit, rule.reference, received_day, due)


def add(session: Session, day: date, days: int, unit: str) -> date:
    """``day`` plus N working or calendar days; the day of receipt itself is not counted."""
    if unit == "calendar":
        return day + timedelta(days=days)
    return workdays.add_working_days(session, day, days)


def step_due(
    session: Session, *, step: str, regime_on: date, started_at: datetime, case_due: date
) -> tuple[date, str]:
    """When a regulation step must be done: its own clock, never later than the case's deadline."""
    rule = step_rule(regime_on, step)
    start_day = workdays.receipt_day(session, started_at)
    due = add(session, start_day, rule.days, rule.unit) if rule.days else start_day
    return min(due, case_due), rule.name


def days_between(session: Session, start: datetime, end: datetime, unit: str) -> int:
    """How many days (of the deadline's unit) a pause took from the provider: the days after the day
    of the request up to and including the day of the answer (IMPL: a same-day answer costs nothing)."""
    first = workdays.local_day(start) + timedelta(days=1)
    last = workdays.local_day(end)
    if last < first:
        return 0
    if unit == "calendar":
        return (last - first).days + 1
    return workdays.count_working_days(session, first, last)


def due_soon_limit(session: Session, today: date) -> date:
    """A case is "about to be overdue" when it is due by the next working day."""
    return workdays.add_working_days(session, today, 1)
