"""The whole queue path in real Chromium against the real server on the embedded default (jobs run
by the worker inside the web process, the state systems answered by the sandbox on loopback):

- a citizen signs in with the one-time code, applies, gets the receipt, is registered automatically,
  sees the queue number, finds themselves on the published list and downloads the PDF notice;
- a case that needs review goes executor → head and is signed.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kezek.sandbox.app import create_sandbox_app
from kezek.settings import PROJECT_ROOT
from tests.applications.world import ServedApp
from tests.browser.conftest import ANSI, ARTIFACTS, empty_tables, served_kezek, wait_until_up
from tests.web.builders import ALMALY, PASSWORD, add_jurisdictions, add_official, add_person

pytestmark = pytest.mark.browser

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
axe = Axe()


def assert_axe_clean(site: QueueSite, page: Page, what: str) -> None:
    """axe-core finds no violation (on the SQLite pass only: accessibility does not depend on the engine)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{what} scrolls sideways"
    )
    if site.engine_name == "sqlite":
        results = axe.run(page)
        assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


@dataclass
class QueueSite:
    url: str
    log: Path
    env: dict[str, str]
    engine_name: str
    citizen_iin: str
    reviewed_iin: str

    def wait_for_code(self, after: int, timeout: float = 15.0) -> str:
        """The newest one-time code the server wrote to its log (the embedded default's delivery)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace"))
            found = re.findall(r"citizen sign-in code.*?\bcode=(\d{6})\b", text)
            if len(found) > after:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError("no new code in the server log")

    def codes_so_far(self) -> int:
        text = ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace"))
        return len(re.findall(r"citizen sign-in code.*?\bcode=(\d{6})\b", text))


def _seed(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        add_jurisdictions(session)
        citizen = add_person(
            session, kato=ALMALY, surname="Сапаров", given_name="Ержан", address="Абай даңғылы 52", serial=300
        )
        reviewed = add_person(
            session,
            kato=ALMALY,
            surname="Жұмабаева",
            given_name="Әсел",
            sex="F",
            born=date(1988, 3, 15),
            address="Кенесары көшесі 40",
            serial=310,
        )
        add_official(session, username="executor.almaly", roles=("executor",), scopes=("7511",))
        add_official(session, username="head.almaly", roles=("head",), scopes=("7511",))
        session.commit()
        return {"citizen_iin": citizen.iin, "reviewed_iin": reviewed.iin}


@pytest.fixture(scope="module")
def queue_site(engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[QueueSite]:
    database_url = engine.url.render_as_string(hide_password=False)
    seeded = _seed(engine)
    sandbox = ServedApp(create_sandbox_app(database_url)).start()
    log = tmp_path_factory.mktemp("queue-server") / "server.log"
    settings = {
        "KEZEK_WORKER_MODE": "inline",
        "KEZEK_STATE_SANDBOX_URL": sandbox.url,
        "KEZEK_OUTBOX_DIR": str(tmp_path_factory.mktemp("outbox")),
    }
    try:
        with served_kezek(engine, log, **settings) as (url, env):
            wait_until_up(url, log)
            yield QueueSite(url=url, log=log, env=env, engine_name=engine.dialect.name, **seeded)
    finally:
        sandbox.stop()
        empty_tables(engine)


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A phone: the citizen's path is walked on a 375 px wide screen."""
    ctx = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, accept_downloads=True
    )
    yield ctx
    ctx.close()


def citizen_signs_in(site: QueueSite, page: Page, iin: str) -> None:
    before = site.codes_so_far()
    page.goto(f"{site.url}/citizen/sign-in?lang=en")
    page.get_by_label("IIN").fill(iin)
    page.get_by_role("button", name="Get a code").click()
    page.get_by_label("One-time code").fill(site.wait_for_code(before))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{site.url}/citizen")


def official_signs_in(site: QueueSite, page: Page, username: str) -> None:
    page.goto(f"{site.url}/official/sign-in?lang=en")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{site.url}/official")


def apply(page: Page, site: QueueSite, *, claim: str | None = None) -> str:
    page.goto(f"{site.url}/citizen/applications/new")
    expect(page.locator("h1")).to_have_text("Apply for the housing queue")
    page.get_by_role("button", name="Send the application").click()  # no consent: a form error
    expect(page.locator(".error-summary")).to_contain_text(
        "The application needs your consent to obtain data from the state systems."
    )
    assert_axe_clean(site, page, "apply form with an error")
    page.get_by_label("Қазақша").check()
    page.get_by_label("District or city where you ask to be registered").select_option(ALMALY)
    if claim:
        page.locator(f'input[name="claimed"][value="{claim}"]').check()
    page.get_by_label("Mobile phone for SMS").fill("+77011234567")
    page.get_by_label(re.compile("I consent to Kezek")).check()
    page.get_by_role("button", name="Send the application").click()
    number = page.locator("#receipt-number").inner_text()
    assert re.fullmatch(r"\d{8}-\d{7}", number)
    expect(page.locator("h1")).to_have_text(f"Application {number}")
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", page.locator("#receipt-deadline").inner_text())
    assert_axe_clean(site, page, "receipt")
    return number


