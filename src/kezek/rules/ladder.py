"""The affordability ladder of the national regime (domain.md §5.1, /work cases ladder.yaml).

Income per family member in PM decides the form of support: rental housing or a rent subsidy up to
1 PM, a 2 % loan up to 3.1 PM, 5 % programmes up to 3.7 PM, none above. Bounds are inclusive and
exact: the average is never computed for the decision, the comparison is
``income x 10,000 <= bound(bp) x PM x members x months``.
"""

from __future__ import annotations

import numpy as np

from kezek.rules.engine import Array, Calc, formula
from kezek.rules.money import div_round
from kezek.rules.registration import NATIONAL_SINCE

TIERS = ("none", "rental", "loan_2_percent", "loan_5_percent")


@formula("ladder_income_per_member", since=NATIONAL_SINCE, kind="money", reference="ref.ladder")
def ladder_income_per_member(c: Calc) -> Array:
    """For display only (rounded to the tiyn); the tier compares exact integers."""
    members = np.maximum(c.var("family_size"), 1)
    return div_round(c.var("income_ladder_counted"), members * c.param("ladder.income_months"))


@formula("ladder_tier", since=NATIONAL_SINCE, kind="code", codes=TIERS, reference="ref.ladder")
def ladder_tier(c: Calc) -> Array:
    income = c.var("income_ladder_counted") * 10_000
    base = c.param("subsistence_minimum.pm") * c.var("family_size") * c.param("ladder.income_months")
    bounds = [
        c.param("ladder.rental_max_pm"),
        c.param("ladder.loan_2_max_pm"),
        c.param("ladder.loan_5_max_pm"),
    ]
    conditions = [income <= b * base for b in bounds]
    return np.select(conditions, [1, 2, 3], default=0).astype(np.int64)
