"""The dated clocks of the service (``steps.yaml``): the overall term and each step's deadline.

A date outside every dated value is an error naming the parameter and the date, never a silent default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kezek.errors import KezekError
from kezek.rules.errors import MissingParameterError
from kezek.rules.params import default_store

FILE = Path(__file__).with_name("steps.yaml")


class MissingClock(KezekError):
    status = 500
    code = "missing_deadline_parameter"
    title = "No deadline parameter for this date"


@dataclass(frozen=True)
class ClockRule:
    name: str
    days: int
    unit: str  # working | calendar
    reference: str


def _as_date(raw: Any) -> date:
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))


def _covers(item: dict[str, Any], on: date) -> bool:
    start = _as_date(item["start"])
    end = _as_date(item["end"]) if item.get("end") else None
    return start <= on and (end is None or on <= end)


@lru_cache
def _load() -> dict[str, Any]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    for section in ("steps", "appeal"):
        for item in data[section]:
            _as_date(item["start"])
    return data  # type: ignore[no-any-return]


def term_rule(on: date, *, emergency: bool) -> ClockRule:
    """The overall term of the service on the day of receipt, from the rules' dated parameters:
    30 calendar days (2013 regulations), 15 working days (Order No. 168), 1 working day or 3 for
    an emergency dwelling (Order No. 130)."""
    store = default_store()
    candidates = ["deadlines.queue_calendar_days", "deadlines.queue_working_days"]
    if emergency:
        candidates.insert(0, "deadlines.queue_emergency_working_days")
    for name in candidates:
        try:
            value = store.get(name, on, asked_by="applications.term_rule")
        except MissingParameterError:
            continue
        unit = "calendar" if value.unit == "days" else "working"
        return ClockRule(f"{name}@{value.start.isoformat()}", int(value.value), unit, value.reference)
    raise MissingClock(f"no service term (deadlines.queue_*) is in force on {on.isoformat()}")


def step_rule(on: date, step: str) -> ClockRule:
    for item in _load()["steps"]:
        if _covers(item, on):
            if step not in item:
                raise MissingClock(f"steps.yaml: no clock for step {step!r} on {on.isoformat()}")
            spec = item[step]
            return ClockRule(
                f"step_{step}_{item['start']}", int(spec["days"]), spec["unit"], item["reference"]
            )
    raise MissingClock(f"steps.yaml: no step clocks are in force on {on.isoformat()}")


@dataclass(frozen=True)
class AppealRule:
    months: int
    reference: str


def appeal_rule(on: date) -> AppealRule:
    for item in _load()["appeal"]:
        if _covers(item, on):
            return AppealRule(int(item["months"]), item["reference"])
    raise MissingClock(f"steps.yaml: no appeal period is in force on {on.isoformat()}")
