"""The wait-time fluid model: closed form against the differential equation, and its invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kezek.rules.waiting import YearFlow, estimate, exit_rate, wait_years, wait_years_array

ranks = st.integers(min_value=0, max_value=200_000)
supplies = st.floats(min_value=0.5, max_value=50_000, allow_nan=False)
rates = st.floats(min_value=0.0, max_value=2.0, allow_nan=False)


def test_matches_the_differential_equation():
    """dx/dt = -s - θx from x(0) = r, stepped numerically, reaches 0 when the formula says."""
    r, s, theta = 1200.0, 150.0, 0.08
    x, t, dt = r, 0.0, 1e-4
    while x > 0:
        x -= (s + theta * x) * dt
        t += dt
    assert wait_years(r, s, theta) == pytest.approx(t, abs=1e-3)
    assert wait_years(r, s, theta) < r / s  # attrition ahead shortens the wait


def test_edges():
    assert wait_years(0, 10, 0.1) == 0.0
    assert wait_years(5, 0, 0.1) == math.inf
    assert wait_years(50, 10, 0.0) == 5.0
    with pytest.raises(ValueError):
        wait_years(5, 10, -0.1)


@given(ranks, ranks, supplies, rates)
def test_monotone_in_rank(a: int, b: int, s: float, theta: float):
    lo, hi = sorted((a, b))
    assert wait_years(lo, s, theta) <= wait_years(hi, s, theta)


@given(ranks, supplies, rates)
def test_never_below_zero_and_never_above_rank_over_supply(r: int, s: float, theta: float):
    w = wait_years(r, s, theta)
    assert 0.0 <= w <= r / s * (1 + 1e-12)


@given(ranks, supplies)
def test_tends_to_rank_over_supply_as_the_exit_rate_vanishes(r: int, s: float):
    target = r / s
    for theta in (1e-4, 1e-7, 1e-10):
        assert wait_years(r, s, theta) == pytest.approx(target, rel=theta * r / s + 1e-9)
    assert wait_years(r, s, 0.0) == pytest.approx(target)


@given(ranks, supplies, rates, rates)
def test_more_attrition_never_lengthens_the_wait(r: int, s: float, t1: float, t2: float):
    lo, hi = sorted((t1, t2))
    assert wait_years(r, s, hi) <= wait_years(r, s, lo) + 1e-12


@given(st.lists(st.tuples(ranks, st.floats(0.0, 1000), rates), min_size=1, max_size=30))
def test_vectorised_agrees_with_the_single_case(rows: list[tuple[int, float, float]]):
    r, s, theta = (np.array(col, dtype=float) for col in zip(*rows, strict=True))
    out = wait_years_array(r, s, theta)
    for i, (ri, si, ti) in enumerate(rows):
        expected = wait_years(ri, si, ti)
        assert out[i] == pytest.approx(expected, rel=1e-12) or (math.isinf(expected) and math.isinf(out[i]))


def test_estimate_band_comes_from_the_spread_of_the_years():
    flows = [
        YearFlow(year=2023, housed=100, exits=50, joined=300, mean_length=1000.0),
        YearFlow(year=2024, housed=140, exits=100, joined=280, mean_length=1000.0),
        YearFlow(year=2025, housed=60, exits=30, joined=260, mean_length=1000.0),
    ]
    e = estimate(500, flows)
    assert e is not None
    assert e.supply == pytest.approx(100.0)
    assert e.exit_rate == pytest.approx(0.06)
    assert e.years == pytest.approx(math.log1p(0.06 * 500 / 100) / 0.06)
    assert e.low == pytest.approx(wait_years(500, 140, 0.1))
    assert e.high == pytest.approx(wait_years(500, 60, 0.03))
    assert e.low < e.years < e.high < e.naive_years * 2
    assert e.naive_years == pytest.approx(5.0) and e.years < 5.0
    assert estimate(5, []) is None
    assert exit_rate(YearFlow(2025, 0, 3, 0, 0.0)) == 0.0
    dry = estimate(10, [*flows, YearFlow(year=2022, housed=0, exits=1, joined=1, mean_length=10.0)])
    assert dry is not None and math.isinf(dry.high) and math.isfinite(dry.years)
