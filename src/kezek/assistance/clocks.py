"""The clocks of a housing-assistance claim, all from dated parameters.

* The decision deadline: ``deadlines.assistance_working_days`` of the rules (8 working days until
  01.12.2025, 6 from 02.12.2025), counted from the complete set: the moment the last adult member
  consented. While consents are awaited, or a document is asked for, the clock stands still.
* A refusal on false data: ``deadlines.assistance_false_data_refusal_working_days`` (5 working days
  of the claim).
* The regulation's steps: the Almaty regulation's actions (``deadlines.almaty_step_*``) where they
  are in force; elsewhere the IMPL steps of ``steps.yaml`` beside this module, within the deadline.
* The consent window (``steps.yaml``, IMPL): how long the other adults have to consent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from kezek.calendar import Pause
from kezek.calendar import service as calendar
from kezek.errors import KezekError
from kezek.rules.errors import MissingParameterError
from kezek.rules.params import default_store

FILE = Path(__file__).with_name("steps.yaml")
ALMATY_STEPS = (
    ("registration", "almaty_step_registration_minutes"),
    ("head", "almaty_step_head_minutes"),
    ("prepare", "almaty_step_prepare_days"),
    ("commission", "almaty_step_commission_days"),
    ("notice", "almaty_step_notice_days"),
    ("delivery", "almaty_step_delivery_minutes"),
)


class MissingClock(KezekError):
    status = 500
    code = "missing_deadline_parameter"
    title = "No deadline parameter for this date"


@dataclass(frozen=True)
class Rule:
    name: str
    days: int
    unit: str  # working | calendar | minutes
    reference: str


def _as_date(raw: Any) -> date:
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))


@lru_cache
def _load() -> dict[str, Any]:
    return yaml.safe_load(FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _dated(section: str, on: date) -> dict[str, Any]:
    for item in _load()[section]:
        start = _as_date(item["start"])
        end = _as_date(item["end"]) if item.get("end") else None
        if start <= on and (end is None or on <= end):
            return item  # type: ignore[no-any-return]
    raise MissingClock(f"assistance steps.yaml: no {section} in force on {on.isoformat()}")


def decision_rule(on: date, kato: str) -> Rule:
    name = "deadlines.assistance_working_days"
    try:
        pv = default_store().get(name, on, kato, asked_by="assistance.clocks")
    except MissingParameterError as exc:
        raise MissingClock(f"{name} is not in force on {on.isoformat()}") from exc
    return Rule(f"{name}@{pv.start.isoformat()}", int(pv.value), "working", pv.reference)


def false_data_rule(on: date, kato: str) -> Rule:
    name = "deadlines.assistance_false_data_refusal_working_days"
    try:
        pv = default_store().get(name, on, kato, asked_by="assistance.clocks")
    except MissingParameterError as exc:
        raise MissingClock(f"{name} is not in force on {on.isoformat()}") from exc
    return Rule(f"{name}@{pv.start.isoformat()}", int(pv.value), "working", pv.reference)


def consent_rule(on: date) -> Rule:
    item = _dated("consent", on)
    return Rule(f"consent_window@{item['start']}", int(item["days"]), item["unit"], item["reference"])


def due(
    session: Session, *, start: datetime, rule: Rule, pauses: Sequence[tuple[datetime, datetime]] = ()
) -> date:

    counted = calendar.deadline(
        session,
        received_at=start,
        days=rule.days,
        unit="calendar" if rule.unit == "calendar" else "working",
        pauses=[Pause(a, b) for a, b in pauses],
    )
    assert counted.due_on is not None
    return counted.due_on


@dataclass(frozen=True)
class StepClock:
    step: str
    amount: int
    unit: str  # minutes | days | working
    reference: str
    due_on: date


def step_plan(
    session: Session, *, start: datetime, on: date, kato: str, case_due: date | None
) -> list[StepClock]:
    """Each step's own deadline, one after the other from ``start``, never past the case's deadline."""
    store = default_store()
    almaty: list[tuple[str, int, str, str]] = []
    for step, name in ALMATY_STEPS:
        try:
            pv = store.get(f"deadlines.{name}", on, kato, asked_by="assistance.clocks")
        except MissingParameterError:
            almaty = []
            break
        almaty.append((step, int(pv.value), pv.unit, pv.reference))
    if almaty:
        plan = almaty
    else:
        item = _dated("steps", on)
        plan = [(s, int(item[s]["days"]), item[s]["unit"], item["reference"]) for s, _ in ALMATY_STEPS]
    out: list[StepClock] = []
    moment = start
    for step, amount, unit, reference in plan:
        if unit == "minutes":
            moment = moment + timedelta(minutes=amount)
            day = calendar.receipt_day(session, moment)
        elif amount == 0:
            day = calendar.receipt_day(session, moment)
        else:
            counted = calendar.deadline(
                session, received_at=moment, days=amount, unit="calendar" if unit == "days" else "working"
            )
            assert counted.due_on is not None
            day = counted.due_on
            moment = datetime.combine(day, moment.timetz())
        if case_due is not None:
            day = min(day, case_due)
        out.append(StepClock(step, amount, unit, reference, day))
    return out
