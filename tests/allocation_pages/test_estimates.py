"""Wait estimates from the ledger: yearly flows rebuilt from today's length, realised waits, pages."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kezek.allocation import estimates
from kezek.rules.waiting import YearFlow, wait_years
from tests.allocation_pages.builders import add_entry, add_event, add_list, at
from tests.web.builders import ALMALY, add_jurisdictions

AS_OF = date(2026, 6, 1)


def _history(db: Session):
    """10 active families now; per year: joined, housed, removed (see the expected flows below)."""
    add_jurisdictions(db)
    queue_list = add_list(db, ALMALY)
    active = [
        add_entry(db, queue_list, registered=at(2019, 1, 1 + i), position=i + 1, serial=i) for i in range(10)
    ]
    anyone = add_entry(db, queue_list, registered=at(2018), status="removed", serial=40)
    plan = {2023: (5, 1, 1), 2024: (4, 2, 2), 2025: (6, 3, 1), 2026: (3, 1, 0)}
    for year, (joined, housed, removed) in plan.items():
        for _ in range(joined):
            add_event(db, anyone, kind="registered", delta=1, when=at(year, 2))
        for k in range(housed):
            # Waited since 2018 + k years: housed in September (2023-2025) or March (2026).
            add_event(
                db,
                anyone,
                kind="housed",
                delta=-1,
                when=at(year, 9 if year < 2026 else 3),
                registered=at(2018 + k, 9 if year < 2026 else 3),
            )
        for _ in range(removed):
            add_event(db, anyone, kind="removed", delta=-1, when=at(year, 4))
    add_event(db, anyone, kind="inventory_failed", delta=0, when=at(2025, 5))  # in place: not an exit
    add_event(db, anyone, kind="registered", delta=1, when=at(2012))  # before the years observed
    return queue_list, active


def test_year_flows_are_rebuilt_backwards_from_today(db: Session):
    queue_list, _ = _history(db)
    flows = estimates.year_flows(db, queue_list, AS_OF)
    # Length: end of 2025 = 10 - (3 - 1) = 8, start of 2025 = 8 - 2 = 6; 2024 net 0; 2023 net +3.
    assert flows == (
        YearFlow(2023, housed=1, exits=1, joined=5, mean_length=4.5),
        YearFlow(2024, housed=2, exits=2, joined=4, mean_length=6.0),
        YearFlow(2025, housed=3, exits=1, joined=6, mean_length=7.0),
    )
    assert [f.year for f in estimates.year_flows(db, queue_list, AS_OF, years=1)] == [2025]
    late = add_list(db, ALMALY, code="priority", opened=date(2025, 7, 1))
    assert [f.year for f in estimates.year_flows(db, late, AS_OF)] == [2025]
    assert estimates.year_flows(db, late, date(2025, 12, 1)) == ()


def test_realised_waits_of_the_last_twelve_months(db: Session):
    queue_list, _ = _history(db)
    realised = estimates.realised_waits(db, queue_list.id, AS_OF)
    # Housed in 2025-09 (registered 2018-09, 2019-09, 2020-09) and 2026-03 (registered 2018-03).
    assert realised.count == 4
    assert realised.min_years == pytest.approx(5.0, abs=0.01)
    assert realised.max_years == pytest.approx(8.0, abs=0.01)
    assert realised.median_years == pytest.approx(6.5, abs=0.01)  # of 5, 6, 7 and 8 years
    assert estimates.realised_waits(db, queue_list.id, date(2030, 1, 1)).count == 0


def test_entry_estimate_and_the_citizen_block(db: Session, client: TestClient):
    _, active = _history(db)
    found = estimates.entry_estimate(db, active[4], AS_OF)
    assert found is not None and found.position == 5
    assert found.estimate is not None
    s, theta = 2.0, (1 / 4.5 + 2 / 6 + 1 / 7) / 3
    assert found.estimate.years == pytest.approx(wait_years(5, s, theta))
    assert found.estimate.years < 5 / s
    assert found.estimate.low == pytest.approx(wait_years(5, 3, 2 / 6))
    assert found.estimate.high == pytest.approx(wait_years(5, 1, 1 / 7))
    active[0].status = "housed"
    assert estimates.entry_estimate(db, active[0], AS_OF) is None

    templates = client.app.state.templates  # type: ignore[attr-defined]
    from kezek.web import i18n

    i18n.set_language("en")
    html = templates.env.get_template("allocation/_estimate.html").render(wait_estimate=found, lang="en")
    assert "never a promise" in html
    assert f"{found.estimate.years:.1f} years" in html
    assert "From place 5" in html and "4 families were housed" in html
    i18n.set_language("ru")
    assert "никогда не обещание" in templates.env.get_template("allocation/_estimate.html").render(
        wait_estimate=found, lang="ru"
    )
    assert templates.env.get_template("allocation/_estimate.html").render(wait_estimate=None).strip() == ""


def test_public_list_summary(db: Session, client: TestClient):
    _history(db)
    page = client.get(f"/public/allocation/waits?kato={ALMALY}&lang=en")
    assert page.status_code == 200, page.text
    assert "never a promise" in page.text and "10 families are waiting." in page.text
    # Places at a quarter, half and the end of the list: 3, 5, 10.
    for rank in (3, 5, 10):
        assert f"<td>{rank}</td>" in page.text
    assert client.get("/public/allocation/waits?kato=abc&lang=en").status_code == 422
    empty = client.get("/public/allocation/waits?lang=en")
    assert empty.status_code == 200 and "Choose a jurisdiction" in empty.text
