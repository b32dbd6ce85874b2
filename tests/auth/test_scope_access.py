"""The must-show: an official of one district can neither read another district's people on the
pages nor through the API. Remove the scope check in kezek.registry.endpoints.read_person and the
403 assertions below fail."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.auth.tokens import create_api_token
from kezek.models import AuditEvent, Person
from tests.web.builders import ALMALY, AUEZOV, PASSWORD, add_jurisdictions, add_official, add_person
from tests.web.fixtures import sign_in_official

PURPOSE = "application_review"


@dataclass
class Two:
    own: Person
    other: Person


@pytest.fixture
def two_districts(db: Session) -> Two:
    add_jurisdictions(db)
    own = add_person(db, kato=ALMALY, surname="Сейтқали", given_name="Ерұлан", address="Абай даңғылы 10")
    other = add_person(db, kato=AUEZOV, surname="Өтебаева", given_name="Гүлнұр", sex="F", serial=50)
    add_official(db, username="almaly", roles=("executor",), scopes=("751110",))
    return Two(own, other)


def _reads(db: Session, person: Person) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "person.read", AuditEvent.object_id == str(person.id)
            )
        )
    )


def test_person_page_own_district_200_other_district_403(client: TestClient, two_districts: Two, db: Session):
    sign_in_official(client, "almaly", PASSWORD)

    own = client.get(f"/official/persons/{two_districts.own.iin}", params={"purpose": PURPOSE})
    assert own.status_code == 200
    assert "Сейтқали" in own.text and "Абай даңғылы 10" in own.text

    other = client.get(f"/official/persons/{two_districts.other.iin}", params={"purpose": PURPOSE})
    assert other.status_code == 403
    assert "Өтебаева" not in other.text
    assert "Бұл жазба басқа аумаққа жатады" in other.text  # the friendly page, in Kazakh (the default)

    [read] = _reads(db, two_districts.own)
    assert (read.actor_kind, read.actor_id, read.reason, read.kato) == ("official", "almaly", PURPOSE, ALMALY)
    assert _reads(db, two_districts.other) == []


def test_api_with_token_own_district_200_other_district_403(
    client: TestClient, two_districts: Two, db: Session
):
    _, token = create_api_token(db, name="bank", roles=["executor"], scopes=["751110"])
    headers = {"Authorization": f"Bearer {token}"}

    own = client.get(f"/api/v1/persons/{two_districts.own.iin}", params={"purpose": PURPOSE}, headers=headers)
    assert own.status_code == 200
    body = own.json()
    assert body["person"]["iin"] == two_districts.own.iin
    assert body["addresses"][0]["address"] == "Абай даңғылы 10"
    assert body["families"][0]["members"] == [{"person_id": two_districts.own.id, "relation": "head"}]

    other = client.get(
        f"/api/v1/persons/{two_districts.other.iin}", params={"purpose": PURPOSE}, headers=headers
    )
    assert other.status_code == 403
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["code"] == "out_of_jurisdiction"
    assert "Өтебаева" not in other.text

    [read] = _reads(db, two_districts.own)
    assert (read.actor_kind, read.actor_id, read.reason) == ("api", "bank", PURPOSE)
    assert _reads(db, two_districts.other) == []


def test_api_with_the_officials_session_is_scoped_too(client: TestClient, two_districts: Two):
    sign_in_official(client, "almaly", PASSWORD)
    own = client.get(f"/api/v1/persons/{two_districts.own.iin}", params={"purpose": PURPOSE})
    other = client.get(f"/api/v1/persons/{two_districts.other.iin}", params={"purpose": PURPOSE})
    assert (own.status_code, other.status_code) == (200, 403)


def test_search_lists_only_own_district(client: TestClient, two_districts: Two):
    sign_in_official(client, "almaly", PASSWORD)
    cases = (
        (two_districts.own.surname, two_districts.own, True),
        ("Өтеб", two_districts.other, False),
        (two_districts.other.iin, two_districts.other, False),
    )
    for query, person, listed in cases:
        response = client.get("/official/persons", params={"q": query, "purpose": PURPOSE})
        assert response.status_code == 200
        results = response.text.split('<div id="results"', 1)[1]
        assert (person.surname in results) is listed
        assert ("Сіздің аумағыңызда ешкім табылмады." in results) is not listed


def test_whole_country_scope_reads_both(client: TestClient, two_districts: Two, db: Session):
    add_official(db, username="auditor", roles=("auditor",), scopes=("",))
    sign_in_official(client, "auditor", PASSWORD)
    for person in (two_districts.own, two_districts.other):
        response = client.get(f"/official/persons/{person.iin}", params={"purpose": "audit_check"})
        assert response.status_code == 200


def test_role_without_person_access_is_refused_on_page_and_api(
    client: TestClient, two_districts: Two, db: Session
):
    add_official(db, username="admin", roles=("administrator",), scopes=("",))
    sign_in_official(client, "admin", PASSWORD)
    page = client.get(f"/official/persons/{two_districts.own.iin}", params={"purpose": PURPOSE})
    assert page.status_code == 403 and "Сейтқали" not in page.text
    _, token = create_api_token(db, name="admin-bot", roles=["administrator"], scopes=[""])
    api = client.get(
        f"/api/v1/persons/{two_districts.own.iin}",
        params={"purpose": PURPOSE},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 403 and api.json()["code"] == "role_required"


def test_nothing_is_read_before_a_purpose_is_given(client: TestClient, two_districts: Two, db: Session):
    sign_in_official(client, "almaly", PASSWORD)
    response = client.get(f"/official/persons/{two_districts.own.iin}")
    assert response.status_code == 200
    assert "Сейтқали" not in response.text and 'name="purpose"' in response.text
    assert _reads(db, two_districts.own) == []
    bad = client.get(f"/official/persons/{two_districts.own.iin}", params={"purpose": "curiosity"})
    assert bad.status_code == 422 and "Сейтқали" not in bad.text