def wait_for_status(page: Page, text: str, timeout: float = 30.0) -> None:
    """The worker inside the server advances the case; the page is reloaded until it shows ``text``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in page.locator("#case-status").inner_text():
            return
        time.sleep(0.5)
        page.reload()
    raise AssertionError(f"status is still {page.locator('#case-status').inner_text()!r}, not {text!r}")


def test_citizen_path_apply_receipt_number_public_list_pdf(queue_site: QueueSite, context: BrowserContext):
    site = queue_site
    page = context.new_page()
    citizen_signs_in(site, page, site.citizen_iin)
    number = apply(page, site)
    wait_for_status(page, "Registered in the queue")

    page.get_by_role("link", name="See your place in the queue").click()
    expect(page.locator("h1")).to_have_text("My place in the queue")
    position = page.locator("#queue-position").inner_text()
    assert position == "1"
    assert_axe_clean(site, page, "my place")

    # The lists are published (monthly, or now by the command line); the citizen finds their line.
    published = subprocess.run(
        [str(Path(sys.executable).with_name("kezek")), "queue", "publish"],
        env=site.env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert published.returncode == 0, published.stdout + published.stderr
    assert "published 1 lists" in published.stdout
    page.get_by_role("link", name="See the public list").click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Published on")
    page.get_by_label("Find: your IIN, a number or initials").fill(site.citizen_iin)
    page.get_by_role("button", name="Search").click()
    row = page.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").first).to_have_text(position)
    expect(row).to_contain_text(site.citizen_iin[:4] + "******" + site.citizen_iin[-2:])
    expect(row).to_contain_text("С.Е.")
    assert site.citizen_iin not in page.content() and site.citizen_iin not in page.url
    assert_axe_clean(site, page, "public list")

    # The registration notice, as HTML and as a PDF in Kazakh with the number and Kazakh letters.
    page.goto(f"{site.url}/citizen/notices")
    page.get_by_role("link", name=re.compile("Notice of registration in the housing queue")).click()
    expect(page.locator("h1")).to_have_text("Тұрғын үйге мұқтаж ретінде есепке қою туралы хабарлама")
    expect(page.locator("article")).to_contain_text(number)
    assert_axe_clean(site, page, "notice")
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF · Қазақша").click()
    pdf_path = info.value.path()
    data = Path(pdf_path).read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert number in text and "Тұрғын үйге мұқтаж" in text and KAZAKH_LETTERS & set(text)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue-notice-en.png"), full_page=True)


def test_officer_path_review_then_head_signs(
    queue_site: QueueSite, browser: Browser, context: BrowserContext
):
    site = queue_site
    citizen = context.new_page()
    citizen_signs_in(site, citizen, site.reviewed_iin)
    number = apply(citizen, site, claim="disabled")  # a category the state data do not show
    wait_for_status(citizen, "Under review by the executor")

    desk = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = desk.new_page()
        official_signs_in(site, page, "executor.almaly")
        page.goto(f"{site.url}/official/applications")
        expect(page.locator("h1")).to_have_text("Inbox of applications")
        assert_axe_clean(site, page, "inbox")
        page.get_by_role("link", name=number).click()
        expect(page.locator("#trace")).not_to_be_empty()
        expect(page.get_by_role("heading", name="State data")).to_be_visible()
        expect(page.get_by_text(re.compile("Proof of the category claimed"))).to_be_visible()
        assert_axe_clean(site, page, "review")
        page.get_by_label("Refuse", exact=True).check()  # a refusal without reasons: a form error
        page.get_by_role("button", name="Send to the head for signature").click()
        expect(page.locator(".error-summary")).to_contain_text("A refusal must give at least one reason.")
        page.get_by_label("Register in the queue").check()
        page.get_by_role("button", name="Send to the head for signature").click()
        expect(page.locator("#case-status")).to_have_text("Waiting for the head's signature")
    finally:
        desk.close()

    head = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = head.new_page()
        official_signs_in(site, page, "head.almaly")
        page.goto(f"{site.url}/official/applications")
        page.get_by_role("link", name=number).click()
        page.get_by_role("button", name="Sign", exact=True).click()
        expect(page.locator("#case-status")).to_have_text("Registered in the queue")
    finally:
        head.close()

    citizen.reload()
    expect(citizen.locator("#case-status")).to_have_text("Registered in the queue")
