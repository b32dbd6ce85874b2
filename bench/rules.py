"""Rules as code: the batch mode over 1,000,000 families, and the single-case explain.

    python -m bench rules [-- --families 1000000 --repeats 3 --cases 200 --pool 20000]

Batch: a pool of random typed families and housing-assistance claims (members of every age, with
statuses, property histories, incomes by source and registrations, across eight jurisdictions
with their own parameters) is turned into base columns by the same extraction the single case uses
(``features.registration_columns`` / ``assistance_columns``); rows are then drawn from the pool at
random up to ``--families`` rows, the way a caller that builds the columns in SQL hands them over.
The timed part is one batch calculation of eligibility (refusal reasons of the national regime),
priority category, affordability ladder and housing assistance (every cost line within norms, the
income share, the amount) over all rows, plus the akimat-regime registration (the six lists) on an
earlier date. Median over ``--repeats``. Target (issue 3): under 5 s for 1,000,000 families.

The extraction from typed objects (a Python loop) is timed on the pool and reported per family.

Single case: ``--cases`` random claims, each assessed for registration and for housing assistance
with the trace, and rendered as text (`kezek rules explain`) in kk, ru and en in turn. Median and
p95 per case. Target: under 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from kezek.rules.decisions import (
    ASSISTANCE_OUTPUTS,
    LADDER_OUTPUTS,
    REGISTRATION_OUTPUTS_AKIMAT,
    REGISTRATION_OUTPUTS_NATIONAL,
    assess_assistance,
    assess_registration,
    evaluate,
)
from kezek.rules.features import assistance_columns, registration_columns
from kezek.rules.inputs import (
    INCOME_SOURCES,
    AssistanceClaim,
    CostLine,
    Family,
    HousingEvent,
    IncomeSpell,
    Person,
    Property,
    Registration,
    Status,
)
from kezek.rules.params import default_store
from kezek.rules.render import render

TARGET_BATCH_S = 5.0
TARGET_SINGLE_MS = 20.0
NATIONAL_ON = date(2026, 1, 15)
AKIMAT_ON = date(2024, 6, 3)
# Karaganda city, a village, Almaty (city, district), Astana, Balkhash, Ekibastuz, Tselinograd
KATOS = [
    "351010000",
    "354400000",
    "750000000",
    "751110000",
    "710000000",
    "351600000",
    "552100000",
    "116600000",
]
STATUSES = [
    "wwii_veteran", "veteran_equated", "combat_veteran", "orphan", "large_family", "altyn_alqa",
    "disability", "disabled_child", "chronic_disease", "pensioner", "kandas", "single_parent", "widow",
    "civil_servant", "budget_worker", "military", "state_housing_received", "preferential_purchase",
]  # fmt: skip
SERVICES = [
    "rent", "condominium", "heat_area", "heat_metered", "gas", "gas_heating", "cold_water", "hot_water",
    "lift", "phone", "sewerage", "waste", "assessed",
]  # fmt: skip


def _uptime() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


class RandomCases:
    """Random typed cases, drawn with numpy from one seed (the shapes of tests/rules/strategies)."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)

    def day(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=int(self.rng.integers(0, max((hi - lo).days, 0) + 1)))

    def pick(self, items: list[str]) -> str:
        return items[int(self.rng.integers(len(items)))]

    def maybe(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def person(self, relation: str, index: int) -> Person:
        r = self.rng
        born = self.day(date(1935, 1, 1), date(2024, 1, 1))
        if relation == "head":
            born = self.day(date(1950, 1, 1), date(2006, 1, 1))
        statuses = tuple(
            Status(kind, self.day(date(1995, 1, 1), date(2025, 6, 1)), None, self.pick(["1", "2", "3"]))
            for kind in r.choice(STATUSES, size=int(r.choice([0, 0, 0, 1, 1, 2])), replace=False).tolist()
        )
        incomes = tuple(
            IncomeSpell(
                self.pick(list(INCOME_SOURCES[:6])),
                int(r.integers(5_000_000, 60_000_000)),
                self.day(date(2020, 1, 1), date(2025, 9, 1)).replace(day=1),
                None if self.maybe(0.7) else self.day(date(2024, 1, 1), date(2027, 1, 1)).replace(day=1),
            )
            for _ in range(int(r.choice([0, 1, 1, 2])))
        )
        props: list[Property] = []
        for _ in range(int(r.choice([0, 0, 0, 1, 1, 2]))):
            acquired = self.day(date(1995, 1, 1), date(2025, 6, 1))
            sold = self.day(acquired, date(2026, 1, 1)) if self.maybe(0.5) else None
            props.append(
                Property(
                    kato=self.pick(KATOS),
                    kind=self.pick(["flat", "flat", "house", "dormitory_room"]),
                    area_dm2=int(r.integers(1800, 12000)),
                    acquired_on=acquired,
                    alienated_on=sold,
                    alienation=None
                    if sold is None
                    else self.pick(["sale", "gift", "exchange", "demolition"]),
                    emergency_since=self.day(date(2010, 1, 1), date(2025, 12, 1))
                    if self.maybe(0.1)
                    else None,
                )
            )
        regs = (Registration(self.pick(KATOS), self.day(date(2000, 1, 1), date(2025, 6, 1))),)
        return Person(
            id=f"p{index}",
            birth_date=born,
            relation=relation,
            citizenship=self.pick(["citizen"] * 8 + ["kandas", "foreign"]),
            death_date=self.day(date(2021, 1, 1), date(2025, 12, 1)) if self.maybe(0.03) else None,
            statuses=statuses,
            properties=tuple(props),
            incomes=incomes,
            registrations=regs,
        )

    def family(self) -> Family:
        size = int(self.rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7]))
        members = [self.person("head", 0)]
        members += [
            self.person(self.pick(["spouse", "child", "child", "parent", "other"]), i) for i in range(1, size)
        ]
        kato = self.pick(KATOS)
        head = members[0]
        if self.maybe(0.8):  # most applicants live where they apply, since some years
            members[0] = Person(
                **{
                    **head.__dict__,
                    "registrations": (Registration(kato, self.day(date(2000, 1, 1), date(2024, 1, 1))),),
                }
            )
        events = (
            (HousingEvent(self.pick(["exchange", "moving_out", "moving_in_others"]),
                          self.day(date(2016, 1, 1), date(2025, 6, 1))),)
            if self.maybe(0.05)
            else ()
        )  # fmt: skip
        grounds = frozenset({"substandard"}) if self.maybe(0.1) else frozenset()
        return Family(tuple(members), kato, events, grounds)

    def claim(self) -> AssistanceClaim:
        fam = self.family()
        services = SERVICES + (["electricity"] if fam.kato == "351600000" else [])
        chosen = self.rng.choice(services, size=int(self.rng.integers(2, 7)), replace=False).tolist()
        lines = tuple(
            CostLine(s, int(self.rng.integers(100_000, 4_000_000)), int(self.rng.integers(0, 300_000)),
                     int(self.rng.integers(0, 1_000_000)))
            for s in chosen
        )  # fmt: skip
        return AssistanceClaim(
            family=fam,
            dwelling_area_dm2=int(self.rng.integers(1800, 12000)),
            tenure=self.pick(["owned", "owned", "owned", "state_rent", "akimat_leased", "private_rent"]),
            period_months=int(self.rng.choice([1, 1, 3])),
            lines=lines,
        )


