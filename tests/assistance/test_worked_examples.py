"""The worked examples of shared/cases/assistance.yaml through the service: claim, consents, the
state data over the sandbox, the calculation, the commission's decision and the notice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session

from kezek.assistance import notices, service
from kezek.models.assistance import AssistanceMonth
from kezek.models.notices import Notice
from kezek.notices import document
from tests.assistance.builders import BALKHASH, CHAIR, EXECUTOR, bills, claim, commit, household, item
from tests.queue.builders import KARAGANDA, jurisdiction
from tests.reference import case_file

CASES = yaml.safe_load(
    case_file("assistance.yaml").read_text(encoding="utf-8")
)
SHARE_KATO = {Decimal("0.10"): KARAGANDA, Decimal("0.08"): BALKHASH}


def tiyn(tenge: Any) -> int:
    return int(Decimal(str(tenge)) * 100)


def _as_billed(total_tiyn: int) -> list[dict[str, Any]]:
    """Costs already within the norms, billed by services that have no quantity norm."""
    half = total_tiyn // 2
    return [
        {"service": "sewerage", "unit": "month", "quantity": "1", "tiyn_per_unit": half, "amount_tiyn": half},
        {
            "service": "waste",
            "unit": "month",
            "quantity": "1",
            "tiyn_per_unit": total_tiyn - half,
            "amount_tiyn": total_tiyn - half,
        },
    ]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_example_through_the_service(s: Session, frozen, case: dict[str, Any]) -> None:
    kato = SHARE_KATO[Decimal(str(case["share_of_income"]))]
    jurisdiction(s, kato, "Balkhash" if kato == BALKHASH else "Karaganda")
    monthly_income = (
        tiyn(case["family_income_previous_quarter"]) // 3
        if "family_income_previous_quarter" in case
        else tiyn(case["family_income_month"])
    )
    size = case["family_size"]
    adults = 2 if size >= 4 else 1
    people = household(
        s,
        kato=kato,
        adults=adults,
        children=size - adults,
        head_income=monthly_income,
        income_source="pension" if size == 1 else "salary",
        owned_area_dm2=tiyn(case.get("dwelling_area_m2", 60)),
    )
    if "costs_within_norms_quarter" in case:
        items = _as_billed(tiyn(case["costs_within_norms_quarter"]) // 3)
    elif "heat_tariff_per_m2_month" in case:
        area = str(case["dwelling_area_m2"])
        items = [item("heat", "m2", area, case["heat_tariff_per_m2_month"])]
        items += _as_billed(tiyn(case["other_costs_within_norms_month"]))
    else:
        items = _as_billed(tiyn(case["costs_within_norms_month"]))
    bills(people[0], items, area_dm2=tiyn(case.get("dwelling_area_m2", 60)), residents=size)

    c = claim(s, people[0])
    assert c.status == "awaiting_consent" if adults > 1 else c.status == "fetching"
    if adults > 1:
        c = service.answer_consent(s, claim_id=c.id, person_id=people[-1].id, agree=True, actor=EXECUTOR)
    c = commit(s, c)
    assert c.status == "review", (c.status, c.fetch_error)
    calc = service.current_calculation(s, c.id)
    assert calc is not None
    expect = case["expect"]
    assert calc.family_size == size
    assert calc.income_quarter_tiyn == monthly_income * 3
    assert calc.share_ppm == int(Decimal(str(case["share_of_income"])) * 1_000_000)
    lines = {x.service: x for x in service.cost_lines(s, calc.id)}
    if "heat_cost_month" in expect:
        assert lines["heat_area"].within_tiyn == tiyn(expect["heat_cost_month"])
        assert lines["heat_area"].actual_tiyn > lines["heat_area"].within_tiyn
        assert calc.capped_area_dm2 == tiyn(expect["heat_area_m2"])
    if "costs_within_norms_month" in expect:
        assert calc.costs_within_tiyn == tiyn(expect["costs_within_norms_month"])
    for line in lines.values():
        assert (
            line.within_tiyn == min(line.actual_tiyn, line.allowed_tiyn)
            and line.rule
            and line.norm is not None
        )
    # the same trace in three languages for the officer and the citizen
    assert set(calc.trace["text"]) == {"kk", "ru", "en"}

    monthly = (
        tiyn(expect["assistance_quarter"]) // 3
        if "assistance_quarter" in expect
        else tiyn(expect["assistance_month"])
    )
    assert calc.amount_month_tiyn == monthly
    sitting = service.open_session(
        s, actor=CHAIR, kato=kato, held_on=frozen.now.date(), chair="Chair", members=["A"]
    )
    assert service.put_on_agenda(s, session_id=sitting.id, claim_ids=[c.id], actor=EXECUTOR) == 1
    assert [x.id for x in service.clear_cases(s, sitting.id)] == [c.id]
    (decision,) = service.approve_bulk(s, session_id=sitting.id, claim_ids=[c.id], actor=CHAIR)
    service.close_session(s, session_id=sitting.id, actor=CHAIR)
    s.commit()
    notice = s.get(Notice, decision.notice_id)
    assert notice is not None and notice.language == "ru"
    if monthly > 0:
        assert decision.outcome == "assigned" and decision.bulk
        # claimed in October, the first month of the quarter: October to December
        assert decision.months == 3 and decision.amount_month_tiyn == monthly
        if "assistance_quarter" in expect:
            assert decision.total_tiyn == tiyn(expect["assistance_quarter"])
        months = (
            s.query(AssistanceMonth).filter_by(decision_id=decision.id).order_by(AssistanceMonth.month).all()
        )
        assert [m.month.month for m in months] == [10, 11, 12] and {m.amount_tiyn for m in months} == {
            monthly
        }
        assert all(m.iban and m.iban.startswith("KZ") for m in months)
        assert notice.kind == "assistance_assigned"
    else:
        assert decision.outcome == "refused" and decision.reason_code == "nothing_due"
        assert "Order No. 117" in decision.legal_reference
        assert notice.kind == "assistance_refused"
    for lang in ("kk", "ru", "en"):
        assert notices.notice_pdf(notice, lang).startswith(b"%PDF-")
        # the citizen's list of notices (kezek.notices) shows the same document
        assert document.build(notice, lang) == notices.build(notice, lang)
    assert notices.protocol_pdf(service.get_session(s, sitting.id), "kk").startswith(b"%PDF-")
