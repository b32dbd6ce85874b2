"""Reports for the social protection department: by district and month, budget against allocation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from kezek.assistance import payments as pay
from kezek.assistance import reports
from kezek.assistance.reports_svg import Series, bar_chart
from kezek.errors import OutOfScope, ValidationFailed
from kezek.models.assistance import AssistanceDecision
from tests.assistance.payments_builders import ACTOR, assigned_claim

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def test_report_by_district_and_month(db: Session) -> None:
    assigned_claim(db, kato="711110000", months=(JAN, FEB, MAR), amount_month=1_000_000)
    assigned_claim(db, kato="711110000", months=(FEB, MAR), amount_month=500_000)
    assigned_claim(db, kato="711210000", months=(MAR,), amount_month=250_000)
    assigned_claim(db, kato="751110000", months=(JAN,), amount_month=9_999_999)  # Almaty: not in scope
    refused = assigned_claim(db, kato="711210000", months=(FEB,), amount_month=1)
    decision = db.query(AssistanceDecision).filter_by(claim_id=refused.id).one()
    decision.outcome = "refused"
    # 31 January 20:00 UTC is 1 February in Almaty: counted in February
    decision.decided_at = datetime(2026, 1, 31, 20, 0, tzinfo=UTC)
    db.flush()
    g = pay.generate_registries(db, month=FEB, kato_prefix="71", actor=ACTOR)
    for reg in g.registries:
        pay.send_registry(db, reg.registry_id, actor=ACTOR, scopes=["71"])
    from sqlalchemy import select

    from kezek.models.payments import PaymentLine

    sent = db.scalars(select(PaymentLine).where(PaymentLine.for_month == JAN)).all()
    body = "reference;status\n" + "".join(f"{ln.reference};paid\n" for ln in sent)
    pay.import_bank_response(db, body.encode(), file_name="a.csv", actor=ACTOR, scopes=["71"])
    reports.set_budget(db, kato="71", year=2026, amount_tiyn=100_000_000, actor=ACTOR, scopes=["71"])

    rep = reports.build_report(db, year=2026, scopes=["71"])
    assert rep.districts == ["711110000", "711210000"]
    assert rep.cell("711110000", JAN) == reports.Cell(1, 1_000_000, 1_000_000, 0)
    assert rep.cell("711110000", FEB) == reports.Cell(2, 1_500_000, 0, 0)
    assert rep.cell("711210000", FEB).refusals == 1
    assert rep.cell("711210000", MAR) == reports.Cell(1, 250_000, 0, 0)
    assert rep.month_total(MAR).assigned_tiyn == 1_750_000
    [budget] = rep.budgets
    assert (budget.allocation_tiyn, budget.paid_tiyn) == (100_000_000, 1_000_000)
    assert budget.used_percent == pytest.approx(1.0)
    text = reports.report_csv(rep, "en").decode("utf-8-sig").splitlines()
    assert text[0].startswith("District (KATO);District;Month;Recipients")
    assert "711110000;711110000;2026-01;1;10000.00;10000.00;0" in text
    assert ";Total;2026-03;3;17500.00;0.00;0" in text
    with pytest.raises(ValidationFailed):
        reports.build_report(db, year=1990, scopes=["71"])
    with pytest.raises(OutOfScope):
        reports.set_budget(db, kato="75", year=2026, amount_tiyn=1, actor=ACTOR, scopes=["71"])


def test_bar_chart_is_accessible_svg() -> None:
    svg = bar_chart(
        "c1",
        "Recipients <by month>",
        ["01", "02"],
        [Series("Paid", (10, 250)), Series("Assigned", (20, 300))],
        reference=("Allocation", 400),
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "Recipients &lt;by month&gt;" in svg
    assert svg.count("<rect") == 4 + 2  # four bars and two legend keys
    assert "Allocation: 400" in svg
    assert "<script" not in svg
