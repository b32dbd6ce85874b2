"""One error hierarchy, two renderings: problem details on /api/*, friendly translated pages on the
web; validation errors name the field; a user's mistake is never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from kezek.auth.tokens import create_api_token
from kezek.errors import Conflict, OutOfScope
from tests.web.builders import PASSWORD, add_official
from tests.web.fixtures import AppFactory, form_token, sign_in_official

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code"}


def with_test_routes(app: FastAPI) -> FastAPI:
    @app.get("/api/v1/test-conflict")
    def api_conflict() -> None:
        raise Conflict("this application was already submitted")

    @app.get("/test-out-of-scope")
    def page_out_of_scope() -> None:
        raise OutOfScope("this person belongs to another jurisdiction")

    @app.get("/test-typed")
    def page_typed(count: int) -> dict[str, int]:
        return {"count": count}

    @app.get("/test-crash")
    def page_crash() -> None:
        raise RuntimeError("a bug of ours")

    @app.get("/api/v1/test-crash")
    def api_crash() -> None:
        raise RuntimeError("a bug of ours, with a secret detail")

    return app


@pytest.fixture
def tclient(app_factory: AppFactory) -> TestClient:
    return TestClient(with_test_routes(app_factory()), raise_server_exceptions=False)


def test_kezek_error_on_the_api_is_a_problem_document(tclient: TestClient):
    response = tclient.get("/api/v1/test-conflict")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body == {
        "type": "urn:kezek:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "this application was already submitted",
        "instance": "/api/v1/test-conflict",
        "code": "conflict",
    }


def test_validation_errors_on_the_api_name_the_field(tclient: TestClient, db: Session):
    _, token = create_api_token(db, name="bank", roles=["executor"], scopes=[""])
    headers = {"Authorization": f"Bearer {token}"}
    response = tclient.get("/api/v1/persons/900101301233", params={"purpose": "gossip"}, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed" and "purpose" in body["detail"]
    assert [(e["field"], e["in"]) for e in body["errors"]] == [("purpose", "query")]

    short = tclient.get("/api/v1/persons/12345", params={"purpose": "audit_check"}, headers=headers)
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "iin"

    check_digit = tclient.get(
        "/api/v1/persons/900101301234", params={"purpose": "audit_check"}, headers=headers
    )
    assert check_digit.status_code == 422
    assert check_digit.json()["code"] == "invalid_iin" and "check digit" in check_digit.json()["detail"]

    unknown = tclient.get("/api/v1/persons/900101301233", params={"purpose": "audit_check"}, headers=headers)
    assert unknown.status_code == 404 and unknown.json()["code"] == "person_not_found"


def test_unknown_api_route_and_wrong_method_are_problems(tclient: TestClient):
    missing = tclient.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["code"] == "not_found"
    wrong = tclient.post("/api/v1/persons/900101301233")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"


def test_kezek_error_on_the_web_is_a_friendly_translated_page(tclient: TestClient):
    response = tclient.get("/test-out-of-scope?lang=ru")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Эта запись относится к другой территории</h1>" in response.text
    assert "this person belongs" not in response.text  # untranslated English detail is not shown in ru
    assert "this person belongs" in tclient.get("/test-out-of-scope?lang=en").text


def test_web_validation_error_names_the_field(tclient: TestClient):
    response = tclient.get("/test-typed?count=many&lang=en")
    assert response.status_code == 422
    assert (
        "<strong>count</strong>" in response.text and "Some of the information is not valid" in response.text
    )


def test_unknown_page_is_a_translated_404(tclient: TestClient):
    for lang, heading in (("kk", "Бет табылмады"), ("ru", "Страница не найдена"), ("en", "Page not found")):
        response = tclient.get(f"/nowhere?lang={lang}")
        assert response.status_code == 404 and f"<h1>{heading}</h1>" in response.text


def test_our_own_faults_are_500_without_details(tclient: TestClient):
    page = tclient.get("/test-crash?lang=en")
    assert page.status_code == 500 and "Something went wrong on our side" in page.text
    assert "a bug of ours" not in page.text
    api = tclient.get("/api/v1/test-crash")
    assert api.status_code == 500 and api.json()["code"] == "internal_error"
    assert "secret" not in api.text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(iin=st.text(max_size=40), code=st.text(max_size=20))
def test_citizen_forms_never_answer_500(app_factory: AppFactory, iin: str, code: str):
    client = TestClient(app_factory(login_rate_limit="1000/minute"), raise_server_exceptions=False)
    token = form_token(client, "/citizen/sign-in")
    first = client.post("/citizen/sign-in", data={"iin": iin, "csrf_token": token}, follow_redirects=False)
    assert first.status_code in {303, 422, 429}
    if first.status_code == 303:
        second = client.post("/citizen/sign-in/code", data={"code": code, "csrf_token": token})
        assert second.status_code in {400, 422}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=60), purpose=st.text(max_size=30), iin=st.text(min_size=1, max_size=30))
def test_person_pages_never_answer_500(app_factory: AppFactory, db: Session, q: str, purpose: str, iin: str):
    client = TestClient(app_factory(), raise_server_exceptions=False)
    if not db.info.get("official"):
        add_official(db, username="searcher", scopes=("",))
        db.info["official"] = True
    sign_in_official(client, "searcher", PASSWORD)
    assert client.get("/official/persons", params={"q": q, "purpose": purpose}).status_code in {200, 422}
    page = client.get(f"/official/persons/{quote(iin, safe='')}", params={"purpose": purpose})
    assert page.status_code < 500


def test_form_posts_with_a_wrong_content_type_are_not_500(tclient: TestClient):
    token = form_token(tclient, "/official/sign-in")
    response = tclient.post(
        "/official/sign-in",
        content=b'{"username": 1}',
        headers={"content-type": "application/json", "X-CSRF-Token": token},
    )
    assert response.status_code == 422
