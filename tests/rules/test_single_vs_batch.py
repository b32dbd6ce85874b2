"""One source of truth: the single case (traced, one row) and the batch (many rows, no trace) run
the same formulas, so they must agree on every family of a large random population."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kezek.rules.decisions import (
    ASSISTANCE_OUTPUTS,
    assess_assistance,
    assess_assistance_batch,
    assess_registration,
    assess_registration_batch,
    registration_outputs,
)
from kezek.rules.reasons import decode

from .strategies import claims, families

# Few, large examples (a population per example); no shrinking of a failure across 200 families, which
# takes far longer than reading the unshrunk example the failure prints.
SETTINGS = settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _as_list(v: object) -> object:
    return [int(x) for x in v] if isinstance(v, (list, np.ndarray)) else v


@SETTINGS
@given(
    st.lists(families(), min_size=20, max_size=40),
    st.sampled_from([date(2024, 6, 3), date(2025, 5, 23), date(2025, 5, 24), date(2026, 3, 10)]),
)
def test_registration_single_and_batch_agree(population: list, on: date) -> None:
    batch = assess_registration_batch(population, on)
    assert set(batch) == set(registration_outputs(on))
    for i, fam in enumerate(population):
        single = assess_registration(fam, on)
        for name, column in batch.items():
            assert single.values[name] == column[i].item(), (name, i)
        assert single.reasons == decode(int(batch["refusals"][i]))
        assert (single.outcome == "registered") == bool(batch["registered"][i])


@SETTINGS
@given(st.lists(claims(), min_size=20, max_size=40))
def test_assistance_single_and_batch_agree(population: list) -> None:
    on = date(2026, 1, 15)
    batch = assess_assistance_batch(population, on)
    for i, claim in enumerate(population):
        single = assess_assistance(claim, on)
        for name in ASSISTANCE_OUTPUTS:
            assert _as_list(single.values[name]) == _as_list(batch[name][i]), (name, i)
        assert single.values["ha_amount"] >= 0
        # the amount is costs within norms less the income share, never negative, zero when refused
        if not single.reasons:
            assert (
                single.values["ha_amount"]
                == single.values["ha_costs_within"] - single.values["ha_income_share"]
                > 0
            )
        else:
            assert single.values["ha_amount"] == 0
        # no line is ever above its actual amount nor above its norm
        within = np.array(single.values["ha_line_within"])
        assert (within <= np.array(single.values["line_actual"])).all()
        assert (within <= np.array(single.values["ha_line_allowed"])).all()


def test_batch_mixes_jurisdictions_without_mixing_rows() -> None:
    """The same claim in three jurisdictions: each row takes its own maslikhat's share."""
    from kezek.rules.inputs import AssistanceClaim, CostLine, Family, IncomeSpell, Person

    def claim(kato: str) -> AssistanceClaim:
        head = Person("h", date(1950, 1, 1), incomes=(IncomeSpell("pension", 10_000_000, date(2025, 1, 1)),))
        return AssistanceClaim(Family((head,), kato), 3000, lines=(CostLine("assessed", 5_000_000),))

    out = assess_assistance_batch(
        [claim("351600000"), claim("552100000"), claim("351010000")], date(2026, 1, 15)
    )
    assert out["ha_share"].tolist() == [800, 500, 1000]
    # 50,000 tenge of costs less 8 %, 5 %, 10 % of 100,000 tenge a month
    assert out["ha_amount"].tolist() == [4_200_000, 4_500_000, 4_000_000]
