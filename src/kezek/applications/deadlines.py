"""Service deadlines and step clocks: the regime in force as dated parameters, counted on the
business calendar (``kezek.calendar``: Kazakhstan's holidays, the Government's transfers and the
administrator's overrides).

The overall deadline of the service (domain §9.1), from the rules' dated parameters:
* 2013 regulations (e.g. Aktogay, item 9): 30 calendar days from the submission of the documents;
* MIC Order No. 168 of 27.12.2023 (12.02.2024 – 23.05.2025): 15 working days;
* MIC Order No. 130 of 17.04.2025 (from 24.05.2025): 1 working day, 3 if the only dwelling is emergency.
Receipt after working hours or on a day off counts from the next working day; while the applicant
is asked for something the clock stands still (domain §9.3).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from kezek import clock
from kezek.applications.parameters import step_rule, term_rule
from kezek.calendar import Pause
from kezek.calendar import service as calendar


@dataclass(frozen=True)
class Deadline:
    rule: str
    days: int
    unit: str  # working | calendar
    reference: str
    counted_from: date
    due_on: date


def local_day(moment: datetime) -> date:
    return clock.to_local(moment).date()


def service_deadline(
    session: Session, *, received_at: datetime, regime_on: date, emergency: bool
) -> Deadline:
    """The deadline of the regime in force on the day of receipt."""
    rule = term_rule(regime_on, emergency=emergency)
    counted = calendar.deadline(session, received_at=received_at, days=rule.days, unit=rule.unit)  # type: ignore[arg-type]
    assert counted.due_on is not None
    return Deadline(rule.name, rule.days, rule.unit, rule.reference, counted.counted_from, counted.due_on)


def with_pauses(
    session: Session,
    *,
    received_at: datetime,
    days: int,
    unit: str,
    pauses: Iterable[tuple[datetime, datetime | None]],
) -> tuple[date | None, int]:
    """The deadline with the pauses taken off the clock, and how many days they took
    (``None`` while a pause is still open: the clock stands still)."""
    counted = calendar.deadline(
        session,
        received_at=received_at,
        days=days,
        unit=unit,  # type: ignore[arg-type]
        pauses=[Pause(start, end) for start, end in pauses],
    )
    return counted.due_on, counted.days_lost


def step_due(
    session: Session, *, step: str, regime_on: date, started_at: datetime, case_due: date
) -> tuple[date, str]:
    """When a regulation step must be done: its own clock, never later than the case's deadline."""
    rule = step_rule(regime_on, step)
    if rule.days == 0:
        due = calendar.receipt_day(session, started_at)
    else:
        counted = calendar.deadline(session, received_at=started_at, days=rule.days, unit=rule.unit)  # type: ignore[arg-type]
        assert counted.due_on is not None
        due = counted.due_on
    return min(due, case_due), rule.name


def add_working_days(session: Session, day: date, count: int) -> date:
    return calendar.add_working_days(session, day, count)


def due_soon_limit(session: Session, today: date) -> date:
    """A case is "about to be overdue" when it is due by the next working day."""
    return calendar.add_working_days(session, today, 1)
