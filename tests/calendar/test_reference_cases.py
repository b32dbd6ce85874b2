"""The shared reference cases (../shared/cases/working_days.yaml, copied into data/ with their notes).

Each case runs on the pure core with the package's calendar alone, and through the service on both
engines, with and without the shipped transfers loaded (they must not change any answer).
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy.orm import Session

from kezek.calendar import core, kz, service, shipped

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "working_days.yaml").read_text(encoding="utf-8")
)
IDS = [f"{case['received']}+{case['working_days']}" for case in CASES]


def _received_at(day: date) -> datetime:
    """Within working hours, as the cases say."""
    return datetime.combine(day, time(10, 30), tzinfo=ZoneInfo("Asia/Almaty"))


def _package_calendar(first: int, last: int) -> core.BusinessCalendar:
    off: set[date] = set()
    on: set[date] = set()
    for year in range(first, last + 1):
        off |= kz.year_days(year).days_off
        on |= kz.year_days(year).working_days
    return core.BusinessCalendar(first, last, frozenset(off), frozenset(on))


def test_the_cases_are_there() -> None:
    assert len(CASES) == 5
    assert all(case["note"] for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_on_the_pure_core(case: dict[str, Any]) -> None:
    calendar = _package_calendar(case["received"].year, case["received"].year + 1)
    result = core.deadline(calendar, received_at=_received_at(case["received"]), days=case["working_days"])
    assert result.due_on == case["expect"], case["note"]
    assert calendar.add_working_days(case["received"], case["working_days"]) == case["expect"], case["note"]


@pytest.mark.parametrize("with_transfers", [False, True], ids=["package", "package+transfers"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_through_the_service(db: Session, case: dict[str, Any], with_transfers: bool) -> None:
    if with_transfers:
        shipped.load_shipped(db)
    result = service.deadline(db, received_at=_received_at(case["received"]), days=case["working_days"])
    assert result.due_on == case["expect"], case["note"]
    assert result.counted_from == case["received"]
    assert result.due_at == datetime.combine(case["expect"], time(18), tzinfo=ZoneInfo("Asia/Almaty"))
