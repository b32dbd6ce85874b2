"""Wait-time estimates for a place in a list: a fluid model of the queue ahead of the family.

The families ahead leave the list in two ways: they are housed (``s`` dwellings a year go to the
list) and they leave for other reasons — removed, moved away, no longer in need — at a yearly rate
``θ`` per family. With ``x(t)`` families ahead, ``dx/dt = -s - θ·x``, ``x(0) = r``; the family is
reached when ``x`` falls to 0, which gives

    W(r) = ln(1 + θ·r/s) / θ      (and W = r/s when θ = 0).

Attrition ahead shortens the wait compared with ``r/s``, more so the longer the list. The model is
an estimate from past flows, never a promise: the band comes from the spread of ``s`` and ``θ``
over the years observed (the most pessimistic year's pair and the most optimistic one).

Pure: numbers in, numbers out (no database, no clock).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["WaitEstimate", "YearFlow", "estimate", "exit_rate", "wait_years", "wait_years_array"]


def wait_years(rank: float, supply: float, exit_rate: float) -> float:
    """Years until position ``rank`` is reached with ``supply`` dwellings a year and exit rate θ.

    ``rank`` ≤ 0 is already reached (0 years). ``supply`` ≤ 0 means never (``math.inf``) unless
    nobody is ahead. θ < 0 is not a rate and raises ValueError.
    """
    if exit_rate < 0 or math.isnan(exit_rate) or math.isnan(supply) or math.isnan(rank):
        raise ValueError("the exit rate must be a number ≥ 0 and rank and supply numbers")
    if rank <= 0:
        return 0.0
    if supply <= 0:
        return math.inf
    x = exit_rate * rank / supply
    if x < 1e-12:
        return rank / supply
    return math.log1p(x) / exit_rate


def wait_years_array(
    ranks: npt.ArrayLike, supply: npt.ArrayLike, exit_rate: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """:func:`wait_years` over arrays (broadcast), for a whole list at once."""
    r = np.asarray(ranks, dtype=np.float64)
    s = np.asarray(supply, dtype=np.float64)
    theta = np.asarray(exit_rate, dtype=np.float64)
    if np.any(theta < 0) or np.any(np.isnan(theta)):
        raise ValueError("the exit rate must be a number ≥ 0")
    r, s, theta = np.broadcast_arrays(r, s, theta)
    out = np.zeros(r.shape, dtype=np.float64)
    ahead = r > 0
    never = ahead & (s <= 0)
    out[never] = np.inf
    live = ahead & (s > 0)
    x = np.zeros(r.shape, dtype=np.float64)
    with np.errstate(over="ignore"):
        np.divide(theta * r, s, out=x, where=live)
    small = live & (x < 1e-12)
    out[small] = r[small] / s[small]
    big = live & ~small
    out[big] = np.log1p(x[big]) / theta[big]
    return out


@dataclass(frozen=True)
class YearFlow:
    """One year of a list: dwellings given to it, other exits, new entries and its mean length."""

    year: int
    housed: int
    exits: int
    joined: int
    mean_length: float


def exit_rate(flow: YearFlow) -> float:
    """The yearly rate at which a family leaves the list for a reason other than being housed."""
    if flow.mean_length <= 0:
        return 0.0
    return flow.exits / flow.mean_length


@dataclass(frozen=True)
class WaitEstimate:
    rank: int
    years: float  # central estimate (mean supply and mean exit rate of the years observed)
    low: float  # the most favourable year's supply and exit rate
    high: float  # the least favourable year's (math.inf: a year without any dwelling to the list)
    supply: float  # mean dwellings a year
    exit_rate: float  # mean θ
    naive_years: float  # r / s, for comparison: what ignoring attrition would say
    years_observed: int


def estimate(rank: int, flows: Sequence[YearFlow]) -> WaitEstimate | None:
    """The estimate for ``rank`` from the years' flows; ``None`` when there is no year to rest on."""
    if not flows:
        return None
    supplies = [float(f.housed) for f in flows]
    rates = [exit_rate(f) for f in flows]
    s = sum(supplies) / len(supplies)
    theta = sum(rates) / len(rates)
    central = wait_years(rank, s, theta)
    low = wait_years(rank, max(supplies), max(rates))
    high = wait_years(rank, min(supplies), min(rates))
    return WaitEstimate(
        rank=rank,
        years=central,
        low=min(low, central),
        high=max(high, central),
        supply=s,
        exit_rate=theta,
        naive_years=rank / s if s > 0 else math.inf,
        years_observed=len(flows),
    )
