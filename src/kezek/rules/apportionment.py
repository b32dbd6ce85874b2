"""Apportionment of a batch of dwellings between lists (domain.md §4.2; ADR 0004).

Two methods, both exact (fractions, no floats):

* largest remainder (Hamilton), per batch: quota_i = D x n_i / sum(n); floors first, the rest one by
  one by the largest fractional part;
* Webster / Sainte-Laguë with persistent counters: each next dwelling goes to the list with the
  largest n_i / (a_i + 1/2), where a_i counts what the list already received in the period (carried
  across batches). No Alabama paradox, and small lists are not starved by per-batch rounding.

Ties go to the list whose head (first entry) registered earliest, then to list order. A list never
receives more dwellings in a batch than it has eligible entries. Every pick records the number that
won it (its priority), so each dwelling's list can be explained.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

LATEST = date.max


@dataclass(frozen=True)
class Pick:
    seq: int  # 1-based order within the batch
    list_index: int
    rule: str  # floor | remainder | divisor
    priority: Fraction  # quota (floor), fractional part (remainder), n / (a + 1/2) (divisor)


@dataclass(frozen=True)
class Apportionment:
    method: str
    seats: tuple[int, ...]
    picks: tuple[Pick, ...]
    quotas: tuple[Fraction, ...]  # exact proportional quotas of this batch, for the fairness report
    counters: tuple[int, ...]  # period counters after this batch
    unallocated: int  # dwellings no list could take (every list at its number of eligible entries)


def _check(dwellings: int, sizes: Sequence[int], heads: Sequence[date | None] | None) -> list[date]:
    if dwellings < 0:
        raise ValueError("the number of dwellings cannot be negative")
    if any(n < 0 for n in sizes):
        raise ValueError("list sizes cannot be negative")
    if heads is not None and len(heads) != len(sizes):
        raise ValueError("head_registered needs one date per list")
    return [(h if h is not None else LATEST) for h in (heads or [None] * len(sizes))]


def _quotas(dwellings: int, sizes: Sequence[int]) -> tuple[Fraction, ...]:
    total = sum(sizes)
    return tuple(Fraction(dwellings * n, total) if total else Fraction(0) for n in sizes)


def largest_remainder(
    dwellings: int, sizes: Sequence[int], heads: Sequence[date | None] | None = None
) -> Apportionment:
    head = _check(dwellings, sizes, heads)
    total = sum(sizes)
    quotas = _quotas(dwellings, sizes)
    if dwellings >= total:  # everyone eligible gets one; the rest cannot be placed in these lists
        seats = list(sizes)
        picks = [Pick(0, i, "floor", quotas[i]) for i, n in enumerate(sizes) for _ in range(n)]
        return _result("largest_remainder", seats, picks, quotas, seats, dwellings - total)
    seats = [int(q) for q in quotas]  # floor: quotas are non-negative
    picks = [Pick(0, i, "floor", quotas[i]) for i, s in enumerate(seats) for _ in range(s)]
    left = dwellings - sum(seats)
    order = sorted(
        (i for i, n in enumerate(sizes) if n > 0 and seats[i] < n),
        key=lambda i: (-(quotas[i] - seats[i]), head[i], i),
    )
    for i in order[:left]:
        seats[i] += 1
        picks.append(Pick(0, i, "remainder", quotas[i] - int(quotas[i])))
    return _result("largest_remainder", seats, picks, quotas, seats, 0)


def webster(
    dwellings: int,
    sizes: Sequence[int],
    heads: Sequence[date | None] | None = None,
    counters: Sequence[int] | None = None,
) -> Apportionment:
    """Sainte-Laguë divisors 1/2, 3/2, 5/2, ... applied to the period counters `counters`."""
    head = _check(dwellings, sizes, heads)
    carried = list(counters) if counters is not None else [0] * len(sizes)
    if len(carried) != len(sizes) or any(a < 0 for a in carried):
        raise ValueError("counters need one non-negative count per list")
    seats = [0] * len(sizes)
    # max-heap on n / (a + 1/2) = 2n / (2a + 1); ties: earliest head, then list order
    heap = [(-Fraction(2 * n, 2 * carried[i] + 1), head[i], i) for i, n in enumerate(sizes) if n > 0]
    heapq.heapify(heap)
    picks: list[Pick] = []
    for _ in range(dwellings):
        if not heap:
            break
        neg, h, i = heapq.heappop(heap)
        seats[i] += 1
        carried[i] += 1
        picks.append(Pick(0, i, "divisor", -neg))
        if seats[i] < sizes[i]:
            heapq.heappush(heap, (-Fraction(2 * sizes[i], 2 * carried[i] + 1), h, i))
    return _result("webster", seats, picks, _quotas(dwellings, sizes), carried, dwellings - len(picks))


def _result(
    method: str,
    seats: list[int],
    picks: list[Pick],
    quotas: tuple[Fraction, ...],
    counters: Sequence[int],
    unallocated: int,
) -> Apportionment:
    numbered = tuple(Pick(k + 1, p.list_index, p.rule, p.priority) for k, p in enumerate(picks))
    return Apportionment(method, tuple(seats), numbered, quotas, tuple(counters), unallocated)


def apportion(
    method: str,
    dwellings: int,
    sizes: Sequence[int],
    heads: Sequence[date | None] | None = None,
    counters: Sequence[int] | None = None,
) -> Apportionment:
    if method == "largest_remainder":
        return largest_remainder(dwellings, sizes, heads)
    if method == "webster":
        return webster(dwellings, sizes, heads, counters)
    raise ValueError(f"unknown apportionment method {method!r} (largest_remainder | webster)")


@dataclass(frozen=True)
class NationalSplit:
    priority_total: int
    general: int
    priority: Apportionment
    unallocated: int


def national_split(
    dwellings: int,
    priority_sizes: Sequence[int],
    general_size: int,
    *,
    min_share_bp: int = 7_000,
    method: str = "webster",
    heads: Sequence[date | None] | None = None,
    counters: Sequence[int] | None = None,
) -> NationalSplit:
    """The national regime's two levels: at least `min_share_bp` (70 %) of the batch to the priority
    categories, split between the priority lists in proportion to their size; the rest to the
    general queue by date of registration. A part that cannot be used (too few eligible entries)
    goes to the other part; what neither can take is unallocated."""
    if general_size < 0:
        raise ValueError("general_size cannot be negative")
    priority_cap = sum(priority_sizes)
    wanted = -((-dwellings * min_share_bp) // 10_000)  # ceiling: "at least" 70 %
    priority_total = min(wanted, priority_cap)
    general = min(dwellings - priority_total, general_size)
    # what the general queue cannot absorb returns to the priority lists
    priority_total = min(priority_cap, dwellings - general)
    part = apportion(method, priority_total, priority_sizes, heads, counters)
    return NationalSplit(
        priority_total, general, part, dwellings - priority_total - general + part.unallocated
    )