def _columns(claims: list[AssistanceClaim], on: date) -> dict[str, np.ndarray]:
    store = default_store()
    cols = registration_columns([c.family for c in claims], on, store)
    cols.update(assistance_columns(claims))
    return cols


def batch(families: int, repeats: int, pool: int, seed: int) -> float:
    cases = RandomCases(seed)
    claims = [cases.claim() for _ in range(pool)]
    started = time.perf_counter()
    national_pool = _columns(claims, NATIONAL_ON)
    extraction = time.perf_counter() - started
    akimat_pool = registration_columns([c.family for c in claims], AKIMAT_ON, default_store())
    kato_pool = np.array([int(c.family.kato) for c in claims], dtype=np.int64)
    print(f"extraction from typed cases (Python loop, both modes' shared code): {extraction:.2f} s for "
          f"{pool:,} claims = {extraction / pool * 1e6:.0f} µs per family")  # fmt: skip

    rows = np.random.default_rng(seed + 1).integers(0, pool, size=families)
    national = {k: np.ascontiguousarray(v[rows]) for k, v in national_pool.items()}
    akimat = {k: np.ascontiguousarray(v[rows]) for k, v in akimat_pool.items()}
    kato = kato_pool[rows]
    size_mb = sum(v.nbytes for v in national.values()) / 1e6
    print(f"{families:,} rows of base columns ({size_mb:,.0f} MB) drawn from the pool; {_uptime()}")
    outputs = tuple(dict.fromkeys(REGISTRATION_OUTPUTS_NATIONAL + LADDER_OUTPUTS + ASSISTANCE_OUTPUTS))
    store = default_store()
    times: list[float] = []
    for repeat in range(repeats + 1):
        started = time.perf_counter()
        out = evaluate(national, as_of=NATIONAL_ON, kato=kato, outputs=outputs, params=store)
        part1 = time.perf_counter() - started
        akimat_out = evaluate(
            akimat, as_of=AKIMAT_ON, kato=kato, outputs=REGISTRATION_OUTPUTS_AKIMAT, params=store
        )
        elapsed = time.perf_counter() - started
        registered = int(np.count_nonzero(out["registered"]))
        assigned = int(np.count_nonzero(out["ha_refusals"] == 0))
        label = "warm-up" if repeat == 0 else f"run {repeat}"
        print(
            f"{label:8} national (eligibility+category+ladder+assistance) {part1:.2f} s + akimat regime "
            f"{elapsed - part1:.2f} s = {elapsed:.2f} s; registered {registered:,}, assistance assigned "
            f"{assigned:,}, akimat registered {int(np.count_nonzero(akimat_out['registered'])):,}"
        )
        if repeat:
            times.append(elapsed)
    median = statistics.median(times)
    target = TARGET_BATCH_S * families / 1_000_000
    print(f"batch median {median:.2f} s over {repeats} runs for {families:,} families "
          f"(min {min(times):.2f}, max {max(times):.2f}); target {target:.2f} s: ratio {median / target:.2f} "
          f"({'met' if median < target else 'MISSED'}); {_uptime()}")  # fmt: skip
    return median


