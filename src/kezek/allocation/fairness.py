"""The fairness report: per jurisdiction, list and period, what each list received against its exact
proportional quota, how deep into the queue the accepted families were, the refusals and their
reasons, the families passed over because no dwelling fitted their size, and the manual overrides.

Read-only queries over the decided runs (status ``approved``) of one period (a calendar year, the
runs' ``period``) whose KATO lies within the given prefixes. The exact quota is the sum over the
runs of each list's quota recorded in the run's summary (``summary["lists"][i]["quota"]`` as an
exact fraction "p/q"); received counts the accepted offers. Returns numbers and codes only; pages
translate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek.auth.scope import scope_filter
from kezek.models.allocation import AllocationDecision, AllocationOverride, AllocationRun, Offer

DECIDED = ("approved",)
SIZE_REASON = "no_suitable_size"


@dataclass
class ListFairness:
    code: str
    quota: Fraction = Fraction(0)  # exact proportional quota summed over the period's runs
    assigned: int = 0  # dwellings the runs gave the list (first split and returned ones)
    received: int = 0  # offers accepted by families of the list
    ranks: list[int] = field(default_factory=list)  # queue numbers (at the run) of accepted families
    refusals: dict[tuple[str, bool], int] = field(default_factory=dict)  # (reason, reasonable) → n
    skipped_for_size: int = 0
    overrides: int = 0

    @property
    def deviation(self) -> Fraction:
        """Received minus the exact quota (positive: more than its proportional share)."""
        return self.received - self.quota

    @property
    def refused(self) -> int:
        return sum(self.refusals.values())

    @property
    def unreasonable_refusals(self) -> int:
        return sum(n for (_, reasonable), n in self.refusals.items() if not reasonable)

    @property
    def rank_median(self) -> float | None:
        return median(self.ranks) if self.ranks else None

    @property
    def rank_min(self) -> int | None:
        return min(self.ranks) if self.ranks else None

    @property
    def rank_max(self) -> int | None:
        return max(self.ranks) if self.ranks else None


@dataclass
class FairnessReport:
    period: str
    scopes: tuple[str, ...]
    runs: int
    lists: list[ListFairness]
    overrides: int  # every override of the period's runs (a list is known only when it names an entry)

    @property
    def total_quota(self) -> Fraction:
        return sum((row.quota for row in self.lists), Fraction(0))

    @property
    def total_received(self) -> int:
        return sum(row.received for row in self.lists)


def _fraction(text: Any) -> Fraction:
    try:
        return Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        return Fraction(0)


def report(session: Session, *, scopes: tuple[str, ...], period: str) -> FairnessReport:
    """The report for the decided runs of ``period`` within ``scopes`` (KATO prefixes)."""
    runs = list(
        session.scalars(
            select(AllocationRun)
            .where(
                scope_filter(AllocationRun.kato, scopes),
                AllocationRun.period == period,
                AllocationRun.status.in_(DECIDED),
            )
            .order_by(AllocationRun.id)
        )
    )
    rows: dict[str, ListFairness] = {}

    def row(code: str) -> ListFairness:
        if code not in rows:
            rows[code] = ListFairness(code=code)
        return rows[code]

    for run in runs:
        for outcome in (run.summary or {}).get("lists") or []:
            target = row(str(outcome.get("code")))
            target.quota += _fraction(outcome.get("quota", 0))
            target.assigned += int(outcome.get("received", 0)) + int(outcome.get("returned_in", 0))
    run_ids = [run.id for run in runs]
    if run_ids:
        for offer in session.execute(
            select(Offer.list_code, Offer.status, Offer.rank, Offer.refusal_reason, Offer.refusal_reasonable)
            .where(Offer.run_id.in_(run_ids), Offer.status.in_(("accepted", "refused")))
            .order_by(Offer.id)
        ):
            target = row(offer.list_code)
            if offer.status == "accepted":
                target.received += 1
                target.ranks.append(offer.rank)
            else:
                key = (offer.refusal_reason or "other", bool(offer.refusal_reasonable))
                target.refusals[key] = target.refusals.get(key, 0) + 1
        for code, count in session.execute(
            select(AllocationDecision.list_code, func.count())
            .where(AllocationDecision.run_id.in_(run_ids), AllocationDecision.reason_code == SIZE_REASON)
            .group_by(AllocationDecision.list_code)
        ):
            row(code).skipped_for_size += int(count)
        overrides = list(
            session.execute(
                select(
                    AllocationOverride.run_id,
                    AllocationOverride.to_entry_id,
                    AllocationOverride.from_entry_id,
                )
                .where(AllocationOverride.run_id.in_(run_ids))
                .order_by(AllocationOverride.id)
            )
        )
        # An override is counted against the list of the entry it gave the dwelling to (or took it from).
        entry_list: dict[tuple[int, int], str] = {}
        entries = {e for o in overrides for e in (o.to_entry_id, o.from_entry_id) if e is not None}
        if entries:
            for run_id, entry_id, code in session.execute(
                select(
                    AllocationDecision.run_id, AllocationDecision.entry_id, AllocationDecision.list_code
                ).where(AllocationDecision.run_id.in_(run_ids), AllocationDecision.entry_id.in_(entries))
            ):
                entry_list[(run_id, entry_id)] = code
        by_list: dict[str, int] = defaultdict(int)
        for o in overrides:
            found = entry_list.get((o.run_id, o.to_entry_id or 0)) or entry_list.get(
                (o.run_id, o.from_entry_id or 0)
            )
            if found:
                by_list[found] += 1
        for code, count in by_list.items():
            row(code).overrides += count
        total_overrides = len(overrides)
    else:
        total_overrides = 0
    return FairnessReport(
        period=period,
        scopes=scopes,
        runs=len(runs),
        lists=[rows[k] for k in sorted(rows)],
        overrides=total_overrides,
    )


@dataclass(frozen=True)
class Bar:
    """One list's bars in the chart: geometry in SVG user units, computed here so the template only draws."""

    code: str
    y: float
    quota_width: float
    received_width: float
    quota: Fraction
    received: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bar_height: int
    scale_max: int
    ticks: list[tuple[float, int]]
    bars: list[Bar]


def chart(rep: FairnessReport, *, width: int = 640, label_width: int = 90, bar_height: int = 14) -> Chart:
    """Received (solid) against the exact quota (outlined) per list, on one scale."""
    top = max([1, *(r.received for r in rep.lists), *(int(r.quota) + 1 for r in rep.lists)])
    step = max(1, -(-top // 5))
    scale_max = step * 5
    plot = width - label_width - 20
    bars = []
    for i, r in enumerate(rep.lists):
        bars.append(
            Bar(
                code=r.code,
                y=10 + i * (3 * bar_height + 8),
                quota_width=float(plot * r.quota / scale_max),
                received_width=plot * r.received / scale_max,
                quota=r.quota,
                received=r.received,
            )
        )
    height = 10 + len(bars) * (3 * bar_height + 8) + 20
    ticks = [(label_width + plot * k / 5, step * k) for k in range(6)]
    return Chart(width, height, label_width, bar_height, scale_max, ticks, bars)
