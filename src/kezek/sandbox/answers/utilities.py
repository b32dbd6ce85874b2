"""Utility bills and tariffs: deterministic synthetic bills per dwelling and month.

The dwelling is the one of the person's permanent registration at the end of the period. Its
residents are everyone registered there; its area is that of a dwelling a resident owns in the same
settlement, or a deterministic figure. Tariffs vary by region (the first two KATO digits), quantities
by dwelling and month, so the same family always gets the same bills. Amounts are integer tiyn.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Connection, or_, select, tuple_

from kezek.models import AddressRegistration, PropertyRecord
from kezek.sandbox.answers.common import PersonRow, Query, by_person, chunks, default_period, months, unit

# (service, unit, lowest and highest tariff in tenge per unit)
TARIFF_RANGES: tuple[tuple[str, str, int, int], ...] = (
    ("heat", "Gcal", 5000, 9000),
    ("gas", "m3", 25, 45),
    ("cold_water", "m3", 90, 200),
    ("hot_water", "m3", 300, 500),
    ("electricity", "kWh", 20, 32),
    ("condominium", "m2", 30, 60),
)
HEATING_MONTHS = {10, 11, 12, 1, 2, 3, 4}
THOUSANDTH = Decimal("0.001")


def tariffs(kato: str) -> list[dict[str, Any]]:
    region = kato[:2]
    out = []
    for service, unit_name, low, high in TARIFF_RANGES:
        tenge = low + round(unit("tariff", region, service) * (high - low))
        out.append({"service": service, "unit": unit_name, "tiyn_per_unit": tenge * 100})
    return out


def _quantity(value: float) -> Decimal:
    return Decimal(str(value)).quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def _bill(kato: str, address: str, area_dm2: int, residents: int, month: date) -> dict[str, Any]:
    area_m2 = Decimal(area_dm2) / 100
    people = max(residents, 1)
    has_gas = unit("gas", kato, address) < 0.7

    def vary(service: str) -> float:
        return 0.9 + 0.2 * unit("usage", kato, address, month.isoformat(), service)

    wanted: dict[str, Decimal] = {
        "cold_water": _quantity(3.6 * people * vary("cold_water")),
        "hot_water": _quantity(1.7 * people * vary("hot_water")),
        "electricity": _quantity((40 + 55 * people) * vary("electricity")),
        "condominium": area_m2.quantize(THOUSANDTH),
    }
    if month.month in HEATING_MONTHS:
        wanted["heat"] = _quantity(float(area_m2) * 0.022 * vary("heat"))
    if has_gas:
        wanted["gas"] = _quantity(11 * people * vary("gas"))
    items = []
    for tariff in tariffs(kato):
        quantity = wanted.get(tariff["service"])
        if quantity is None:
            continue
        amount = int((quantity * tariff["tiyn_per_unit"]).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        items.append(
            {
                "service": tariff["service"],
                "unit": tariff["unit"],
                "quantity": str(quantity),
                "tiyn_per_unit": tariff["tiyn_per_unit"],
                "amount_tiyn": amount,
            }
        )
    return {"month": month.isoformat(), "items": items, "total_tiyn": sum(i["amount_tiyn"] for i in items)}


def utilities(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    start, end = default_period(query)
    owner = by_person(people)
    reg = AddressRegistration.__table__.c
    open_at_end = (reg.registered_from <= end, or_(reg.registered_to.is_(None), reg.registered_to >= end))
    home: dict[str, tuple[str, str, date]] = {}
    for part in chunks(list(owner)):
        rows = conn.execute(
            select(reg.person_id, reg.kato, reg.address, reg.registered_from)
            .where(reg.person_id.in_(part), *open_at_end)
            .order_by(reg.person_id, reg.registered_from, reg.id)
        )
        for row in rows:
            home[owner[row.person_id]] = (row.kato, row.address, row.registered_from)
    residents: dict[tuple[str, str], set[int]] = defaultdict(set)
    places = sorted({(kato, address) for kato, address, _ in home.values()})
    for place_part in chunks(places, 500):
        rows = conn.execute(
            select(reg.kato, reg.address, reg.person_id).where(
                tuple_(reg.kato, reg.address).in_(list(place_part)), *open_at_end
            )
        )
        for row in rows:
            residents[(row.kato, row.address)].add(row.person_id)
    prop = PropertyRecord.__table__.c
    owned_area: dict[tuple[str, int], int] = {}
    resident_ids = sorted({pid for ids in residents.values() for pid in ids})
    for id_part in chunks(resident_ids):
        rows = conn.execute(
            select(prop.person_id, prop.kato, prop.area_dm2)
            .where(
                prop.person_id.in_(id_part),
                prop.acquired_on <= end,
                or_(prop.alienated_on.is_(None), prop.alienated_on > end),
            )
            .order_by(prop.id)
        )
        for row in rows:
            owned_area.setdefault((row.kato, row.person_id), row.area_dm2)
    out: dict[str, dict[str, Any]] = {}
    for iin in people:
        if iin not in home:
            out[iin] = {"dwelling": None, "tariffs": [], "bills": []}
            continue
        kato, address, registered_from = home[iin]
        living = residents[(kato, address)]
        area = next(
            (owned_area[(kato, pid)] for pid in sorted(living) if (kato, pid) in owned_area),
            3500 + round(unit("area", kato, address) * 6000),
        )
        bills = [_bill(kato, address, area, len(living), m) for m in months(max(start, registered_from), end)]
        out[iin] = {
            "dwelling": {"kato": kato, "address": address, "area_dm2": area, "residents": len(living)},
            "tariffs": tariffs(kato),
            "bills": bills,
        }
    return out
