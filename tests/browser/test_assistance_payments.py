"""Real Chromium against the real server: an executor generates the month's payment registries,
opens one, downloads its pain.001, marks it sent, imports the bank's response (a bad file first,
refused with the row named) and corrects a returned payment; the reports page shows its charts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kezek.models.payments import PaymentLine, PaymentRegistry
from tests.assistance.payments_builders import assigned_claim
from tests.browser.conftest import Site
from tests.web.builders import ALMALY, PASSWORD

pytestmark = pytest.mark.browser
axe = Axe()
JAN = date(2026, 1, 1)


def accessible(site: Site, page: Page, what: str) -> None:
    if site.engine_name == "sqlite":  # accessibility does not depend on the engine
        results = axe.run(page)
        assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def test_registry_generated_and_bank_response_imported(
    site: Site, browser: Browser, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as s:
        paid = assigned_claim(s, kato=ALMALY, months=(JAN,), amount_month=1_234_500, bank="601")
        back = assigned_claim(s, kato=ALMALY, months=(JAN,), amount_month=800_000, bank="601")
        s.commit()
        paid_number, back_number = paid.number, back.number

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{site.url}/official/sign-in?lang=ru")
    page.get_by_label("Логин").fill("almaly")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{site.url}/official")

    page.goto(f"{site.url}/official/assistance/payments?month=2026-01")
    expect(page.locator("h1")).to_have_text("Выплаты жилищной помощи")
    accessible(site, page, "payments page")
    page.get_by_label("Месяц (ГГГГ-ММ)", exact=True).fill("2026-01")
    page.get_by_role("button", name="Сформировать").click()
    expect(page.get_by_role("status")).to_contain_text("HA202601-751110-601-1")
    expect(page.get_by_role("cell", name="20345.00").first).to_be_visible()

    page.get_by_role("link", name="HA202601-751110-601-1").click()
    expect(page.locator("h1")).to_contain_text("HA202601-751110-601-1")
    expect(page.get_by_text(paid_number)).to_be_visible()
    accessible(site, page, "registry page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать XML pain.001 для банка").click()
    xml = Path(download.value.path()).read_text(encoding="utf-8")
    assert "<NbOfTxs>2</NbOfTxs>" in xml and "<CtrlSum>20345.00</CtrlSum>" in xml
    page.get_by_role("button", name="Отметить как отправленный в банк").click()
    expect(page.locator("#registry-status")).to_have_text("отправлен")
    expect(page.get_by_role("button", name="Отметить как отправленный в банк")).to_have_count(0)

    with Session(engine) as s:
        refs = {ln.claim_number: ln.reference for ln in s.scalars(select(PaymentLine))}
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"reference;status\n{refs[paid_number]};paid\n{refs[back_number]};возврат\n", encoding="utf-8"
    )
    page.goto(f"{site.url}/official/assistance/payments?month=2026-01")
    page.get_by_label("Файл ответа банка (CSV)").set_input_files(str(bad))
    page.locator("form[action$='/payments/responses'] button").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(
        page.get_by_text("Строка 3, столбец reason: для возвращённого платежа нужна причина")
    ).to_be_visible()
    accessible(site, page, "refused bank response")

    good = tmp_path / "answer.csv"
    good.write_text(
        "reference;status;reason_code;reason\n"
        f"{refs[paid_number]};paid;;\n{refs[back_number]};returned;AC04;счёт закрыт\n",
        encoding="utf-8",
    )
    page.get_by_label("Файл ответа банка (CSV)").set_input_files(str(good))
    page.locator("form[action$='/payments/responses'] button").click()
    expect(page.get_by_role("status")).to_contain_text("оплачено 1, возвращено 1")

    page.get_by_role("link", name="Возвращённые платежи (1)").click()
    expect(page.get_by_role("cell", name=back_number, exact=True)).to_be_visible()
    accessible(site, page, "returned payments")
    page.get_by_label(f"IBAN для дела {back_number}").fill("KZ86125KZT5004100100")
    page.get_by_role("button", name="Исправить").click()
    expect(page.get_by_text("Возвращённых платежей в ожидании нет.")).to_be_visible()

    with Session(engine) as s:
        statuses = {ln.claim_number: ln.status for ln in s.scalars(select(PaymentLine))}
        registry = s.scalars(select(PaymentRegistry)).one()
    assert statuses == {paid_number: "paid", back_number: "returned"}
    assert registry.status == "closed" and registry.sha256

    page.goto(f"{site.url}/official/assistance/reports?year=2026")
    expect(page.locator("svg[role=img]")).to_have_count(2)
    expect(page.get_by_role("row", name="2026-01")).to_contain_text("12345.00")
    accessible(site, page, "reports page")
    context.close()
