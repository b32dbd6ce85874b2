"""Housing assistance end to end in Chromium against the real server: a citizen claims, the second
adult consents in her own cabinet, the state data come from the sandbox (jobs run in the server's
inline worker), the officer reviews the trace, the commission decides in a session, the citizen sees
the amount and downloads the PDF notice."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kezek.models.assistance import AssistanceCalculation, AssistanceClaim, AssistanceDecision
from kezek.models.registry import AddressRegistration, FamilyMember, Person
from kezek.models.statedata import IncomeSpell, PropertyRecord
from kezek.sandbox.app import create_sandbox_app
from tests.applications.world import ServedApp
from tests.browser.conftest import ANSI, ARTIFACTS, empty_tables, served_kezek, wait_until_up
from tests.web.builders import ALMALY, PASSWORD, add_jurisdictions, add_official, add_person

pytestmark = pytest.mark.browser


@dataclass
class HaSite:
    url: str
    log: Path
    engine: Engine
    head_iin: str
    spouse_iin: str

    def codes(self) -> list[str]:
        text = ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace"))
        return re.findall(r"citizen sign-in code.*?\bcode=(\d{6})\b", text)


def _seed(engine: Engine) -> tuple[str, str]:
    with Session(engine) as session:
        add_jurisdictions(session)
        head = add_person(
            session, kato=ALMALY, surname="Сейтқали", given_name="Ерұлан", address="Абай даңғылы 10", serial=7
        )
        spouse = add_person(
            session, kato=ALMALY, surname="Сейтқалиева", given_name="Әйгерім", sex="F", born=date(1991, 4, 2)
        )
        session.add(
            AddressRegistration(
                person_id=spouse.id, kato=ALMALY, address="Абай даңғылы 10", registered_from=date(2016, 1, 1)
            )
        )
        family_id = session.scalar(select(FamilyMember.family_id).where(FamilyMember.person_id == head.id))
        session.add(FamilyMember(family_id=family_id, person_id=spouse.id, relation="spouse"))
        session.add(
            IncomeSpell(
                person_id=head.id,
                source="salary",
                monthly_tiyn=2_000_000,
                from_month=date(2024, 1, 1),
                to_month=None,
            )
        )
        session.add(
            PropertyRecord(
                person_id=head.id,
                kato=ALMALY,
                kind="flat",
                area_dm2=5400,
                acquired_on=date(2014, 6, 1),
                acquisition="purchase",
            )
        )
        add_official(session, username="ha_exec", roles=("executor",), scopes=("751110",))
        add_official(
            session,
            username="ha_chair",
            roles=("head", "commission_member"),
            scopes=("751110",),
            full_name="Бауыржан Омаров",
        )
        session.commit()
        return head.iin, spouse.iin


@pytest.fixture(scope="module")
def ha_site(engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HaSite]:
    sandbox = ServedApp(create_sandbox_app(database_url)).start()
    log = tmp_path_factory.mktemp("ha-server") / "server.log"
    settings = {
        "KEZEK_WORKER_MODE": "inline",
        "KEZEK_STATE_SANDBOX_URL": sandbox.url,
        "KEZEK_OUTBOX_DIR": str(tmp_path_factory.mktemp("ha-outbox")),
    }
    try:
        with served_kezek(engine, log, **settings) as (url, _):
            head_iin, spouse_iin = _seed(engine)
            wait_until_up(url, log)
            yield HaSite(url, log, engine, head_iin, spouse_iin)
    finally:
        sandbox.stop()
        empty_tables(engine)


def citizen_sign_in(site: HaSite, context: BrowserContext, iin: str) -> Page:
    page = context.new_page()
    page.goto(f"{site.url}/citizen/sign-in?lang=ru")
    before = len(site.codes())
    page.get_by_label("ИИН").fill(iin)
    page.get_by_role("button", name="Получить код").click()
    deadline = time.monotonic() + 10
    while len(site.codes()) <= before:
        assert time.monotonic() < deadline, "no sign-in code in the server log"
        time.sleep(0.1)
    page.get_by_label("Одноразовый код").fill(site.codes()[-1])
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{site.url}/citizen")
    return page


def official_sign_in(site: HaSite, context: BrowserContext, username: str) -> Page:
    page = context.new_page()
    page.goto(f"{site.url}/official/sign-in?lang=ru")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{site.url}/official")
    return page


def claim_row(site: HaSite) -> AssistanceClaim:
    with Session(site.engine) as session:
        claim = session.scalars(select(AssistanceClaim).order_by(AssistanceClaim.id.desc())).first()
        assert claim is not None
        session.expunge(claim)
        return claim


def test_claim_consent_review_commission_notice(ha_site: HaSite, browser: Browser) -> None:
    site = ha_site
    ARTIFACTS.mkdir(exist_ok=True)
    # 1. The head of the family claims for this quarter.
    head_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = citizen_sign_in(site, head_ctx, site.head_iin)
    page.goto(f"{site.url}/citizen/assistance?lang=ru")
    expect(page.locator("h1")).to_have_text("Жилищная помощь")
    page.locator("#new-claim").click()
    page.get_by_label("Единственное жильё в собственности семьи").check()
    page.get_by_label("Язык переписки").select_option("ru")
    page.locator("#submit-claim").click()  # without the consent: the form names what is missing
    expect(page.locator(".error-summary")).to_contain_text("нужно ваше согласие")
    page.get_by_label("Язык переписки").select_option("ru")
    page.locator("#consent").check()
    page.locator("#submit-claim").click()
    expect(page.locator("#claim-status")).to_have_text("Ожидается согласие совершеннолетних членов семьи")
    expect(page.locator("#claim-due")).to_contain_text("срок начнётся")
    claim = claim_row(site)

    # 2. The second adult consents in her own cabinet.
    spouse_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    spouse = citizen_sign_in(site, spouse_ctx, site.spouse_iin)
    spouse.goto(f"{site.url}/citizen/assistance?lang=ru")
    spouse.get_by_role("link", name=re.compile(f"{claim.number}: ")).click()
    expect(spouse.get_by_role("heading", name="Запрошено ваше согласие")).to_be_visible()
    spouse.locator("#consent-agree").click()
    expect(spouse.locator("#claim-status")).not_to_have_text(
        "Ожидается согласие совершеннолетних членов семьи"
    )
    spouse_ctx.close()

    # The server's worker fetches the state data from the sandbox and calculates.
    deadline = time.monotonic() + 60
    while claim_row(site).status in ("fetching", "awaiting_consent"):
        assert time.monotonic() < deadline, f"the claim did not advance: {claim_row(site).fetch_error}"
        time.sleep(0.5)
    claim = claim_row(site)
    assert claim.status == "review", (claim.status, claim.review_note)
    with Session(site.engine) as session:
        calc = session.scalars(
            select(AssistanceCalculation).where(AssistanceCalculation.claim_id == claim.id)
        ).one()
        amount = calc.amount_month_tiyn
    assert amount > 0 and claim.proposed_outcome == "assigned"

    # 3. The officer reviews the same trace the citizen sees.
    office = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = official_sign_in(site, office, "ha_exec")
    officer.goto(f"{site.url}/official/assistance/claims?lang=ru")
    officer.get_by_role("link", name=claim.number).click()
    expect(officer.locator("#cost-lines")).to_be_visible()
    officer_amount = officer.locator("#calc-amount").inner_text()
    officer_trace = officer.locator("#trace").inner_text()
    expect(officer.locator("#proposal")).to_contain_text("назначение")
    page.goto(f"{site.url}/citizen/assistance/{claim.id}?lang=ru")
    assert page.locator("#calc-amount").inner_text() == officer_amount
    assert page.locator("#trace").inner_text() == officer_trace
    office.close()

    # 4. The commission: a session, the claim on the agenda, the clear case approved, the protocol.
    chair_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    chair = official_sign_in(site, chair_ctx, "ha_chair")
    chair.goto(f"{site.url}/official/assistance/sessions?lang=ru")
    chair.get_by_label("Район (КАТО)").fill(ALMALY)
    chair.locator("#open-session").click()
    expect(chair.locator("h1")).to_contain_text("Заседание комиссии")
    chair.locator("#put-on-agenda").click()
    chair.locator("#approve-bulk").click()
    expect(chair.locator("#agenda")).to_contain_text("пакетом")
    chair.locator("#close-session").click()
    expect(chair.locator("#session-status")).to_have_text("закрыто")
    protocol = chair.request.get(site.url + (chair.locator("#protocol-kk").get_attribute("href") or ""))
    assert protocol.ok and protocol.body().startswith(b"%PDF-")
    chair_ctx.close()

    with Session(site.engine) as session:
        decision = session.scalars(
            select(AssistanceDecision).where(AssistanceDecision.claim_id == claim.id)
        ).one()
        assert decision.outcome == "assigned" and decision.bulk and decision.amount_month_tiyn == amount

    # 5. The citizen sees the amount and downloads the notice in her language and in Kazakh.
    page.goto(f"{site.url}/citizen/assistance/{claim.id}?lang=ru")
    expect(page.locator("#claim-status")).to_have_text("Жилищная помощь назначена")
    expect(page.locator("#decision-amount")).to_contain_text(officer_amount.replace("\u00a0", "\u00a0"))
    page.screenshot(path=str(ARTIFACTS / "assistance-claim-assigned-ru.png"), full_page=True)
    for suffix in ("", "?doc_lang=kk"):
        pdf = page.request.get(f"{site.url}/citizen/assistance/{claim.id}/notice.pdf{suffix}")
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF-")
    head_ctx.close()
    with Session(site.engine) as session:
        assert session.get(Person, claim.applicant_person_id) is not None
    # Registry generation and the bank's response (payments) are appended here once they land.
