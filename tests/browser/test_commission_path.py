"""The commission path in real Chromium against the real server: an officer creates a batch and
starts a run, reviews the explanations, a commission votes and approves, the offers go out, one
family accepts in its cabinet and another refuses with a reason, and anyone reads the public journal."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kezek.allocation import journal
from kezek.models.allocation import Offer
from kezek.models.registry import Person
from tests.allocation.builders import dwelling, eligible
from tests.browser.conftest import Site
from tests.web.builders import ALMALY, PASSWORD, add_official

pytestmark = pytest.mark.browser

CODE = re.compile(r"citizen sign-in code.*?\bcode=(\d{6})\b")
axe = Axe()


def accessible(site: Site, page: Page, what: str) -> None:
    """axe-core finds no violation (on the SQLite pass only: accessibility does not depend on the engine)."""
    if site.engine_name == "sqlite":
        results = axe.run(page)
        assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def _seed(engine: Engine) -> None:
    with Session(engine) as db:
        eligible(db, kato=ALMALY, list_code="priority", minutes=1, size=2)
        eligible(db, kato=ALMALY, list_code="general", minutes=2, size=1)
        eligible(db, kato=ALMALY, list_code="priority", minutes=3, size=2, inventory="failed")
        eligible(db, kato=ALMALY, list_code="priority", minutes=4, size=2)
        for rooms, area in ((2, "32"), (2, "33"), (1, "25")):
            dwelling(db, kato=ALMALY, rooms=rooms, area_m2=area)
        add_official(
            db, username="bolu", roles=("distribution_officer", "commission_member"), scopes=("751110",)
        )
        db.commit()


def _sign_in_citizen(site: Site, page: Page, iin: str) -> None:
    before = len(CODE.findall(site.log_text()))
    page.goto(f"{site.url}/citizen/sign-in?lang=en")
    page.get_by_label("IIN").fill(iin)
    page.get_by_role("button", name="Get a code").click()
    deadline = time.monotonic() + 10
    while len(found := CODE.findall(site.log_text())) <= before:
        assert time.monotonic() < deadline, "no sign-in code in the server log"
        time.sleep(0.1)
    page.get_by_label("One-time code").fill(found[-1])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/citizen")


def test_commission_path(site: Site, browser: Browser, engine: Engine):
    _seed(engine)
    officer = browser.new_context(viewport={"width": 1280, "height": 900})
    page = officer.new_page()
    page.goto(f"{site.url}/official/sign-in?lang=en")
    page.get_by_label("Username").fill("bolu")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/official")

    # The housing stock: the list, a dwelling entered with a mistake first, the hand-over form.
    page.goto(f"{site.url}/official/stock?lang=en")
    expect(page.get_by_text("3 dwellings.")).to_be_visible()
    accessible(site, page, "stock list")
    page.goto(f"{site.url}/official/stock/new?lang=en")
    page.get_by_label("Locality (KATO)").select_option(ALMALY)
    page.get_by_label("Address").fill("Төле би көшесі 5, 12-пәтер")
    page.get_by_label("Rooms").fill("0")
    page.get_by_label("Useful area, m²").fill("48,5")
    page.get_by_label("Rental from the communal fund").check()
    page.get_by_label("Source programme").fill("Нұрлы жер")
    page.get_by_role("button", name="Save the dwelling").click()
    expect(page.locator(".error-summary")).to_contain_text("number of rooms")
    accessible(site, page, "stock form with an error")
    page.get_by_label("Rooms").fill("2")
    page.get_by_label("Awaiting hand-over").check()
    page.get_by_role("button", name="Save the dwelling").click()
    expect(page.get_by_role("status")).to_contain_text("The dwelling is saved.")
    page.goto(f"{site.url}/official/stock/handover?lang=en")
    page.get_by_label(re.compile("Төле би көшесі 5")).check()
    page.get_by_label("Act number").fill("17")
    page.get_by_label("Act date").fill("2026-11-30")
    page.get_by_label("Handed over by (the akimat)").fill("Алмалы ауданының әкімдігі")
    page.get_by_label("Received by (the distributing body)").fill("Отбасы банк")
    accessible(site, page, "hand-over form")
    page.get_by_role("button", name="Record the act").click()
    expect(page.locator("h1")).to_contain_text("17")
    page.goto(f"{site.url}/official/allocation/fairness?lang=en")
    accessible(site, page, "fairness report")

    # A batch of the available dwellings (the one just handed over stays out), and a run.
    page.goto(f"{site.url}/official/allocation/batches/new?lang=en")
    accessible(site, page, "new batch")
    page.get_by_label("Title").fill("Желтоқсан 2026")
    for box in page.locator('input[name="dwelling"]').all():
        if "Төле би" not in (box.evaluate("el => el.labels[0].textContent") or ""):
            box.check()
    page.get_by_role("button", name="Create the batch").click()
    expect(page.locator("h1")).to_have_text("Желтоқсан 2026")
    page.get_by_role("button", name="Start a run").click()
    expect(page.locator("h1")).to_contain_text("Draft")

    # Every family considered is explained: three received a dwelling, one was not considered.
    rows = page.locator("table.explanations tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator('tr[data-outcome="assigned"]')).to_have_count(3)
    accessible(site, page, "run with explanations")
    expect(page.get_by_text("Not considered: the family did not pass the inventory check")).to_be_visible()
    page.get_by_role("link", name="Received none").click()
    expect(rows).to_have_count(1)
    page.goto(page.url.split("?")[0] + "?lang=ru")
    expect(page.get_by_text("семья не прошла инвентаризацию", exact=False)).to_be_visible()
    page.goto(page.url.split("?")[0] + "?lang=en")

    # The commission: session, two votes for, decision.
    page.get_by_label("Protocol number").fill("Х-12/2026")
    page.get_by_label("Date of the session").fill("2026-12-01")
    page.get_by_label("Place", exact=True).fill("Алмалы ауданының әкімдігі, 2-зал")
    page.get_by_label("Agenda").fill("Үш пәтерді бөлу")
    page.get_by_label("Quorum").fill("2")
    page.get_by_label("Member 1: full name").fill("Серікова Айгүл")
    page.get_by_label("Member 2: full name").fill("Иванов Пётр")
    page.get_by_role("button", name="Open the session").click()
    expect(page.locator("#commission")).to_contain_text("Х-12/2026")
    for _ in range(2):
        page.get_by_role("button", name="Record the vote").first.click()
        page.wait_for_load_state()
    expect(page.get_by_role("button", name="Record the vote")).to_have_count(0)
    page.get_by_role("button", name="Close the vote and decide").click()
    expect(page.locator("h1")).to_contain_text("Approved")
    expect(page.get_by_role("link", name="Protocol in Kazakh (PDF)")).to_be_visible()
    accessible(site, page, "approved run")
    page.get_by_role("link", name="What if: compare with another policy").click()
    page.get_by_label("Method").select_option("largest_remainder")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("Lists side by side")).to_be_visible()
    accessible(site, page, "what-if")
    page.go_back()
    page.go_back()

    page.get_by_role("link", name="Offers to families").click()
    expect(page.locator('tr[data-status="pending"]')).to_have_count(3)
    accessible(site, page, "offers of the run")
    officer.close()

    with Session(engine) as db:
        pending = db.scalars(
            select(Offer).where(Offer.status == "pending").order_by(Offer.rank, Offer.id)
        ).all()
        first, second = pending[0], pending[1]
        first_iin = db.get(Person, first.person_id).iin  # type: ignore[union-attr]
        second_iin = db.get(Person, second.person_id).iin  # type: ignore[union-attr]

    # One family accepts in its cabinet...
    cabinet = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = cabinet.new_page()
    _sign_in_citizen(site, page, first_iin)
    page.goto(f"{site.url}/citizen/offers?lang=en")
    accessible(site, page, "citizen's offers")
    page.get_by_role("button", name="Accept this dwelling").click()
    expect(page.get_by_role("status")).to_contain_text("You accepted the dwelling")
    expect(page.locator('section[data-status="accepted"]')).to_have_count(1)
    cabinet.close()

    # ...another refuses, with the reason.
    cabinet = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = cabinet.new_page()
    _sign_in_citizen(site, page, second_iin)
    page.goto(f"{site.url}/citizen/offers?lang=en")
    page.get_by_role("button", name="Refuse this dwelling").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose the reason for refusing")
    page.get_by_label("Health — no penalty").check()
    page.get_by_role("button", name="Refuse this dwelling").click()
    expect(page.get_by_role("status")).to_contain_text("Your refusal is recorded")
    cabinet.close()

    with Session(engine) as db:
        assert db.get(Offer, first.id).status == "accepted"  # type: ignore[union-attr]
        refused = db.get(Offer, second.id)
        assert refused is not None and refused.status == "refused" and refused.refusal_reason == "health"

    # Anyone, without signing in, reads the journal and can download and re-check it.
    public = browser.new_context()
    page = public.new_page()
    page.goto(f"{site.url}/public/allocation/journal?lang=en")
    expect(page.get_by_role("status")).to_contain_text("checks out")
    expect(page.get_by_text("Offer accepted")).to_be_visible()
    accessible(site, page, "public journal")
    expect(page.get_by_text("Х-12/2026").first).to_be_visible()
    href = page.get_by_role("link", name="Download the journal (CSV)").get_attribute("href")
    csv_text = httpx.get(f"{site.url}{href}").text
    assert journal.verify_text(csv_text).ok
    page.goto(f"{site.url}/public/allocation/fairness?kato={ALMALY}&lang=en")
    expect(page.locator("svg")).to_be_visible()
    expect(page.get_by_text("Received (accepted)")).to_be_visible()
    accessible(site, page, "public fairness")
    page.goto(f"{site.url}/public/allocation/waits?kato={ALMALY}&lang=en")
    expect(page.get_by_text("never a promise").first).to_be_visible()
    accessible(site, page, "public waits")
    public.close()
