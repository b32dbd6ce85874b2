"""Reason codes of refusals, in the canonical order a motivated decision lists them.

A calculation holds them as a bitmask column ("reasons" kind); the single case decodes it to codes.
The texts and legal references in kk/ru/en are in messages.yaml (keys reason.<code> and
ref.<regime>.<code>).
"""

from __future__ import annotations

import numpy as np

from kezek.rules.engine import Array

REASONS: tuple[str, ...] = (
    "not_citizen_or_kandas",
    "age_under_18",
    "not_registered_in_settlement",  # akimat regime: permanent residence in the settlement
    "registration_under_3_years",  # national regime: Astana, Almaty, Shymkent
    "owned_housing_within_5_years",  # national regime
    "emergency_dwelling_elsewhere",  # national regime
    "owns_housing",  # akimat regime: not in need
    "deliberate_worsening",
    "received_state_housing",
    "preferential_purchase",  # national regime
    "no_category",  # akimat regime: none of the groups of Art. 67
    "income_above_limit",  # akimat regime: Art. 68 groups, 3.1 PM
    "private_rent",  # housing assistance
    "more_than_one_dwelling",  # housing assistance
    "nothing_due",  # housing assistance: the amount is zero
)
BIT: dict[str, int] = {code: 1 << i for i, code in enumerate(REASONS)}


def flag(code: str, condition: Array) -> Array:
    return np.where(np.asarray(condition, dtype=bool), np.int64(BIT[code]), np.int64(0))


def decode(mask: int) -> list[str]:
    return [code for code in REASONS if int(mask) & BIT[code]]
