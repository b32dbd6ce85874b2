"""Hypothesis strategies: random families and housing-assistance claims across jurisdictions."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

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

# Karaganda city, a village elsewhere, Almaty districts, Astana, Balkhash, Ekibastuz, Tselinograd
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
STATUS = [
    "wwii_veteran", "veteran_equated", "combat_veteran", "orphan", "large_family", "altyn_alqa",
    "disability", "disabled_child", "chronic_disease", "pensioner", "kandas", "single_parent", "widow",
    "civil_servant", "budget_worker", "military", "state_housing_received", "preferential_purchase",
]  # fmt: skip


def days(lo: date, hi: date) -> st.SearchStrategy[date]:
    return st.integers(0, max((hi - lo).days, 0)).map(lambda n: lo + timedelta(days=n))


@st.composite
def properties(draw: st.DrawFn) -> Property:
    acquired = draw(days(date(1995, 1, 1), date(2026, 12, 31)))
    sold = draw(st.none() | days(acquired, date(2027, 6, 30)))
    return Property(
        kato=draw(st.sampled_from(KATOS)),
        kind=draw(st.sampled_from(["flat", "house", "dormitory_room"])),
        area_dm2=draw(st.integers(1500, 12000)),
        acquired_on=acquired,
        alienated_on=sold,
        alienation=None
        if sold is None
        else draw(st.sampled_from(["sale", "gift", "exchange", "akimat_buyout", "demolition"])),
        emergency_since=draw(st.none() | days(date(2010, 1, 1), date(2026, 12, 31))),
    )


@st.composite
def persons(draw: st.DrawFn, relation: str, index: int) -> Person:
    born = draw(days(date(1925, 1, 1), date(2025, 1, 1)))
    statuses = tuple(
        Status(
            kind,
            draw(days(date(1990, 1, 1), date(2026, 6, 1))),
            draw(st.none() | st.just(date(2025, 1, 1))),
            draw(st.sampled_from([None, "1", "2", "3"])),
        )
        for kind in draw(st.lists(st.sampled_from(STATUS), max_size=3, unique=True))
    )
    incomes = tuple(
        IncomeSpell(
            draw(st.sampled_from(INCOME_SOURCES)),
            draw(st.integers(0, 80_000_000)),
            draw(days(date(2022, 1, 1), date(2026, 6, 1))).replace(day=1),
            draw(st.none() | days(date(2023, 1, 1), date(2027, 1, 1)).map(lambda d: d.replace(day=1))),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    regs: list[Registration] = []
    start = draw(days(date(2000, 1, 1), date(2026, 6, 1)))
    for _ in range(draw(st.integers(0, 3))):
        end = draw(st.none() | days(start, date(2026, 12, 1)))
        regs.append(Registration(draw(st.sampled_from(KATOS)), start, end))
        if end is None:
            break
        start = end + timedelta(days=draw(st.integers(1, 400)))
    return Person(
        id=f"p{index}",
        birth_date=born,
        relation=relation,
        citizenship=draw(st.sampled_from(["citizen", "citizen", "citizen", "kandas", "foreign"])),
        death_date=draw(st.none() | st.none() | days(date(2020, 1, 1), date(2026, 12, 1))),
        statuses=statuses,
        properties=tuple(draw(st.lists(properties(), max_size=2))),
        incomes=incomes,
        registrations=tuple(regs),
    )


@st.composite
def families(draw: st.DrawFn) -> Family:
    n = draw(st.integers(1, 6))
    members = [draw(persons("head", 0))]
    for i in range(1, n):
        members.append(
            draw(persons(draw(st.sampled_from(["spouse", "child", "child", "parent", "other"])), i))
        )
    events = tuple(
        HousingEvent(
            draw(st.sampled_from(["exchange", "destruction", "moving_out", "moving_in_others"])),
            draw(days(date(2015, 1, 1), date(2026, 6, 1))),
        )
        for _ in range(draw(st.integers(0, 1)))
    )
    grounds = frozenset(draw(st.lists(st.sampled_from(["substandard", "shared_rooms"]), max_size=1)))
    return Family(tuple(members), draw(st.sampled_from(KATOS)), events, grounds)


# services whose norms exist everywhere on 2026-01-15 (national norms from 2025-12-02)
NATIONAL_SERVICES = [
    "rent",
    "condominium",
    "heat_area",
    "heat_metered",
    "gas",
    "gas_heating",
    "cold_water",
    "hot_water",
    "lift",
    "phone",
    "sewerage",
    "waste",
    "assessed",
]


@st.composite
def claims(draw: st.DrawFn) -> AssistanceClaim:
    fam = draw(families())
    services = list(NATIONAL_SERVICES)
    if fam.kato == "351600000":
        services.append("electricity")  # Balkhash has a local electricity norm
    chosen = draw(st.lists(st.sampled_from(services), max_size=6, unique=True))
    lines = tuple(
        CostLine(
            s,
            draw(st.integers(0, 10_000_000)),
            draw(st.integers(0, 500_000)),
            draw(st.integers(0, 1_500_000)),
        )
        for s in chosen
    )
    return AssistanceClaim(
        family=fam,
        dwelling_area_dm2=draw(st.integers(1200, 15000)),
        tenure=draw(st.sampled_from(["owned", "owned", "state_rent", "akimat_leased", "private_rent"])),
        period_months=draw(st.sampled_from([1, 2, 3])),
        lines=lines,
    )
