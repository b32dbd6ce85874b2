"""CSRF: every form POST must carry the session's token; cookie-authenticated API writes the header."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kezek.auth.deps import ApiPrincipal
from tests.web.builders import PASSWORD, add_official
from tests.web.fixtures import AppFactory, csrf_from, form_token, sign_in_official

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def test_sign_in_without_or_with_a_wrong_token_is_refused(client: TestClient, db: Session):
    add_official(db, username="almaly")
    form_token(client, "/official/sign-in")  # the session exists and has a token
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(
            "/official/sign-in",
            data={"username": "almaly", "password": PASSWORD, **data},
            follow_redirects=False,
        )
        assert response.status_code == 403
        assert "Форманың мерзімі өтіп кетті" in response.text
    assert client.get("/official", follow_redirects=False).status_code == 303  # not signed in


def test_a_token_from_another_session_is_refused(app_factory: AppFactory, db: Session):
    add_official(db, username="almaly")
    app = app_factory()
    attacker, victim = TestClient(app), TestClient(app)
    token = form_token(attacker, "/official/sign-in")
    form_token(victim, "/official/sign-in")
    response = victim.post(
        "/official/sign-in", data={"username": "almaly", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 403


def test_the_header_works_as_well_as_the_field(client: TestClient, db: Session):
    add_official(db, username="almaly")
    token = form_token(client, "/official/sign-in")
    response = client.post(
        "/official/sign-in",
        data={"username": "almaly", "password": PASSWORD},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route, descending into included routers (FastAPI keeps those as
    lazy wrappers that hold the original router)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))
        elif hasattr(route, "path"):
            yield prefix + route.path, set(getattr(route, "methods", None) or ())


def test_every_unsafe_page_route_refuses_a_post_without_token(app_factory: AppFactory):
    """A guard for routes added later: each non-API route accepting an unsafe method needs the token."""
    app = app_factory()
    client = TestClient(app)
    checked = []
    for path_template, methods in _routes(app.routes):
        if path_template.startswith("/api/"):
            continue
        for method in sorted(methods & UNSAFE):
            path = re.sub(r"\{[^}]+\}", "900101301233", path_template)
            response = client.request(method, path, data={"anything": "x"}, follow_redirects=False)
            assert response.status_code == 403, (method, path_template, response.status_code)
            assert "Форманың мерзімі өтіп кетті" in response.text
            checked.append(path_template)
    assert {"/official/sign-in", "/citizen/sign-in", "/citizen/sign-in/code", "/sign-out"} <= set(checked)


def test_cookie_authenticated_api_writes_need_the_header(app_factory: AppFactory, db: Session):
    app = app_factory()

    @app.post("/api/v1/test-write")
    def write(principal: ApiPrincipal) -> dict[str, str]:
        return {"by": principal.name}

    add_official(db, username="almaly")
    client = TestClient(app)
    sign_in_official(client, "almaly", PASSWORD)
    refused = client.post("/api/v1/test-write")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    token = csrf_from(client.get("/official").text)
    accepted = client.post("/api/v1/test-write", headers={"X-CSRF-Token": token})
    assert accepted.status_code == 200 and accepted.json() == {"by": "almaly"}
