"""The case pages over HTTP on the served world (sandbox on loopback, jobs at once): the citizen
applies, sees the receipt, the status (also while a state system is down), answers a request with a
file, reads notices as HTML and PDF; officials work the inbox, review beside the state data (a
recorded read), draft, sign, and see overdue cases in their jurisdiction only. Mistakes are forms
with errors, never a 500."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.auth import otp
from kezek.auth.service import create_official
from kezek.models.applications import Application
from kezek.models.audit import AuditEvent
from kezek.models.registry import Person
from kezek.sandbox.server import SandboxAdmin
from kezek.web.app import create_app
from tests.applications.builders import applicant
from tests.queue.builders import ALMATY, KARAGANDA, jurisdiction
from tests.web.builders import PASSWORD
from tests.web.fixtures import csrf_from, make_settings, sign_in_official

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def codes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    monkeypatch.setattr(otp, "deliver_code", lambda issued, iin: sent.append(issued.code))
    return sent


@pytest.fixture
def web(s: Session, database_url: str) -> TestClient:
    jurisdiction(s, KARAGANDA)
    jurisdiction(s, ALMATY, "Almaly")
    s.commit()
    return TestClient(create_app(make_settings(database_url)))


def sign_in_citizen(client: TestClient, person: Person, codes: list[str]) -> None:
    token = csrf_from(client.get("/citizen/sign-in").text)
    client.post("/citizen/sign-in", data={"iin": person.iin, "csrf_token": token})
    token = csrf_from(client.get("/citizen/sign-in/code").text)
    response = client.post(
        "/citizen/sign-in/code", data={"code": codes[-1], "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def post_form(client: TestClient, page: str, action: str, data: dict[str, Any], **kwargs: Any) -> Any:
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs)


def apply(client: TestClient, person: Person, **fields: Any) -> Any:
    data = {"kato": person.kato, "language": "ru", "consent": "yes", "phone": "+77011234567", **fields}
    return post_form(client, "/citizen/applications/new", "/citizen/applications", data)


def case_of(s: Session, person: Person) -> Application:
    s.expire_all()
    return s.scalars(select(Application).where(Application.applicant_person_id == person.id)).one()


def official(s: Session, username: str, roles: tuple[str, ...], scopes: tuple[str, ...] = ("35",)) -> None:
    create_official(
        s, username=username, full_name="Әлия Сәрсенбайқызы", password=PASSWORD, roles=roles, scopes=scopes
    )
    s.commit()


def test_citizen_applies_gets_receipt_number_and_pdf_notices(
    s: Session, web: TestClient, codes: list[str], frozen
) -> None:
    person = applicant(s)
    s.commit()
    sign_in_citizen(web, person, codes)
    response = apply(web, person)
    assert response.status_code == 303
    app = case_of(s, person)
    assert app.status == "registered"  # the job ran at once after the commit
    page = web.get(response.headers["location"] + "?lang=en").text
    assert app.number in page and "03.11.2026" in page and "Registered in the queue" in page
    place = web.get("/citizen/queue?lang=ru").text
    assert re.search(r'id="queue-position">1<', place)
    listing = web.get("/citizen/notices?lang=kk").text
    notice_ids = re.findall(r'href="/citizen/notices/(\d+)"', listing)
    assert len(set(notice_ids)) == 2  # the receipt and the registration
    titles = {
        "kk": "есепке қою туралы",
        "ru": "постановке на учёт",
        "en": "registration in the housing queue",
    }
    for notice_id in set(notice_ids):
        html = web.get(f"/citizen/notices/{notice_id}?doc_lang=kk").text
        assert app.number in html
        for lang in ("kk", "ru", "en"):
            pdf = web.get(f"/citizen/notices/{notice_id}/pdf?doc_lang={lang}")
            assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
            assert f"-{lang}.pdf" in pdf.headers["content-disposition"]
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
            assert app.number in text
            registration = web.get(f"/citizen/notices/{notice_id}?doc_lang={lang}").text
            if "registration" in pdf.headers["content-disposition"]:
                assert titles[lang] in text and titles[lang] in registration
    # another citizen cannot open these notices (not found, never a hint)
    other = applicant(s)
    s.commit()
    stranger = TestClient(web.app)
    sign_in_citizen(stranger, other, codes)
    assert stranger.get(f"/citizen/notices/{notice_ids[0]}").status_code == 404
    assert stranger.get(f"/citizen/notices/{notice_ids[0]}/pdf").status_code == 404
    assert stranger.get(f"/citizen/applications/{app.id}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"language": ""}, "Choose the language of correspondence."),
        ({"kato": "12"}, "Choose the district or city where you want to be registered."),
        ({"phone": "8701"}, "Write the phone number as +7XXXXXXXXXX."),
        ({"consent": ""}, "The application needs your consent to obtain data from the state systems."),
        ({"on_behalf": "yes", "applicant_iin": "123"}, "An IIN has 12 digits."),
    ],
)
def test_apply_mistakes_are_form_errors(
    s: Session, web: TestClient, codes: list[str], frozen, fields: dict[str, str], message: str
) -> None:
    person = applicant(s)
    s.commit()
    sign_in_citizen(web, person, codes)
    web.get("/?lang=en")  # the language cookie: the answer below is in English
    response = apply(web, person, **fields)
    assert (
        response.status_code == 422 and message in response.text and 'class="error-summary"' in response.text
    )
    assert s.scalar(select(Application.id).where(Application.applicant_person_id == person.id)) is None


def test_second_application_is_refused_as_a_form_error(
    s: Session, web: TestClient, codes: list[str], frozen
) -> None:
    person = applicant(s)
    s.commit()
    sign_in_citizen(web, person, codes)
    assert apply(web, person).status_code == 303
    web.get("/?lang=en")
    again = apply(web, person)
    assert again.status_code == 409 and "already registered in the queue" in again.text


def test_outage_shows_waiting_for_the_property_register(
    s: Session, web: TestClient, codes: list[str], sandbox: SandboxAdmin, frozen
) -> None:
    sandbox.set_fault("property", outage=True)
    person = applicant(s)
    s.commit()
    sign_in_citizen(web, person, codes)
    location = apply(web, person).headers["location"]
    assert case_of(s, person).status == "fetching"
    ru = web.get(location + "?lang=ru").text
    assert "Регистр недвижимости" in ru and "Проверка данных государственных систем" in ru
    en = web.get(location + "?lang=en").text
    assert "Waiting for the Real-estate register to answer." in en


def test_refusal_is_shown_with_its_notice(s: Session, web: TestClient, codes: list[str], frozen) -> None:
    from datetime import date

    person = applicant(s, owned_since=date(2015, 3, 1), sold_on=date(2022, 3, 1))
    s.commit()
    sign_in_citizen(web, person, codes)
    location = apply(web, person, language="en").headers["location"]
    page = web.get(location + "?lang=en").text
    assert "Refused" in page
    refusal = re.findall(r'href="/citizen/notices/(\d+)"', page)[-1]
    html = web.get(f"/citizen/notices/{refusal}").text  # in the language of correspondence (en)
    assert "owned" in html.lower() and "appeal" in html.lower()


def review_case(s: Session, web: TestClient, codes: list[str]) -> tuple[Person, Application]:
    person = applicant(s)
    s.commit()
    sign_in_citizen(web, person, codes)
    apply(web, person, claimed="large_families")
    app = case_of(s, person)
    assert app.status == "review"
    return person, app


def test_pause_answered_with_an_upload_and_bad_files_are_form_errors(
    s: Session, web: TestClient, codes: list[str], frozen
) -> None:
    person, app = review_case(s, web, codes)
    official(s, "exec", ("executor",))
    desk = TestClient(web.app)
    sign_in_official(desk, "exec", PASSWORD)
    page = f"/official/applications/{app.id}"
    empty = post_form(desk, page + "?lang=en", f"{page}/request", {"reason_code": "document_missing"})
    assert empty.status_code == 422 and "Say which document is needed and why." in empty.text
    asked = post_form(
        desk,
        page,
        f"{page}/request",
        {"reason_code": "document_missing", "document_kind": "large_family", "text": "Куәлік көшірмесі"},
    )
    assert asked.status_code == 303
    assert case_of(s, person).status == "awaiting_applicant"
    case_page = f"/citizen/applications/{app.id}"
    assert "Куәлік көшірмесі" in web.get(case_page).text
    bad = post_form(
        web,
        case_page + "?lang=en",
        f"{case_page}/documents",
        {},
        files={"file": ("x.pdf", b"MZ" + b"\0" * 64)},
    )
    assert bad.status_code == 422 and "Only PDF files and images" in bad.text
    none = post_form(web, case_page, f"{case_page}/documents", {})
    assert none.status_code == 422
    assert case_of(s, person).status == "awaiting_applicant"
    good = post_form(
        web, case_page, f"{case_page}/documents", {}, files={"file": ("proof.pdf", PDF, "application/pdf")}
    )
    assert good.status_code == 303
    assert case_of(s, person).status == "review"
    assert "proof.pdf" in web.get(case_page).text


def test_officer_reviews_beside_the_data_drafts_and_the_head_signs(
    s: Session, web: TestClient, codes: list[str], frozen
) -> None:
    person, app = review_case(s, web, codes)
    official(s, "exec", ("executor",))
    official(s, "head", ("head",))
    official(s, "far", ("executor",), ("71",))
    desk = TestClient(web.app)
    sign_in_official(desk, "exec", PASSWORD)
    inbox = desk.get("/official/applications?lang=en").text
    assert app.number in inbox and "Due soon" in inbox
    page = f"/official/applications/{app.id}"
    review = desk.get(page + "?lang=en").text
    assert "Rules trace" in review and "State data" in review and "Individuals register" in review
    assert "Proof of the category claimed" in review
    reads = s.scalars(
        select(AuditEvent).where(AuditEvent.action == "application.read", AuditEvent.object_id == str(app.id))
    ).all()
    assert len(reads) == 1 and reads[0].reason == "application_review"
    refused = post_form(desk, page + "?lang=en", f"{page}/propose", {"outcome": "refused"})
    assert refused.status_code == 422 and "A refusal must give at least one reason." in refused.text
    assert post_form(desk, page, f"{page}/propose", {"outcome": "registered"}).status_code == 303
    assert case_of(s, person).status == "signing"
    # the executor cannot sign; an official of another jurisdiction cannot even open it
    assert post_form(desk, page, f"{page}/sign", {}).status_code == 403
    far = TestClient(web.app)
    sign_in_official(far, "far", PASSWORD)
    assert far.get(page).status_code == 403
    head = TestClient(web.app)
    sign_in_official(head, "head", PASSWORD)
    assert app.number in head.get("/official/applications").text
    assert post_form(head, page, f"{page}/sign", {}).status_code == 303
    assert case_of(s, person).status == "registered"
    again = post_form(head, page + "?lang=en", f"{page}/sign", {})
    assert again.status_code == 409 and "not possible at the case" in again.text


def test_overdue_case_in_the_supervisors_view_in_scope_only(
    s: Session, web: TestClient, codes: list[str], frozen
) -> None:
    _, app = review_case(s, web, codes)
    official(s, "boss", ("head",))
    official(s, "boss.astana", ("head",), ("71",))
    frozen.set(datetime(2026, 11, 6, 5, 0, tzinfo=UTC))  # the 1 working day ran out on 3 November
    boss = TestClient(web.app)
    sign_in_official(boss, "boss", PASSWORD)
    view = boss.get("/official/applications/overdue?lang=en").text
    assert app.number in view and "Overdue" in view
    other = TestClient(web.app)
    sign_in_official(other, "boss.astana", PASSWORD)
    view = other.get("/official/applications/overdue?lang=en").text
    assert app.number not in view and "No overdue cases." in view
    # an executor is not a supervisor
    official(s, "exec", ("executor",))
    desk = TestClient(web.app)
    sign_in_official(desk, "exec", PASSWORD)
    assert desk.get("/official/applications/overdue").status_code == 403


def test_psc_operator_enters_an_application_for_a_citizen(s: Session, web: TestClient, frozen) -> None:
    person = applicant(s)
    s.commit()
    official(s, "psc", ("psc_operator",))
    desk = TestClient(web.app)
    sign_in_official(desk, "psc", PASSWORD)
    form = "/official/applications/new/entry"
    bad = post_form(
        desk, form + "?lang=en", form, {"applicant_iin": "000", "language": "kk", "kato": person.kato}
    )
    assert bad.status_code == 422 and "An IIN has 12 digits." in bad.text
    outside = post_form(
        desk,
        form + "?lang=en",
        form,
        {"applicant_iin": person.iin, "language": "kk", "kato": ALMATY, "consent": "yes"},
    )
    assert outside.status_code == 422
    done = post_form(
        desk,
        form,
        form,
        {"applicant_iin": person.iin, "language": "kk", "kato": person.kato, "consent": "yes"},
    )
    assert done.status_code == 303
    app = case_of(s, person)
    assert app.channel == "psc" and app.status == "received"
    page = done.headers["location"]
    assert post_form(desk, page, f"{page}/forward", {}).status_code == 303
    assert case_of(s, person).status == "registered"


def test_representative_applies_with_a_power_of_attorney(
    s: Session, web: TestClient, codes: list[str], frozen
) -> None:
    represented = applicant(s)
    agent = applicant(s)
    s.commit()
    sign_in_citizen(web, agent, codes)
    web.get("/?lang=en")
    missing = apply(web, agent, on_behalf="yes", applicant_iin=represented.iin, kato=represented.kato)
    assert missing.status_code == 422 and "Give the number and date of the power of attorney." in missing.text
    done = apply(
        web,
        agent,
        on_behalf="yes",
        applicant_iin=represented.iin,
        kato=represented.kato,
        power_of_attorney="№ 123 of 01.10.2026",
    )
    assert done.status_code == 303
    app = case_of(s, represented)
    assert app.channel == "representative" and app.representative_person_id == agent.id
    assert app.number in web.get(done.headers["location"]).text  # the representative follows the case
    assert app.number in web.get("/citizen/housing").text
