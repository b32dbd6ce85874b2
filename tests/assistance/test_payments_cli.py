"""`kezek assistance recalculate|registry|bank-response|shadow` against a real committed database,
and the recalculation's agreement with the rules' single-case calculation."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kezek.assistance.payments_recalc import StoredCalculation, recalculate
from kezek.cli import app
from kezek.models.assistance import AssistanceCalculation
from kezek.models.payments import OverpaymentProposal, PaymentLine, PaymentRegistry
from kezek.rules.decisions import assess_assistance
from kezek.rules.inputs import AssistanceClaim, CostLine, Family, IncomeSpell, Person
from kezek.settings import get_settings
from tests.assistance.payments_builders import assigned_claim

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def cli(committed: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KEZEK_DATABASE_URL", committed.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_registry_response_recalculate_and_shadow(cli: CliRunner, committed: Engine, tmp_path: Path) -> None:
    with Session(committed) as s:
        a = assigned_claim(s, months=(date(2026, 1, 1),), amount_month=1_200_000)
        b = assigned_claim(s, months=(date(2026, 1, 1),), amount_month=800_000, bank="722")
        s.commit()
        a_number, b_number, b_id = a.number, b.number, b.id
    out = tmp_path / "reg"
    r = cli.invoke(app, ["assistance", "registry", "2026-01", "--kato", "71", "--send", "--out", str(out)])
    assert r.exit_code == 0, r.output
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(
        f"HA202601-71-{bank}-1.{ext}" for bank in ("601", "722") for ext in ("csv", "xlsx", "xml")
    )
    doc = ET.parse(out / "HA202601-71-601-1.xml")  # noqa: S314 (our own output)
    assert doc.getroot().findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "12000.00"
    # again: nothing new, nothing paid twice
    r = cli.invoke(app, ["assistance", "registry", "2026-01", "--kato", "71", "--out", str(out)])
    assert r.exit_code == 0, r.output
    with Session(committed) as s:
        assert len(s.scalars(select(PaymentRegistry)).all()) == 2
        refs = {ln.claim_number: ln.reference for ln in s.scalars(select(PaymentLine))}
    answer = tmp_path / "answer.csv"
    answer.write_text(
        f"reference;status;reason_code\n{refs[a_number]};paid;\n{refs[b_number]};returned;AC04\n"
    )
    r = cli.invoke(app, ["assistance", "bank-response", str(answer), "--kato", "71"])
    assert r.exit_code == 0, r.output
    assert "paid 1, returned 1" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("reference;status\nNOPE;paid\n")
    r = cli.invoke(app, ["assistance", "bank-response", str(bad)])
    assert r.exit_code == 1 and "line 2, reference: unknown reference ('NOPE')" in r.output

    # income found higher: the recalculation proposes an overpayment for the paid claim only
    with Session(committed) as s:
        for calc in s.scalars(select(AssistanceCalculation)):
            calc.income_quarter_tiyn = 30_000_000  # 10 % share of 300,000 ₸ a quarter: 10,000 ₸ a month
        s.commit()
    r = cli.invoke(app, ["assistance", "recalculate", "--quarter", "2026-01", "--kato", "71"])
    assert r.exit_code == 0, r.output
    with Session(committed) as s:
        proposals = s.scalars(select(OverpaymentProposal)).all()
        assert [(p.claim_number, p.paid_tiyn, p.due_tiyn) for p in proposals] == [
            (a_number, 1_200_000, 200_000)
        ]
        assert all(p.status == "proposed" for p in proposals)
        assert s.get(PaymentLine, s.scalar(select(PaymentLine.id).where(PaymentLine.claim_id == b_id)))

    shadow_file = tmp_path / "shadow.csv"
    shadow_file.write_text(f"claim;amount\n{a_number};12000.00\n{b_number};7000.00\n")
    r = cli.invoke(
        app, ["assistance", "shadow", str(shadow_file), "--kato", "71", "--out", str(tmp_path / "d.csv")]
    )
    assert r.exit_code == 0, r.output
    assert "equal=1 differs=1" in r.output
    assert (tmp_path / "d.csv").read_text(encoding="utf-8-sig").count("\n") == 2


money = st.integers(min_value=0, max_value=50_000_000)


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(1, 6),
    income=money,
    area=st.integers(1_000, 20_000),
    months=st.integers(1, 3),
    rent=money,
    water_qty=st.integers(0, 40_000),
    tariff=st.integers(1, 50_000),
)
def test_recalculation_agrees_with_the_single_case(
    size: int, income: int, area: int, months: int, rent: int, water_qty: int, tariff: int
) -> None:
    on = date(2026, 1, 15)
    lines = (
        CostLine("rent", rent),
        CostLine("cold_water", water_qty * tariff // 1000, water_qty, tariff),
        CostLine("heat_area", area * 300 * months // 100, area * 10, 300),
    )
    incomes = (IncomeSpell("salary", income // 3, date(2025, 10, 1), date(2025, 12, 1)),)
    others = tuple(Person(f"m{i}", date(1990, 1, 1), "other") for i in range(1, size))
    members = (Person("h", date(1970, 1, 1), "head", incomes=incomes), *others)
    claim = AssistanceClaim(Family(members, "710000000"), area, "owned", months, lines)
    single = assess_assistance(claim, on)
    stored = StoredCalculation(
        claim_id=1,
        kato="710000000",
        as_of=on,
        family_size=size,
        income_quarter_tiyn=(income // 3) * 3,  # salary is counted in full
        dwelling_area_dm2=area,
        tenure="owned",
        period_months=months,
        more_than_one_dwelling=False,
        amount_period_tiyn=0,
        lines=tuple((ln.service, ln.actual_tiyn, ln.quantity_milli, ln.tariff_tiyn) for ln in lines),
    )
    assert int(recalculate([stored]).after[0]) == single.values["ha_amount"]
