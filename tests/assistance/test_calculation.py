"""The claim's calculation (state data mapped to the rules) and the regulation's step clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from kezek.assistance import calculation, clocks
from kezek.assistance.calculation import Line
from kezek.rules import inputs as ri

ON = date(2026, 10, 5)
SERVICES = (
    "condominium",
    "heat_area",
    "heat_metered",
    "gas",
    "cold_water",
    "hot_water",
    "sewerage",
    "waste",
    "lift",
)


def family(size: int, monthly_income: int, kato: str = "351010000") -> ri.Family:
    members = [
        ri.Person(
            id=str(i),
            birth_date=date(1980, 1, 1) if i == 0 else date(2015, 1, 1),
            relation="head" if i == 0 else "child",
            incomes=(ri.IncomeSpell("salary", monthly_income, date(2026, 7, 1), date(2026, 9, 1)),)
            if i == 0
            else (),
        )
        for i in range(size)
    ]
    return ri.Family(members=tuple(members), kato=kato)


lines = st.dictionaries(
    st.sampled_from(SERVICES),
    st.tuples(st.integers(0, 5_000_000), st.integers(0, 200_000), st.integers(0, 1_000_000)),
    max_size=len(SERVICES),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(1, 6),
    income=st.integers(0, 100_000_000),
    area=st.integers(1_000, 20_000),
    bills=lines,
)
def test_every_line_within_its_norm_and_the_amount_never_negative(
    size: int, income: int, area: int, bills: dict[str, tuple[int, int, int]]
) -> None:
    given_lines = [Line(s, a, q, t) for s, (a, q, t) in bills.items()]
    r = calculation.calculate(
        family(size, income), tenure="owned", area_dm2=area, lines=given_lines, as_of=ON
    )
    assert {x.service for x in r.lines} == set(bills)
    for x in r.lines:
        assert x.within_tiyn == min(x.actual_tiyn, x.allowed_tiyn) and x.within_tiyn >= 0
        assert x.rule in {rule for rule, _ in calculation.NORMS.values()}
        if x.rule == "as_billed":
            assert x.allowed_tiyn == x.actual_tiyn
    assert r.costs_within_tiyn == sum(x.within_tiyn for x in r.lines)
    assert r.amount_month_tiyn == max(0, r.costs_within_tiyn - r.income_share_tiyn)
    assert r.capped_area_dm2 == min(area, 3000 if size == 1 else 1800 * size)
    assert r.income_quarter_tiyn == income * 3
    assert abs(r.income_share_tiyn * 3 - income * 3 * r.share_ppm // 1_000_000) <= 3
    if r.amount_month_tiyn == 0:
        assert r.refusal_reasons == ["nothing_due"]


def test_a_service_without_a_norm_in_force_counts_nothing_and_says_why() -> None:
    r = calculation.calculate(
        family(2, 1_000_000),
        tenure="owned",
        area_dm2=5000,
        lines=[Line("electricity", 400_000, 150_000, 2_500), Line("sewerage", 90_000)],
        as_of=ON,
    )
    by = {x.service: x for x in r.lines}
    assert by["electricity"].rule == "no_norm" and by["electricity"].within_tiyn == 0
    assert by["electricity"].norm["missing"] == [
        "housing_assistance.electricity_norm",
        "housing_assistance.electricity_per_family",
    ]
    assert r.costs_within_tiyn == 90_000
    # where the maslikhat set a norm (Balkhash: 250 kWh per family), the line counts
    r = calculation.calculate(
        family(2, 1_000_000, kato="351600000"),
        tenure="owned",
        area_dm2=5000,
        lines=[Line("electricity", 400_000, 150_000, 2_500)],
        as_of=ON,
    )
    (line,) = r.lines
    assert (
        line.rule == "per_person_or_family"
        and line.allowed_tiyn == 250 * 2_500
        and line.within_tiyn == 400_000
    )
    assert line.norm["parameters"][0]["kato"] == "351600000"


def test_bill_items_map_to_the_norm_of_their_unit() -> None:
    assert calculation.bill_service("heat", "m2") == "heat_area"
    assert calculation.bill_service("heat", "Gcal") == "heat_metered"
    assert calculation.bill_service("cold_water", "m3") == "cold_water"
    assert calculation.bill_service("internet", "month") is None


def test_almaty_regulation_steps_where_in_force_and_the_scaled_steps_elsewhere(db: Session) -> None:
    start = datetime(2019, 3, 4, 4, 0, tzinfo=UTC)  # Monday 10:00 in Almaty
    plan = clocks.step_plan(db, start=start, on=date(2019, 3, 4), kato="751110000", case_due=None)
    assert [(s.step, s.amount, s.unit) for s in plan] == [
        ("registration", 20, "minutes"),
        ("head", 30, "minutes"),
        ("prepare", 2, "days"),
        ("commission", 6, "days"),
        ("notice", 1, "days"),
        ("delivery", 15, "minutes"),
    ]
    assert all("2/226" in s.reference for s in plan)
    # 2 + 6 + 1 calendar days after the day of receipt; the 10 calendar days of the regulation hold
    assert [s.due_on for s in plan] == [
        date(2019, 3, 4),
        date(2019, 3, 4),
        date(2019, 3, 6),
        date(2019, 3, 12),
        date(2019, 3, 13),
        date(2019, 3, 13),
    ]
    assert plan[-1].due_on <= date(2019, 3, 14)
    later = clocks.step_plan(
        db,
        start=datetime(2026, 10, 5, 5, 0, tzinfo=UTC),
        on=ON,
        kato="751110000",
        case_due=date(2026, 10, 13),
    )
    assert [s.unit for s in later] == ["minutes", "minutes", "working", "working", "working", "minutes"]
    assert later[-1].due_on <= date(2026, 10, 13) and "IMPL" in later[0].reference


def test_decision_deadlines_are_the_rules_dated_parameters() -> None:
    assert clocks.decision_rule(date(2025, 12, 1), "351010000").days == 8
    assert clocks.decision_rule(date(2025, 12, 2), "351010000").days == 6
    assert clocks.false_data_rule(date(2026, 1, 5), "351010000").days == 5
    assert clocks.consent_rule(date(2026, 1, 5)).days == 5
