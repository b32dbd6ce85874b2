"""The housing-assistance pages through the real app: form errors instead of 500s, a claim seen only
by its family, officials limited to their district with every opening of a claim recorded."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.auth.deps import current_citizen
from kezek.models.assistance import AssistanceClaim
from kezek.models.audit import AuditEvent
from kezek.models.registry import Person
from tests.assistance.builders import household
from tests.web.builders import PASSWORD, add_official
from tests.web.fixtures import AppFactory, app_factory, csrf_from, sign_in_official  # noqa: F401

KARAGANDA = "351010000"


def as_citizen(app_factory: AppFactory, person: Person) -> TestClient:  # noqa: F811
    app = app_factory()
    app.dependency_overrides[current_citizen] = lambda: person
    return TestClient(app)


def submit(client: TestClient, **data: str) -> object:
    token = csrf_from(client.get("/citizen/assistance/new?lang=ru").text)
    return client.post(
        "/citizen/assistance?lang=ru", data={"csrf_token": token, **data}, follow_redirects=False
    )


def test_citizen_claims_through_the_form_and_only_the_family_sees_it(
    db: Session,
    app_factory: AppFactory,  # noqa: F811
) -> None:
    head, spouse = household(db, kato=KARAGANDA, adults=2)
    stranger = household(db, kato=KARAGANDA)[0]
    client = as_citizen(app_factory, head)
    hub = client.get("/citizen/assistance?lang=ru")
    assert hub.status_code == 200 and "Запросить жилищную помощь на этот квартал" in hub.text

    bad = submit(client, tenure="castle", language="ru")
    assert bad.status_code == 422
    assert 'class="error-summary"' in bad.text and "на каком основании семья занимает жильё" in bad.text
    no_consent = submit(client, tenure="owned", language="ru")
    assert no_consent.status_code == 422 and "нужно ваше согласие" in no_consent.text
    assert db.scalar(select(AssistanceClaim.id)) is None

    ok = submit(client, tenure="owned", language="kk", phone="+77011234567", consent="yes")
    assert ok.status_code == 303
    claim_id = int(re.search(r"/citizen/assistance/(\d+)$", ok.headers["location"]).group(1))
    page = client.get(f"/citizen/assistance/{claim_id}?lang=ru")
    assert page.status_code == 200 and "Ожидается согласие совершеннолетних членов семьи" in page.text

    again = submit(client, tenure="owned", language="kk", consent="yes")
    assert again.status_code == 409 and "уже есть заявление на этот квартал" in again.text

    # the spouse sees the request in her cabinet and answers it there
    theirs = as_citizen(app_factory, spouse)
    assert "Запрошено ваше согласие" in theirs.get("/citizen/assistance?lang=ru").text
    page = theirs.get(f"/citizen/assistance/{claim_id}?lang=ru")
    token = csrf_from(page.text)
    declined = theirs.post(
        f"/citizen/assistance/{claim_id}/consent",
        data={"csrf_token": token, "answer": "decline"},
        follow_redirects=False,
    )
    assert declined.status_code == 303
    assert (
        "совершеннолетний член семьи отказался" in theirs.get(f"/citizen/assistance/{claim_id}?lang=ru").text
    )

    # anyone else: not found, never a hint that the claim exists
    outsider = as_citizen(app_factory, stranger)
    assert outsider.get(f"/citizen/assistance/{claim_id}").status_code == 404
    assert outsider.get(f"/citizen/assistance/{claim_id}/notice.pdf").status_code == 404


def test_officials_see_their_district_and_each_opening_is_recorded(
    db: Session,
    app_factory: AppFactory,  # noqa: F811
) -> None:
    head = household(db, kato=KARAGANDA)[0]
    client = as_citizen(app_factory, head)
    ok = submit(client, tenure="owned", language="ru", consent="yes")
    claim_id = int(ok.headers["location"].rsplit("/", 1)[1])
    add_official(db, username="kar_exec", roles=("executor",), scopes=("351010",))
    add_official(db, username="ala_exec", roles=("executor",), scopes=("751110",))
    add_official(db, username="kar_chair", roles=("commission_member",), scopes=("351010",))
    db.flush()

    ours = TestClient(app_factory())
    sign_in_official(ours, "kar_exec", PASSWORD)
    inbox = ours.get("/official/assistance/claims?lang=ru")
    assert inbox.status_code == 200 and f"/official/assistance/claims/{claim_id}" in inbox.text
    assert ours.get(f"/official/assistance/claims/{claim_id}?lang=ru").status_code == 200
    reads = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "assistance_claim.read", AuditEvent.object_id == str(claim_id)
        )
    ).all()
    assert len(reads) == 1 and reads[0].reason == "assistance_review"
    assert ours.get("/official/assistance/sessions").status_code == 403  # not a commission member

    other = TestClient(app_factory())
    sign_in_official(other, "ala_exec", PASSWORD)
    assert f"/official/assistance/claims/{claim_id}" not in other.get("/official/assistance/claims").text
    assert other.get(f"/official/assistance/claims/{claim_id}").status_code == 403

    chair = TestClient(app_factory())
    sign_in_official(chair, "kar_chair", PASSWORD)
    page = chair.get("/official/assistance/sessions?lang=ru")
    token = csrf_from(page.text)
    bad = chair.post(
        "/official/assistance/sessions?lang=ru",
        data={"csrf_token": token, "kato": KARAGANDA, "held_on": "not a date", "chair": "Омаров"},
    )
    assert bad.status_code == 422 and "Укажите дату заседания" in bad.text
    foreign = chair.post(
        "/official/assistance/sessions?lang=ru",
        data={
            "csrf_token": token,
            "kato": "751110000",
            "held_on": date.today().isoformat(),
            "chair": "Омаров",
        },
    )
    assert foreign.status_code == 403
    opened = chair.post(
        "/official/assistance/sessions",
        data={"csrf_token": token, "kato": KARAGANDA, "held_on": date.today().isoformat(), "chair": "Омаров"},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    session_page = chair.get(opened.headers["location"] + "?lang=ru")
    assert session_page.status_code == 200 and "Повестка пуста" in session_page.text
    assert chair.get(opened.headers["location"] + "/protocol.pdf").status_code == 404  # not closed yet


def test_psc_operator_enters_the_claim_and_records_a_members_consent(
    db: Session,
    app_factory: AppFactory,  # noqa: F811
) -> None:
    head, spouse = household(db, kato=KARAGANDA, adults=2)
    add_official(db, username="kar_psc", roles=("psc_operator",), scopes=("351010",))
    db.flush()
    psc = TestClient(app_factory())
    sign_in_official(psc, "kar_psc", PASSWORD)
    token = csrf_from(psc.get("/official/assistance/psc?lang=ru").text)
    unknown = psc.post(
        "/official/assistance/psc/claims?lang=ru",
        data={"csrf_token": token, "applicant_iin": "000000000000", "tenure": "owned", "language": "ru"},
    )
    assert unknown.status_code == 422 and "нет человека с таким ИИН" in unknown.text
    entered = psc.post(
        "/official/assistance/psc/claims",
        data={
            "csrf_token": token,
            "applicant_iin": head.iin,
            "tenure": "owned",
            "language": "kk",
            "consent": "yes",
        },
        follow_redirects=False,
    )
    assert entered.status_code == 303
    claim = db.scalars(select(AssistanceClaim)).one()
    assert (
        claim.channel == "psc"
        and claim.status == "awaiting_consent"
        and claim.submitted_by_kind == "official"
    )
    wrong = psc.post(
        "/official/assistance/psc/consents?lang=ru",
        data={"csrf_token": token, "claim_number": "HA-0", "member_iin": spouse.iin, "answer": "agree"},
    )
    assert wrong.status_code == 422 and "Заявления с таким номером нет" in wrong.text
    given = psc.post(
        "/official/assistance/psc/consents",
        data={"csrf_token": token, "claim_number": claim.number, "member_iin": spouse.iin, "answer": "agree"},
        follow_redirects=False,
    )
    assert given.status_code == 303
    db.refresh(claim)
    assert claim.status == "fetching" and claim.due_on is not None
