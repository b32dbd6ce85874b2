"""Housing assistance (domain.md §7): costs of the only dwelling within norms minus the share of
family income set by the maslikhat, never negative.

    amount = max(0, sum_k min(actual_k, allowed_k) - round(share x Y x months / 3))

Y is the family's income in the quarter before the quarter of the claim; costs and norms are for a
period of `months` (1 to 3) of the current quarter. Every cost line keeps its actual amount, its
allowed amount under the norm, the amount within the norm and the rule applied (service name). Each
allowed amount is rounded once to the tiyn (money.div_round); see money.py for the policy.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from kezek.rules.engine import Array, Calc, formula, input_variable
from kezek.rules.inputs import SERVICES, TENURES
from kezek.rules.money import div_round
from kezek.rules.reasons import flag

SINCE = date(2009, 12, 30)  # Government Decree No. 2314 of 30.12.2009, then MIC Order No. 117

for _name, _kind in (
    ("dwelling_area", "area"),
    ("tenure", "code"),
    ("period_months", "count"),
    ("line_actual", "money_lines"),
    ("line_quantity", "money_lines"),
    ("line_tariff", "money_lines"),
    ("line_present", "money_lines"),
    ("solid_fuel_season_used", "quantity"),
):
    input_variable(_name, _kind, codes=TENURES if _name == "tenure" else ())

AS_BILLED = frozenset({"rent", "sewerage", "waste", "assessed"})


@formula("ha_norm_area", since=SINCE, kind="area", reference="ref.assistance.area")
def ha_norm_area(c: Calc) -> Array:
    """18 m2 per person, 30 m2 for a person living alone (dm2)."""
    size = c.var("family_size")
    single = size == 1
    return np.where(
        single,
        c.param("housing_assistance.area_single", rows=single),
        c.param("housing_assistance.area_per_person", rows=~single) * size,
    ).astype(np.int64)


@formula("ha_capped_area", since=SINCE, kind="area", reference="ref.assistance.area")
def ha_capped_area(c: Calc) -> Array:
    return np.minimum(c.var("dwelling_area"), c.var("ha_norm_area"))


def _per_quantity(
    norm_milli: Array | int, basis: Array, tariff: Array, months: Array, basis_scale: int
) -> Array:
    """Allowed amount for a quantity norm: norm x basis x months x tariff, in tiyn.

    norm in thousandths of the unit, basis in persons (scale 1) or dm2 (scale 100)."""
    return div_round(np.asarray(norm_milli, dtype=np.int64) * basis * months * tariff, 1_000 * basis_scale)


@formula("ha_line_allowed", since=SINCE, kind="money_lines", reference="ref.assistance.norms")
def ha_line_allowed(c: Calc) -> Array:
    """Per service, the most the norm allows for the period (as billed where there is no norm)."""
    present = c.var("line_present").astype(bool)
    actual = c.var("line_actual")
    tariff = c.var("line_tariff")
    months = c.var("period_months")
    area = c.var("ha_capped_area")
    size = c.var("family_size")
    allowed = np.zeros_like(actual)
    p = "housing_assistance."
    for j, service in enumerate(SERVICES):
        rows = present[:, j]
        if not np.any(rows):
            continue
        t = tariff[:, j]
        if service in AS_BILLED:
            col = actual[:, j]
        elif service == "condominium":
            col = div_round(c.param(p + "condominium_per_m2", rows=rows) * area * months, 100)
        elif service == "heat_area":
            col = div_round(t * area * months, 100)
        elif service == "heat_metered":
            col = _per_quantity(c.param(p + "heat_gcal_per_m2", rows=rows), area, t, months, 100)
        elif service == "gas_heating":
            col = _per_quantity(c.param(p + "gas_heating_per_m2", rows=rows), area, t, months, 100)
        elif service in {"gas", "cold_water", "hot_water"}:
            col = _per_quantity(c.param(f"{p}{service}_per_person", rows=rows), size, t, months, 1)
        elif service == "electricity":
            per_family = np.asarray(c.param(p + "electricity_per_family", rows=rows), dtype=bool)
            basis = np.where(per_family, 1, size)
            col = _per_quantity(c.param(p + "electricity_norm", rows=rows), basis, t, months, 1)
        elif service == "solid_fuel":
            norm = np.asarray(c.param(p + "solid_fuel_per_m2", rows=rows), dtype=np.int64)
            cap = np.asarray(c.param(p + "solid_fuel_season_cap", rows=rows), dtype=np.int64)
            by_area = norm * area * months  # thousandths of a kg, x100 (area in dm2)
            left = np.maximum(cap - c.var("solid_fuel_season_used"), 0) * 100
            col = div_round(np.minimum(by_area, left) * t, 100_000)
        elif service == "lift":
            col = c.param(p + "lift_per_dwelling", rows=rows) * months
        elif service == "phone":
            col = c.param(p + "phone_per_subscriber", rows=rows) * months
        else:  # pragma: no cover - SERVICES and this table are kept together
            raise AssertionError(service)
        allowed[:, j] = np.where(rows, col, 0)
    return allowed


@formula("ha_line_within", since=SINCE, kind="money_lines", reference="ref.assistance.norms")
def ha_line_within(c: Calc) -> Array:
    return np.minimum(c.var("line_actual"), c.var("ha_line_allowed")) * c.var("line_present").astype(bool)


@formula("ha_costs_within", since=SINCE, kind="money", reference="ref.assistance.formula")
def ha_costs_within(c: Calc) -> Array:
    return c.var("ha_line_within").sum(axis=1)


@formula("ha_share", since=SINCE, kind="ratio", reference="ref.assistance.share")
def ha_share(c: Calc) -> Array:
    return np.broadcast_to(np.asarray(c.param("housing_assistance.share_of_income"), dtype=np.int64), (c.n,))


@formula("ha_income_share", since=SINCE, kind="money", reference="ref.assistance.share")
def ha_income_share(c: Calc) -> Array:
    """share x income of the previous quarter x months / 3, rounded once to the tiyn."""
    return div_round(c.var("ha_share") * c.var("income_assistance_counted") * c.var("period_months"), 30_000)


@formula("ha_amount", since=SINCE, kind="money", reference="ref.assistance.formula")
def ha_amount(c: Calc) -> Array:
    amount = np.maximum(c.var("ha_costs_within") - c.var("ha_income_share"), 0)
    return np.where(c.var("ha_refusals") & ~_NOTHING_DUE, 0, amount)


_NOTHING_DUE = np.int64(1 << 14)  # reasons.BIT["nothing_due"], checked in tests


@formula("ha_refusals", since=SINCE, kind="reasons", reference="ref.assistance.refusals")
def ha_refusals(c: Calc) -> Array:
    r = flag("private_rent", c.var("tenure") == TENURES.index("private_rent"))
    r |= flag("more_than_one_dwelling", c.var("owned_now") > 1)
    due = c.var("ha_costs_within") - c.var("ha_income_share")
    r |= flag("nothing_due", (r == 0) & (due <= 0))
    return r
