"""Aggregate family income (domain.md §6): which sources count, per purpose, per member.

The base columns hold the family's income by source over each purpose's period (12 months before
the application for the akimat income test, the ladder's months, the quarter before the claim for
housing assistance); these formulas drop the excluded sources named in the dated parameters.
Averages are never rounded: tests compare cross-multiplied integers.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from kezek.rules.engine import Array, Calc, formula
from kezek.rules.inputs import INCOME_SOURCES

SINCE = date(2012, 6, 26)


def _counted(c: Calc, column: str, excluded_param: str) -> Array:
    by_source = c.var(column)
    excluded = set(c.param(excluded_param))
    mask = np.array([s not in excluded for s in INCOME_SOURCES], dtype=bool)
    return by_source[:, mask].sum(axis=1)


@formula("income_queue_counted", since=SINCE, kind="money", reference="ref.income.queue")
def income_queue_counted(c: Calc) -> Array:
    """Family income of the akimat income test's period, excluded sources dropped."""
    return _counted(c, "income_queue", "family_income.excluded_queue")


@formula("income_ladder_counted", since=SINCE, kind="money", reference="ref.income.queue")
def income_ladder_counted(c: Calc) -> Array:
    """Family income of the ladder's period, excluded sources dropped."""
    return _counted(c, "income_ladder", "family_income.excluded_queue")


@formula(
    "income_assistance_counted", since=date(2011, 12, 5), kind="money", reference="ref.income.assistance"
)
def income_assistance_counted(c: Calc) -> Array:
    """Family income of the previous quarter for housing assistance, excluded sources dropped."""
    return _counted(c, "income_assistance", "family_income.excluded_assistance")
