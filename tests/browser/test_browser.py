"""Real Chromium against the real server: the home page on a phone in three languages, axe-core on
the public and signed-in pages, an official and a citizen signing in."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import ARTIFACTS, Site
from tests.web.builders import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
HEADINGS = {
    "kk": "Kezek: әлеуметтік тұрғын үй кезегі",
    "ru": "Kezek: очередь на социальное жильё",
    "en": "Kezek: the social housing queue",
}
axe = Axe()
# Accessibility does not depend on the database engine: axe-core runs on the SQLite pass only,
# which keeps the PostgreSQL pass to the flows that touch the database.
AXE_ENGINE = "sqlite"

# Interactive elements that must be at least 44x44 CSS pixels (links inside running text are
# exempt, as WCAG 2.5.5 allows).
SMALL_TARGETS_JS = """
() => [...document.querySelectorAll(
    'button, input:not([type=hidden]), select, nav a, a.button, .link-list a, .skip-link:focus, td a'
  )].filter(el => el.offsetParent !== null)
   .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
   .filter(([_, r]) => r.height < 44 || r.width < 44)
   .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)
"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield context
    context.close()


def assert_accessible(site: Site, page: Page, what: str, *, axe_too: bool = True) -> None:
    if axe_too and site.engine_name == AXE_ENGINE:
        results = axe.run(page)
        assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"
    assert page.evaluate(SMALL_TARGETS_JS) == [], what
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{what} scrolls sideways"
    )


def test_home_on_a_phone_in_kk_ru_en(site: Site, phone: BrowserContext):
    page = phone.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    for lang, heading in HEADINGS.items():
        page.goto(f"{site.url}/?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("h1")).to_have_text(heading)
        # The layout is the same in every language; axe once (Kazakh, the longest words), the
        # cheap checks (tap targets, no sideways scrolling) in all three.
        assert_accessible(site, page, f"home ({lang})", axe_too=lang == "kk")
        page.screenshot(path=str(ARTIFACTS / f"home-{lang}-375x812.png"))
    # The skip link is the first stop of the keyboard and becomes visible when focused.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0


def test_sign_in_pages_pass_axe_also_with_errors(site: Site, phone: BrowserContext):
    page = phone.new_page()
    for path, button in (("/official/sign-in", "Кіру"), ("/citizen/sign-in", "Код алу")):
        page.goto(site.url + path)
        assert_accessible(site, page, path)
        page.get_by_role("button", name=button).click()  # empty form: the error summary and field errors
        expect(page.locator(".error-summary")).to_be_visible()
        assert_accessible(site, page, f"{path} with errors")


def test_official_sees_own_district_and_is_refused_the_other(site: Site, browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site.url}/official/sign-in?lang=ru")
    page.get_by_label("Логин").fill("almaly")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(f"{site.url}/official")
    expect(page.locator("h1")).to_have_text("Рабочее место")
    expect(page.get_by_text("Алмалинский район (751110)")).to_be_visible()

    page.get_by_role("link", name="Найти человека").click()
    page.evaluate("window.kezekMarker = 'still the same page'")
    page.get_by_label("ИИН или фамилия").fill("Сейтқали")
    page.get_by_label("Цель").select_option("application_review")
    page.get_by_role("button", name="Найти").click()
    result = page.get_by_role("link", name=site.own_name)
    expect(result).to_be_visible()
    # htmx swapped the results in place (no reload) and put the search in the address bar.
    assert page.evaluate("window.kezekMarker") == "still the same page"
    assert "q=" in page.url
    assert_accessible(site, page, "search results")

    result.click()
    expect(page.locator("h1")).to_have_text(f"{site.own_name}")
    expect(page.get_by_text("Абай даңғылы 10")).to_be_visible()
    assert_accessible(site, page, "person page")

    response = page.goto(f"{site.url}/official/persons/{site.other_iin}?purpose=application_review")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Эта запись относится к другой территории")
    assert site.other_name not in page.content()
    assert_accessible(site, page, "403 page")
    context.close()


def test_citizen_signs_in_with_the_code_from_the_server_log(site: Site, phone: BrowserContext):
    page = phone.new_page()
    page.goto(f"{site.url}/citizen/sign-in?lang=kk")
    page.get_by_label("ЖСН").fill(site.citizen_iin)
    page.get_by_role("button", name="Код алу").click()
    expect(page.locator("h1")).to_have_text("Кодты енгізіңіз")
    assert_accessible(site, page, "code page")

    code = site.wait_for_code()
    page.get_by_label("Бір реттік код").fill(code)
    page.get_by_role("button", name="Кіру").click()
    expect(page).to_have_url(f"{site.url}/citizen")
    expect(page.locator("h1")).to_have_text("Жеке кабинет")
    expect(page.get_by_text(site.citizen_name)).to_be_visible()
    expect(page.get_by_text("********" + site.citizen_iin[-4:])).to_be_visible()
    assert_accessible(site, page, "cabinet")
    page.screenshot(path=str(ARTIFACTS / "cabinet-kk-phone.png"), full_page=True)

    log = site.log_text()
    assert site.citizen_iin not in log  # the IIN never appears in the log in clear
    assert re.search(r"iin=\*{8}" + site.citizen_iin[-4:], log)
