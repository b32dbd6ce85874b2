"""The computation of a run: a pure function of :class:`RunInputs` (no database, no clock).

Every rule comes from ``kezek.rules``: the ladder tier (``ladder_tier`` formula), the split between
lists (``apportion`` / ``national_split``), order inside a list and size matching
(``matching.allocate`` through :mod:`kezek.allocation.serving`). This module decides only the
sequence in which they are applied (docs/adr/0008-allocation-runs.md):

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

import functools
import math
import struct
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any, NamedTuple

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
    sha256,
)
from kezek.allocation.serving import Served, serve
from kezek.models.stock import DWELLING_KINDS
from kezek.rules.apportionment import apportion
from kezek.rules.engine import Calc
from kezek.rules.ladder import TIERS
from kezek.rules.matching import SizeNorms
from kezek.rules.params import ParameterStore

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Why an entry ahead of the last family served in its list got nothing (explanations use these).
ELIGIBILITY_REASONS = ("inventory_failed", "skipped_for_offers", "suspended", "no_consent", "no_phone")
SKIP_REASONS = (*ELIGIBILITY_REASONS, "tier_not_served", "no_suitable_size")


class Assignment(NamedTuple):
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


class Skip(NamedTuple):
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


# Kinds a skip can name (index 0: an eligibility reason, not tied to a kind of dwelling).
SKIP_KINDS = ("", *DWELLING_KINDS)
SKIP_COLUMNS = ("entry_id", "list_index", "rank", "reason", "kind")


def _empty_column() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


@dataclass
class RunResult:
    lists: list[ListOutcome]
    assignments: list[Assignment] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (dwelling id, reason)
    counters_after: list[int] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    tiers: dict[str, int] = field(default_factory=dict)  # families per ladder tier (national regime)
    # Skips as columns (SKIP_COLUMNS; reason indexes SKIP_REASONS, kind indexes SKIP_KINDS), sorted by
    # (list, rank, entry): a national run passes over hundreds of thousands of families.
    skip_columns: dict[str, np.ndarray] = field(
        default_factory=lambda: {name: _empty_column() for name in SKIP_COLUMNS}
    )

    @property
    def skips(self) -> list[Skip]:
        c = self.skip_columns
        return [
            Skip(eid, li, rank, SKIP_REASONS[r], SKIP_KINDS[k])
            for eid, li, rank, r, k in zip(*(c[name].tolist() for name in SKIP_COLUMNS), strict=True)
        ]

    def header(self) -> dict[str, Any]:
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
            "skips": {
                "count": len(self.skip_columns["entry_id"]),
                "columns": list(SKIP_COLUMNS),
                "reasons": list(SKIP_REASONS),
                "kinds": list(SKIP_KINDS),
            },
            "unplaced": [list(u) for u in self.unplaced],
            "counters_after": self.counters_after,
            "groups": self.groups,
            "tiers": self.tiers,
        }

    def to_doc(self) -> dict[str, Any]:
        return self.header()

    def encode(self) -> bytes:
        """Canonical bytes: magic, the JSON header's length and text, then the skip columns as
        little-endian int64."""
        header = canonical_json(self.header())
        parts = [RESULT_MAGIC, struct.pack("<Q", len(header)), header]
        parts += [
            np.ascontiguousarray(self.skip_columns[name], dtype="<i8").tobytes() for name in SKIP_COLUMNS
        ]
        return b"".join(parts)


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


@functools.lru_cache(maxsize=8)
def _parsed(key: str, texts: tuple[tuple[str, str], ...]) -> ParameterStore:
    return ParameterStore.from_texts(dict(texts))


def store_for(params: dict[str, str]) -> ParameterStore:
    """The parameter store of a run's parameter texts (parsed once per distinct set of texts)."""
    texts = tuple(sorted(params.items()))
    return _parsed(sha256(canonical_json(params)), texts)


def _day(registered_us: int) -> date:
    return (EPOCH + timedelta(microseconds=registered_us)).date()


def _dwelling_key(d: DwellingRow) -> str:
    # The rules break ties between equal dwellings by id: the address first, so the choice does not
    # depend on the order in which the dwellings were entered.
    return f"{d.address}\x1f{d.id:012d}"


