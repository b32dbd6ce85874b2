"""Reading case data written by people (scenario YAML, `kezek rules explain CASE.json`).

Amounts are in tenge (decimals allowed, converted exactly to tiyn), areas in m² (to dm²), quantities
in their units (to thousandths). Every problem raises CaseDataError naming the field.

    {"as_of": "2026-11-02", "kato": "351010000",
     "family": {"members": [{"relation": "head", "born": "1990-01-01", "citizenship": "citizen",
        "registered": [{"kato": "351010000", "from": "2010-01-01"}],
        "owns": [{"kato": "351010000", "kind": "flat", "area": 45, "acquired": "2015-01-01",
                  "alienated": "2022-03-01", "alienation": "sale"}],
        "statuses": [{"kind": "large_family", "since": "2020-01-01"}],
        "income": [{"source": "salary", "monthly": 150000, "from": "2025-01-01"}]}]}}
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kezek.rules.errors import CaseDataError
from kezek.rules.inputs import (
    AssistanceClaim,
    CostLine,
    Family,
    HousingEvent,
    IncomeSpell,
    Person,
    Property,
    Registration,
    Status,
)
from kezek.rules.money import tenge_to_tiyn, to_milli


def as_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CaseDataError(field, f"{value!r} is not a date (YYYY-MM-DD)") from None


def opt_date(value: Any, field: str) -> date | None:
    return None if value is None else as_date(value, field)


def tiyn(value: Any, field: str) -> int:
    try:
        return tenge_to_tiyn(Decimal(str(value)))
    except (ValueError, InvalidOperation):
        raise CaseDataError(field, f"{value!r} is not an amount in tenge (at most 2 decimals)") from None


def dm2(value: Any, field: str) -> int:
    try:
        d = Decimal(str(value)) * 100
    except InvalidOperation:
        raise CaseDataError(field, f"{value!r} is not an area in m²") from None
    if d != d.to_integral_value() or d < 0:
        raise CaseDataError(field, f"{value!r} is not an area in m² (at most 2 decimals)")
    return int(d)


def milli(value: Any, field: str) -> int:
    try:
        return to_milli(Decimal(str(value)))
    except (ValueError, InvalidOperation):
        raise CaseDataError(field, f"{value!r} is not a quantity (at most 3 decimals)") from None


def kato_code(value: Any, field: str) -> str:
    code = str(value)
    if len(code) != 9 or not code.isdigit():
        raise CaseDataError(field, f"{value!r} is not a 9-digit KATO code")
    return code


def _mapping(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CaseDataError(field, "must be a mapping")
    return value


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseDataError(field, "must be a list")
    return value


def person(data: Any, field: str, index: int) -> Person:
    d = _mapping(data, field)
    known = {"id", "relation", "born", "citizenship", "died", "registered", "owns", "statuses", "income"}
    unknown = set(d) - known
    if unknown:
        raise CaseDataError(field, f"unknown keys {sorted(unknown)} (known: {sorted(known)})")
    if "born" not in d:
        raise CaseDataError(f"{field}.born", "is required")
    return Person(
        id=str(d.get("id", f"p{index}")),
        birth_date=as_date(d["born"], f"{field}.born"),
        relation=str(d.get("relation", "head" if index == 0 else "other")),
        citizenship=str(d.get("citizenship", "citizen")),
        death_date=opt_date(d.get("died"), f"{field}.died"),
        registrations=tuple(
            Registration(
                kato=kato_code(r.get("kato"), f"{field}.registered[{i}].kato"),
                registered_from=as_date(r.get("from"), f"{field}.registered[{i}].from"),
                registered_to=opt_date(r.get("to"), f"{field}.registered[{i}].to"),
            )
            for i, r in enumerate(_list(d.get("registered"), f"{field}.registered"))
        ),
        properties=tuple(
            Property(
                kato=kato_code(o.get("kato"), f"{field}.owns[{i}].kato"),
                kind=str(o.get("kind", "flat")),
                area_dm2=dm2(o.get("area", 0), f"{field}.owns[{i}].area"),
                acquired_on=as_date(o.get("acquired"), f"{field}.owns[{i}].acquired"),
                acquisition=str(o.get("acquisition", "purchase")),
                alienated_on=opt_date(o.get("alienated"), f"{field}.owns[{i}].alienated"),
                alienation=o.get("alienation"),
                emergency_since=opt_date(o.get("emergency_since"), f"{field}.owns[{i}].emergency_since"),
            )
            for i, o in enumerate(_list(d.get("owns"), f"{field}.owns"))
        ),
        statuses=tuple(
            Status(
                kind=str(s.get("kind")),
                since=as_date(s.get("since", "1900-01-01"), f"{field}.statuses[{i}].since"),
                until=opt_date(s.get("until"), f"{field}.statuses[{i}].until"),
                detail=None if s.get("detail") is None else str(s.get("detail")),
            )
            for i, s in enumerate(_list(d.get("statuses"), f"{field}.statuses"))
        ),
        incomes=tuple(
            IncomeSpell(
                source=str(s.get("source", "salary")),
                monthly_tiyn=tiyn(s.get("monthly"), f"{field}.income[{i}].monthly"),
                from_month=as_date(s.get("from"), f"{field}.income[{i}].from"),
                to_month=opt_date(s.get("to"), f"{field}.income[{i}].to"),
            )
            for i, s in enumerate(_list(d.get("income"), f"{field}.income"))
        ),
    )


def family(data: Any, kato: str, field: str = "family") -> Family:
    d = _mapping(data, field)
    members = [
        person(m, f"{field}.members[{i}]", i)
        for i, m in enumerate(_list(d.get("members"), f"{field}.members"))
    ]
    for i, born in enumerate(_list(d.get("children"), f"{field}.children")):
        members.append(
            Person(id=f"c{i}", birth_date=as_date(born, f"{field}.children[{i}]"), relation="child")
        )
    if not members:
        raise CaseDataError(f"{field}.members", "a family needs at least one member")
    return Family(
        members=tuple(members),
        kato=kato_code(d.get("kato", kato), f"{field}.kato"),
        events=tuple(
            HousingEvent(kind=str(e.get("kind")), on=as_date(e.get("date"), f"{field}.events[{i}].date"))
            for i, e in enumerate(_list(d.get("events"), f"{field}.events"))
        ),
        need_grounds=frozenset(str(g) for g in _list(d.get("need_grounds"), f"{field}.need_grounds")),
    )


def cost_lines(data: Any, field: str) -> tuple[CostLine, ...]:
    out = []
    for i, line in enumerate(_list(data, field)):
        m = _mapping(line, f"{field}[{i}]")
        out.append(
            CostLine(
                service=str(m.get("service")),
                actual_tiyn=tiyn(m.get("actual", 0), f"{field}[{i}].actual"),
                quantity_milli=milli(m.get("quantity", 0), f"{field}[{i}].quantity"),
                tariff_tiyn=tiyn(m.get("tariff", 0), f"{field}[{i}].tariff"),
            )
        )
    return tuple(out)


def claim(data: Any, kato: str, field: str = "claim") -> AssistanceClaim:
    d = _mapping(data, field)
    return AssistanceClaim(
        family=family(d.get("family"), kato, f"{field}.family"),
        dwelling_area_dm2=dm2(d.get("dwelling_area", 0), f"{field}.dwelling_area"),
        tenure=str(d.get("tenure", "owned")),
        period_months=int(d.get("period_months", 1)),
        lines=cost_lines(d.get("lines"), f"{field}.lines"),
        solid_fuel_season_used_milli=milli(
            d.get("solid_fuel_season_used", 0), f"{field}.solid_fuel_season_used"
        ),
    )
