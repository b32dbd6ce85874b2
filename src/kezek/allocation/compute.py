"""The computation of a run: a pure function of :class:`RunInputs` (no database, no clock).

Every rule comes from ``kezek.rules``: the ladder tier (``ladder_tier`` formula), the split between
lists (``apportion`` / ``national_split``), order inside a list and size matching
(``matching.allocate`` through :mod:`kezek.allocation.serving`). This module decides only the
sequence in which they are applied (docs/adr/0007-allocation-runs.md):

1. Eligibility: the snapshot's facts against the policy (inventory failed, skipped for offers,
   suspended after refusals, no consent, no verified phone) give each entry its barring reason.
2. Groups by kind of dwelling (rental, rent subsidy, credit housing): in the national regime a
   kind serves the families whose ladder tier, computed on the run's date, it serves.
3. In each group the dwellings are split between the lists; the picks are served first with the
   wheelchair-accessible dwellings to families who need one, then in queue order by size.
4. Picks no family of their list could take go back to the pool and are split again between the
   lists that still have families (domain §4.2 step 5); what nobody can take stays unplaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import numpy as np

import kezek.rules.income  # noqa: F401  (registers the formulas ladder_tier reads)
from kezek.allocation.inputs import (
    FLAG_HAS_CONSENT,
    FLAG_HAS_PHONE,
    FLAG_INVENTORY_FAILED,
    FLAG_NEEDS_ACCESS,
    FLAG_SKIPPED_FOR_OFFERS,
    FLAG_SUSPENDED,
    RESULT_MAGIC,
    DwellingRow,
    RunInputs,
    canonical_json,
)
from kezek.allocation.serving import serve
from kezek.models.stock import DWELLING_KINDS
from kezek.rules.apportionment import apportion, national_split
from kezek.rules.engine import Calc
from kezek.rules.ladder import TIERS
from kezek.rules.matching import Candidate, Dwelling, SizeNorms
from kezek.rules.params import ParameterStore

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Why an entry ahead of the last family served in its list got nothing (explanations use these).
ELIGIBILITY_REASONS = ("inventory_failed", "skipped_for_offers", "suspended", "no_consent", "no_phone")
SKIP_REASONS = (*ELIGIBILITY_REASONS, "tier_not_served", "no_suitable_size")


@dataclass(frozen=True)
class Assignment:
    dwelling_id: int
    entry_id: int
    list_index: int
    rank: int
    kind: str
    pick: int  # 1-based pick number within the run (across groups and rounds)
    round: int  # 1 = the batch's own split; 2, 3, ... = dwellings returned by a list and split again
    stage: str  # access (a wheelchair-accessible dwelling to a family that needs one) | order
    rule: str  # the apportionment rule that gave the pick: floor | remainder | divisor | share
    priority: str  # the number that won the pick (exact fraction "p/q")


@dataclass(frozen=True)
class Skip:
    entry_id: int
    list_index: int
    rank: int
    reason: str
    kind: str  # the group where the family was passed over ("" for eligibility reasons)


@dataclass
class ListOutcome:
    code: str
    eligible: int = 0  # families that could take a dwelling of some group in the batch
    quota: Fraction = Fraction(0)  # exact proportional quota over the batch's groups
    seats: int = 0  # dwellings given by the first split
    received: int = 0
    returned_in: int = 0  # received in later rounds (dwellings another list could not use)
    unfilled: int = 0  # picks of this list that no family could take
    reach: int = 0  # rank of the last family served in queue order (0: none)
    skipped_for_size: int = 0


@dataclass
class RunResult:
    lists: list[ListOutcome]
    assignments: list[Assignment] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (dwelling id, reason)
    counters_after: list[int] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    tiers: dict[str, int] = field(default_factory=dict)  # families per ladder tier (national regime)

    def to_doc(self) -> dict[str, Any]:
        return {
            "lists": [
                {**o.__dict__, "quota": f"{o.quota.numerator}/{o.quota.denominator}"} for o in self.lists
            ],
            "assignments": [
                [
                    a.dwelling_id,
                    a.entry_id,
                    a.list_index,
                    a.rank,
                    a.kind,
                    a.pick,
                    a.round,
                    a.stage,
                    a.rule,
                    a.priority,
                ]
                for a in self.assignments
            ],
            "skips": [[s.entry_id, s.list_index, s.rank, s.reason, s.kind] for s in self.skips],
            "unplaced": [list(u) for u in self.unplaced],
            "counters_after": self.counters_after,
            "groups": self.groups,
            "tiers": self.tiers,
        }

    def encode(self) -> bytes:
        return RESULT_MAGIC + canonical_json(self.to_doc())


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def eligibility(inputs: RunInputs) -> np.ndarray:
    """Per entry, 0 when it may be offered a dwelling, else 1 + the index of its first barring reason."""
    flags = inputs.entries.flags
    policy = inputs.policy
    bars = [
        (flags & FLAG_INVENTORY_FAILED) != 0,
        (flags & FLAG_SKIPPED_FOR_OFFERS) != 0,
        (flags & FLAG_SUSPENDED) != 0,
        ((flags & FLAG_HAS_CONSENT) == 0) & policy.require_consent,
        ((flags & FLAG_HAS_PHONE) == 0) & policy.require_phone,
    ]
    reason = np.zeros(len(flags), dtype=np.int64)
    for i in reversed(range(len(bars))):
        reason[bars[i]] = i + 1
    return reason


def ladder_tiers(inputs: RunInputs, store: ParameterStore) -> np.ndarray:
    """Each family's ladder tier on the run's date (index into kezek.rules.ladder.TIERS)."""
    e = inputs.entries
    if len(e) == 0:
        return np.zeros(0, dtype=np.int64)
    calc = Calc(
        {"family_size": np.maximum(e.family_size, 1), "income_ladder": e.income},
        as_of=inputs.as_of,
        kato=inputs.kato,
        params=store,
    )
    return np.asarray(calc.var("ladder_tier"), dtype=np.int64)


def _candidate(entry_id: int, size: int, registered_us: int) -> Candidate:
    return Candidate(
        id=str(entry_id),
        size=max(int(size), 1),
        complete_at=EPOCH + timedelta(microseconds=int(registered_us)),
        application_no=int(entry_id),
    )


def _dwelling_key(d: DwellingRow) -> str:
    # The rules break ties between equal dwellings by id: the address first, so the choice does not
    # depend on the order in which the dwellings were entered.
    return f"{d.address}\x1f{d.id:012d}"


class _Run:
    def __init__(self, inputs: RunInputs) -> None:
        self.inputs = inputs
        self.store = ParameterStore.from_texts(inputs.params)
        self.norms = SizeNorms.on(inputs.as_of, inputs.kato, self.store)
        e = inputs.entries
        self.e = e
        self.n_lists = len(inputs.lists)
        self.bar = eligibility(inputs)
        self.national = inputs.regime == "national"
        self.tier = ladder_tiers(inputs, self.store) if self.national else np.zeros(len(e), dtype=np.int64)
        self.assigned = np.zeros(len(e), dtype=bool)
        self.size_skipped = np.zeros(len(e), dtype=bool)
        self.index_of = {int(x): i for i, x in enumerate(e.entry_id)}
        self.counters = list(inputs.counters_before)
        self.result = RunResult(lists=[ListOutcome(code) for code in inputs.lists])
        self.pick_no = 0
        self.list_rows = [np.flatnonzero(e.list_index == li) for li in range(self.n_lists)]
        self.considered = np.zeros(len(e), dtype=bool)

    # -- groups ---------------------------------------------------------------------------------
    def served_mask(self, kind: str) -> np.ndarray:
        if not self.national:
            return np.ones(len(self.e), dtype=bool)
        tiers = self.inputs.policy.kind_tiers.get(kind, [])
        codes = [TIERS.index(t) for t in tiers if t in TIERS]
        return np.isin(self.tier, codes)

    def run(self) -> RunResult:
        kinds = sorted({d.kind for d in self.inputs.dwellings}, key=_kind_order)
        ever_eligible = np.zeros(len(self.e), dtype=bool)
        for kind in kinds:
            group = sorted((d for d in self.inputs.dwellings if d.kind == kind), key=_dwelling_key)
            mask = (self.bar == 0) & self.served_mask(kind)
            ever_eligible |= mask
            self.group(kind, group, mask)
        for li, rows in enumerate(self.list_rows):
            self.result.lists[li].eligible = int(ever_eligible[rows].sum())
        self.explain_skips()
        self.result.counters_after = list(self.counters)
        if self.national:
            self.result.tiers = {t: int((self.tier == i).sum()) for i, t in enumerate(TIERS)}
        return self.result

    def group(self, kind: str, dwellings: list[DwellingRow], mask: np.ndarray) -> None:
        e = self.e
        by_key = {_dwelling_key(d): d for d in dwellings}
        waiting = [rows[mask[rows] & ~self.assigned[rows]] for rows in self.list_rows]
        sizes = [len(w) for w in waiting]
        heads = [
            (EPOCH + timedelta(microseconds=int(e.registered_us[w[0]]))).date() if len(w) else None
            for w in waiting
        ]
        d_count = len(dwellings)
        has_candidates = any(sizes)
        picks, rules, priorities, quotas = self.split(d_count, sizes, heads)
        info: dict[str, Any] = {
            "kind": kind,
            "dwellings": d_count,
            "eligible": sizes,
            "quotas": [fraction_text(q) for q in quotas],
            "seats": [picks.count(li) for li in range(self.n_lists)],
            "rounds": 1,
        }
        for li in range(self.n_lists):
            self.result.lists[li].quota += quotas[li]
            self.result.lists[li].seats += picks.count(li)
        pool = [Dwelling(_dwelling_key(d), d.area_dm2, d.rooms) for d in dwellings]
        # Stage 1: wheelchair-accessible dwellings first to the families that need one.
        accessible = [Dwelling(_dwelling_key(d), d.area_dm2, d.rooms) for d in dwellings if d.accessible]
        stage_picks = list(range(len(picks)))
        if accessible:
            needing = [[self._cand(i) for i in w if e.flags[i] & FLAG_NEEDS_ACCESS] for w in waiting]
            if any(needing):
                served = serve(accessible, needing, picks, self.norms)
                filled = set()
                for p, cand_id, key in served.assignments:
                    self.assign(by_key[key], cand_id, picks[p], kind, 1, "access", rules[p], priorities[p])
                    filled.add(p)
                taken = {key for _, _, key in served.assignments}
                pool = [d for d in pool if d.id not in taken]
                stage_picks = [p for p in stage_picks if p not in filled]
        # Stage 2: queue order and size.
        order_picks = [picks[p] for p in stage_picks]
        lists = [[self._cand(i) for i in w if not self.assigned[i]] for w in waiting]
        served = serve(pool, lists, order_picks, self.norms)
        self.absorb(
            served,
            order_picks,
            [rules[p] for p in stage_picks],
            [priorities[p] for p in stage_picks],
            by_key,
            kind,
            1,
        )
        exhausted = {order_picks[p] for p in served.unfilled}
        for p in served.unfilled:
            self.result.lists[order_picks[p]].unfilled += 1
        left = len(served.unfilled)
        pool = served.remaining
        rnd = 1
        # Later rounds: what a list could not use is split again between the lists that still can.
        while left and pool:
            lists = [
                [
                    c
                    for c in lst
                    if not self.assigned[self.index_of[int(c.id)]]
                    and not self.size_skipped[self.index_of[int(c.id)]]
                ]
                if li not in exhausted
                else []
                for li, lst in enumerate(lists)
            ]
            sizes = [len(lst) for lst in lists]
            if not any(sizes):
                break
            rnd += 1
            heads = [lst[0].complete_at.date() if lst else None for lst in lists]
            split = apportion(self.inputs.policy.method, left, sizes, heads, self.counters)
            again = [p.list_index for p in split.picks]
            if not again:
                break
            served = serve(pool, lists, again, self.norms)
            self.absorb(
                served,
                again,
                [p.rule for p in split.picks],
                [fraction_text(p.priority) for p in split.picks],
                by_key,
                kind,
                rnd,
            )
            exhausted |= {again[p] for p in served.unfilled}
            for p in served.unfilled:
                self.result.lists[again[p]].unfilled += 1
            left = len(served.unfilled) + split.unallocated
            pool = served.remaining
        info["rounds"] = rnd
        reason = "no_suitable_family" if has_candidates else "no_eligible_family"
        for d in sorted(pool, key=lambda d: by_key[d.id].id):
            self.result.unplaced.append((by_key[d.id].id, reason))
        self.result.groups.append(info)

    def split(
        self, dwellings: int, sizes: list[int], heads: list[Any]
    ) -> tuple[list[int], list[str], list[str], list[Fraction]]:
        """The picks (list indices in serving order) with their rule and priority, and exact quotas."""
        policy = self.inputs.policy
        if self.national and "priority" in self.inputs.lists and "general" in self.inputs.lists:
            pi, gi = self.inputs.lists.index("priority"), self.inputs.lists.index("general")
            parts = national_split(
                dwellings,
                [sizes[pi]],
                sizes[gi],
                min_share_bp=policy.priority_share_bp,
                method=policy.method,
                heads=[heads[pi]],
                counters=[self.counters[pi]],
            )
            # Interleave the two parts in proportion (Webster on the parts' own sizes), so neither
            # part takes all the smallest dwellings first.
            order = apportion(
                "webster", parts.priority_total + parts.general, [parts.priority_total, parts.general]
            )
            prio = iter(parts.priority.picks)
            picks, rules, priorities = [], [], []
            for p in order.picks:
                if p.list_index == 0:
                    pp = next(prio)
                    picks.append(pi)
                    rules.append(pp.rule)
                    priorities.append(fraction_text(pp.priority))
                else:
                    picks.append(gi)
                    rules.append("share")
                    priorities.append(fraction_text(p.priority))
            quotas = [Fraction(0)] * self.n_lists
            share = Fraction(dwellings * policy.priority_share_bp, 10_000)
            quotas[pi], quotas[gi] = share, dwellings - share
            return picks, rules, priorities, quotas
        a = apportion(policy.method, dwellings, sizes, heads, self.counters)
        return (
            [p.list_index for p in a.picks],
            [p.rule for p in a.picks],
            [fraction_text(p.priority) for p in a.picks],
            list(a.quotas),
        )

    def _cand(self, i: int) -> Candidate:
        e = self.e
        return _candidate(int(e.entry_id[i]), int(e.family_size[i]), int(e.registered_us[i]))

    def absorb(
        self,
        served: Any,
        picks: list[int],
        rules: list[str],
        priorities: list[str],
        by_key: dict[str, DwellingRow],
        kind: str,
        rnd: int,
    ) -> None:
        for p, cand_id, key in served.assignments:
            self.assign(by_key[key], cand_id, picks[p], kind, rnd, "order", rules[p], priorities[p])
        for li, cand_id in served.skips:
            i = self.index_of[int(cand_id)]
            if not self.size_skipped[i]:
                self.size_skipped[i] = True
                self.result.lists[li].skipped_for_size += 1
                self.result.skips.append(
                    Skip(int(cand_id), li, int(self.e.rank[i]), "no_suitable_size", kind)
                )
            self.considered[i] = True

    def assign(
        self, d: DwellingRow, cand_id: str, li: int, kind: str, rnd: int, stage: str, rule: str, prio: str
    ) -> None:
        i = self.index_of[int(cand_id)]
        self.assigned[i] = True
        self.considered[i] = True
        self.pick_no += 1
        outcome = self.result.lists[li]
        outcome.received += 1
        if rnd > 1:
            outcome.returned_in += 1
        if stage == "order":
            outcome.reach = max(outcome.reach, int(self.e.rank[i]))
        self.counters[li] += 1
        self.result.assignments.append(
            Assignment(
                d.id, int(cand_id), li, int(self.e.rank[i]), kind, self.pick_no, rnd, stage, rule, prio
            )
        )

    def explain_skips(self) -> None:
        """Every entry ahead of the last family served in queue order in its list, and not served,
        gets its reason: barred by eligibility, or its ladder tier not served by the batch."""
        e = self.e
        for li, rows in enumerate(self.list_rows):
            reach = self.result.lists[li].reach
            if reach == 0:
                continue
            ahead = rows[(e.rank[rows] < reach) & ~self.assigned[rows] & ~self.size_skipped[rows]]
            for i in ahead:
                bar = int(self.bar[i])
                reason = ELIGIBILITY_REASONS[bar - 1] if bar else "tier_not_served"
                self.result.skips.append(Skip(int(e.entry_id[i]), li, int(e.rank[i]), reason, ""))
        self.result.skips.sort(key=lambda s: (s.list_index, s.rank, s.entry_id))


def _kind_order(kind: str) -> int:
    return DWELLING_KINDS.index(kind) if kind in DWELLING_KINDS else len(DWELLING_KINDS)


def compute(inputs: RunInputs) -> RunResult:
    return _Run(inputs).run()