class _Run:
    def __init__(self, inputs: RunInputs) -> None:
        self.inputs = inputs
        self.store = store_for(inputs.params)
        self.norms = SizeNorms.on(inputs.as_of, inputs.kato, self.store)
        e = inputs.entries
        self.e = e
        self.n_lists = len(inputs.lists)
        self.bar = eligibility(inputs)
        self.national = inputs.regime == "national"
        self.tier = ladder_tiers(inputs, self.store) if self.national else np.zeros(len(e), dtype=np.int64)
        self.assigned = np.zeros(len(e), dtype=bool)
        self.size_skipped = np.zeros(len(e), dtype=bool)
        self.skip_parts: list[tuple[np.ndarray, int, int, int]] = []  # (rows, list, reason, kind)
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
        waiting = [rows[mask[rows] & ~self.assigned[rows]] for rows in self.list_rows]
        sizes = [len(w) for w in waiting]
        heads = [_day(int(e.registered_us[w[0]])) if len(w) else None for w in waiting]
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
        area = np.array([d.area_dm2 for d in dwellings], dtype=np.int64)
        rooms = np.array([d.rooms for d in dwellings], dtype=np.int64)
        # `dwellings` are in key order already, so their index is the rules' last tie-breaker
        order = np.lexsort((np.arange(d_count, dtype=np.int64), rooms, area)).astype(np.int64)
        alive = np.ones(d_count, dtype=bool)
        stage_picks = list(range(len(picks)))
        # Stage 1: wheelchair-accessible dwellings first to the families that need one.
        accessible = np.array([d.accessible for d in dwellings], dtype=bool)
        if accessible.any():
            needing = [w[(e.flags[w] & FLAG_NEEDS_ACCESS) != 0] for w in waiting]
            if any(len(n) for n in needing):
                served = serve(
                    area,
                    rooms,
                    order[accessible[order]],
                    [e.family_size[n] for n in needing],
                    picks,
                    self.norms,
                )
                filled = set()
                for p, li, pos, d in served.assignments:
                    self.assign(
                        dwellings[d], int(needing[li][pos]), li, kind, 1, "access", rules[p], priorities[p]
                    )
                    filled.add(p)
                    alive[d] = False
                stage_picks = [p for p in stage_picks if p not in filled]
        # Stage 2: queue order and size.
        order_picks = [picks[p] for p in stage_picks]
        lists = [w[~self.assigned[w]] for w in waiting]
        served = serve(
            area, rooms, order[alive[order]], [e.family_size[w] for w in lists], order_picks, self.norms
        )
        self.absorb(
            served,
            lists,
            [rules[p] for p in stage_picks],
            [priorities[p] for p in stage_picks],
            dwellings,
            kind,
            1,
        )
        exhausted = {order_picks[p] for p in served.unfilled}
        for p in served.unfilled:
            self.result.lists[order_picks[p]].unfilled += 1
        left = len(served.unfilled)
        remaining = served.remaining
        rnd = 1
        # Later rounds: what a list could not use is split again between the lists that still can.
        while left and len(remaining):
            lists = [
                w[:0] if li in exhausted else w[~self.assigned[w] & ~self.size_skipped[w]]
                for li, w in enumerate(lists)
            ]
            sizes = [len(w) for w in lists]
            if not any(sizes):
                break
            rnd += 1
            heads = [_day(int(e.registered_us[w[0]])) if len(w) else None for w in lists]
            split = fast_apportion(self.inputs.policy.method, left, sizes, heads, self.counters)
            again = split.picks
            if not again:
                break
            served = serve(area, rooms, remaining, [e.family_size[w] for w in lists], again, self.norms)
            self.absorb(
                served,
                lists,
                split.rules,
                split.priorities,
                dwellings,
                kind,
                rnd,
            )
            exhausted |= {again[p] for p in served.unfilled}
            for p in served.unfilled:
                self.result.lists[again[p]].unfilled += 1
            left = len(served.unfilled) + split.unallocated
            remaining = served.remaining
        info["rounds"] = rnd
        reason = "no_suitable_family" if has_candidates else "no_eligible_family"
        for d_id in sorted(dwellings[int(d)].id for d in remaining):
            self.result.unplaced.append((d_id, reason))
        self.result.groups.append(info)

    def split(
        self, dwellings: int, sizes: list[int], heads: list[Any]
    ) -> tuple[list[int], list[str], list[str], list[Fraction]]:
        """The picks (list indices in serving order) with their rule and priority, and exact quotas."""
        policy = self.inputs.policy
        if self.national and "priority" in self.inputs.lists and "general" in self.inputs.lists:
            pi, gi = self.inputs.lists.index("priority"), self.inputs.lists.index("general")
            priority_total, general = national_totals(
                dwellings, sizes[pi], sizes[gi], policy.priority_share_bp
            )
            part = fast_apportion(
                policy.method, priority_total, [sizes[pi]], [heads[pi]], [self.counters[pi]]
            )
            # Interleave the two parts in proportion (Webster on the parts' own sizes), so neither
            # part takes all the smallest dwellings first.
            order = fast_apportion("webster", priority_total + general, [priority_total, general], None, None)
            prio = iter(zip(part.rules, part.priorities, strict=True))
            picks, rules, priorities = [], [], []
            for li, priority in zip(order.picks, order.priorities, strict=True):
                if li == 0:
                    rule, text = next(prio)
                    picks.append(pi)
                    rules.append(rule)
                    priorities.append(text)
                else:
                    picks.append(gi)
                    rules.append("share")
                    priorities.append(priority)
            quotas = [Fraction(0)] * self.n_lists
            share = Fraction(dwellings * policy.priority_share_bp, 10_000)
            quotas[pi], quotas[gi] = share, dwellings - share
            return picks, rules, priorities, quotas
        a = fast_apportion(policy.method, dwellings, sizes, heads, self.counters)
        return a.picks, a.rules, a.priorities, a.quotas

    def absorb(
        self,
        served: Served,
        lists: list[np.ndarray],
        rules: list[str],
        priorities: list[str],
        dwellings: list[DwellingRow],
        kind: str,
        rnd: int,
    ) -> None:
        for p, li, pos, d in served.assignments:
            self.assign(dwellings[d], int(lists[li][pos]), li, kind, rnd, "order", rules[p], priorities[p])
        for li, positions in served.skips:
            rows = lists[li][positions]
            self.considered[rows] = True
            new = rows[~self.size_skipped[rows]]
            if not len(new):
                continue
            self.size_skipped[new] = True
            self.result.lists[li].skipped_for_size += len(new)
            self.skip_parts.append((new, li, SKIP_REASONS.index("no_suitable_size"), SKIP_KINDS.index(kind)))

    def assign(
        self, d: DwellingRow, i: int, li: int, kind: str, rnd: int, stage: str, rule: str, prio: str
    ) -> None:
        self.assigned[i] = True
        self.considered[i] = True
        self.pick_no += 1
        outcome = self.result.lists[li]
        outcome.received += 1
        if rnd > 1:
            outcome.returned_in += 1
        rank = int(self.e.rank[i])
        if stage == "order":
            outcome.reach = max(outcome.reach, rank)
        self.counters[li] += 1
        self.result.assignments.append(
            Assignment(d.id, int(self.e.entry_id[i]), li, rank, kind, self.pick_no, rnd, stage, rule, prio)
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
            bars = self.bar[ahead]
            # eligibility reasons are SKIP_REASONS[0..4] (bar - 1); no bar: the tier was not served
            reason = np.where(bars > 0, bars - 1, SKIP_REASONS.index("tier_not_served"))
            for code in np.unique(reason):
                self.skip_parts.append((ahead[reason == code], li, int(code), 0))
        if not self.skip_parts:
            return
        lengths = np.array([len(part[0]) for part in self.skip_parts], dtype=np.int64)
        rows_l = [part[0] for part in self.skip_parts]
        lists_l = [np.repeat(np.array([part[1] for part in self.skip_parts], dtype=np.int64), lengths)]
        reasons_l = [np.repeat(np.array([part[2] for part in self.skip_parts], dtype=np.int64), lengths)]
        kinds_l = [np.repeat(np.array([part[3] for part in self.skip_parts], dtype=np.int64), lengths)]
        rows = np.concatenate(rows_l)
        cols = {
            "entry_id": e.entry_id[rows],
            "list_index": np.concatenate(lists_l),
            "rank": e.rank[rows],
            "reason": np.concatenate(reasons_l),
            "kind": np.concatenate(kinds_l),
        }
        # (list, rank) identifies an entry of the snapshot; one integer key sorts faster than lexsort
        span = int(e.rank.max()) + 1 if len(e) else 1
        order = np.argsort(cols["list_index"] * span + cols["rank"], kind="stable")
        self.result.skip_columns = {name: np.ascontiguousarray(cols[name][order]) for name in SKIP_COLUMNS}


@dataclass(frozen=True)
class Picks:
    picks: list[int]  # list index of each pick, in order
    rules: list[str]
    priorities: list[str]  # exact fractions "p/q"
    quotas: list[Fraction]
    counters: list[int]
    unallocated: int


def national_totals(dwellings: int, priority_size: int, general_size: int, share_bp: int) -> tuple[int, int]:
    """The two parts of the national split, as :func:`kezek.rules.apportionment.national_split` sets
    them (tests/allocation/test_fast_paths.py checks the equality)."""
    wanted = -((-dwellings * share_bp) // 10_000)
    priority_total = min(wanted, priority_size)
    general = min(dwellings - priority_total, general_size)
    return min(priority_size, dwellings - general), general


def fast_apportion(
    method: str,
    dwellings: int,
    sizes: list[int],
    heads: list[date | None] | None,
    counters: list[int] | None,
) -> Picks:
    """The picks of :func:`kezek.rules.apportionment.apportion`, with Webster in integers.

    Webster's priority n / (a + 1/2) is compared as 2n x (2b + 1) against 2m x (2a + 1), so a national
    batch of tens of thousands of dwellings needs no Fraction per pick; largest remainder is the
    rules' own function. Ties as in the rules: earliest head, then list order. The equality with the
    rules is checked by a property test (tests/allocation/test_fast_paths.py)."""
    if method != "webster":
        a = apportion(method, dwellings, sizes, heads, counters)
        return Picks(
            [p.list_index for p in a.picks],
            [p.rule for p in a.picks],
            [fraction_text(p.priority) for p in a.picks],
            list(a.quotas),
            list(a.counters),
            a.unallocated,
        )
    if dwellings < 0 or any(n < 0 for n in sizes):
        raise ValueError("the number of dwellings and list sizes cannot be negative")
    head = [h if h is not None else date.max for h in (heads or [None] * len(sizes))]
    carried = list(counters) if counters is not None else [0] * len(sizes)
    if len(carried) != len(sizes) or any(a < 0 for a in carried):
        raise ValueError("counters need one non-negative count per list")
    seats = [0] * len(sizes)
    active = [i for i, n in enumerate(sizes) if n > 0]
    num = [2 * n for n in sizes]
    den = [2 * a + 1 for a in carried]
    picks: list[int] = []
    priorities: list[str] = []
    for _ in range(dwellings):
        if not active:
            break
        best = active[0]
        for i in active[1:]:
            lhs, rhs = num[i] * den[best], num[best] * den[i]
            if lhs > rhs or (lhs == rhs and (head[i], i) < (head[best], best)):
                best = i
        g = math.gcd(num[best], den[best])
        picks.append(best)
        priorities.append(f"{num[best] // g}/{den[best] // g}")
        seats[best] += 1
        carried[best] += 1
        den[best] += 2
        if seats[best] >= sizes[best]:
            active.remove(best)
    total = sum(sizes)
    quotas = [Fraction(dwellings * n, total) if total else Fraction(0) for n in sizes]
    return Picks(picks, ["divisor"] * len(picks), priorities, quotas, carried, dwellings - len(picks))


def _kind_order(kind: str) -> int:
    return DWELLING_KINDS.index(kind) if kind in DWELLING_KINDS else len(DWELLING_KINDS)


def compute(inputs: RunInputs) -> RunResult:
    return _Run(inputs).run()