def single(cases_n: int, seed: int) -> tuple[float, float]:
    cases = RandomCases(seed + 7)
    claims = [cases.claim() for _ in range(cases_n)]
    langs = ("kk", "ru", "en")
    # warm the caches (parameter store, message catalogs) the way a running server has them
    render(assess_registration(claims[0].family, NATIONAL_ON), "kk")
    registration_ms: list[float] = []
    assistance_ms: list[float] = []
    for i, claim in enumerate(claims):
        lang = langs[i % 3]
        started = time.perf_counter()
        text = render(assess_registration(claim.family, NATIONAL_ON), lang)
        registration_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        text += render(assess_assistance(claim, NATIONAL_ON), lang)
        assistance_ms.append((time.perf_counter() - started) * 1000)
        assert text
    results = []
    for label, ms in (("registration", registration_ms), ("assistance", assistance_ms)):
        med = statistics.median(ms)
        p95 = float(np.percentile(ms, 95))
        results.append((med, p95))
        print(f"explain {label:12} (assess with trace + render kk/ru/en) over {cases_n} cases: median "
              f"{med:.2f} ms, p95 {p95:.2f} ms, max {max(ms):.2f} ms; target {TARGET_SINGLE_MS:.0f} ms: "
              f"ratio (p95) {p95 / TARGET_SINGLE_MS:.2f} "
              f"({'met' if p95 < TARGET_SINGLE_MS else 'MISSED'})")  # fmt: skip
    return max(r[0] for r in results), max(r[1] for r in results)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench rules",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--families", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pool", type=int, default=20_000, help="distinct random cases the rows come from")
    parser.add_argument("--cases", type=int, default=200, help="single cases to explain")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    print(_uptime())
    single(args.cases, args.seed)
    batch(args.families, args.repeats, args.pool, args.seed)


if __name__ == "__main__":
    main()
