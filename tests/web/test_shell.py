"""The web shell: home page in three languages, layout landmarks, docs, health, demo hint, headers."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

import kezek.population
from tests.web.builders import PASSWORD, add_official
from tests.web.fixtures import AppFactory, sign_in_official

H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def test_home_answers_in_kk_ru_en_with_different_text(client: TestClient):
    pages = {lang: client.get("/", params={"lang": lang}) for lang in ("kk", "ru", "en")}
    for lang, response in pages.items():
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.text
        assert response.headers["content-language"] == lang
    headings = {lang: H1.findall(r.text)[0] for lang, r in pages.items()}
    assert headings == {
        "kk": "Kezek: әлеуметтік тұрғын үй кезегі",
        "ru": "Kezek: очередь на социальное жильё",
        "en": "Kezek: the social housing queue",
    }
    bodies = {lang: re.sub(r"<[^>]+>", "", r.text) for lang, r in pages.items()}
    assert len(set(bodies.values())) == 3


def test_language_comes_from_the_query_then_the_cookie_then_the_default(app_factory: AppFactory):
    client = TestClient(app_factory(default_language="ru"))
    assert '<html lang="ru">' in client.get("/").text  # the setting's default
    assert '<html lang="en">' in client.get("/?lang=en").text
    assert '<html lang="en">' in client.get("/").text  # remembered in the cookie
    assert '<html lang="kk">' in client.get("/?lang=KK").text
    assert '<html lang="kk">' in client.get("/?lang=xx").text  # unknown: ignored, the cookie holds
    assert client.get("/?lang=%00%ff").status_code == 200


def test_language_links_keep_the_page_and_its_query(client: TestClient, db: Session):
    add_official(db, username="almaly")
    sign_in_official(client, "almaly", PASSWORD)
    page = client.get("/official/persons", params={"q": "Ab", "purpose": "queue_check", "lang": "ru"})
    assert 'href="/official/persons?q=Ab&amp;purpose=queue_check&amp;lang=en"' in page.text


PUBLIC_PAGES = ["/", "/official/sign-in", "/citizen/sign-in", "/no-such-page"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_page_has_the_accessible_layout(client: TestClient, path: str):
    text = client.get(path).text
    assert re.search(r"<title>[^<]+ · Kezek</title>", text)
    assert len(H1.findall(text)) == 1
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
    assert '<a class="skip-link" href="#main">' in text and '<main id="main"' in text
    assert text.count("<header") == 1 and text.count("<footer") == 1
    assert 'aria-label="Тіл"' in text  # the language switch is a named navigation landmark
    # Every visible control has a label: each input that is not hidden has <label for=its id>.
    for input_id in re.findall(r'<input id="([^"]+)"', text):
        assert f'<label for="{input_id}">' in text


def test_workspace_and_cabinet_placeholders(client: TestClient, db: Session):
    add_official(db, username="almaly", roles=("psc_operator",), scopes=("",))
    sign_in_official(client, "almaly", PASSWORD)
    page = client.get("/official?lang=en")
    assert "Public service centre operator" in page.text and "The whole country" in page.text
    assert 'href="/official/persons"' in page.text


def test_health_and_api_docs(client: TestClient):
    assert client.get("/healthz").json()["status"] == "ok"
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/persons/{iin}" in schema["paths"]
    assert not any(path.startswith("/official") for path in schema["paths"])


def test_demo_hint_only_in_development(app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch):
    dev = TestClient(app_factory(environment="development")).get("/?lang=en").text
    assert "Demo sign-ins" in dev and "kezek demo load" in dev
    assert "Demo sign-ins" not in TestClient(app_factory(environment="test")).get("/?lang=en").text

    monkeypatch.setattr(
        kezek.population,
        "demo_sign_ins",
        lambda: [{"kind": "official", "login": "demo-almaly", "password": "demo-pass-1", "note": "Almaly"}],
        raising=False,
    )
    listed = TestClient(app_factory(environment="development")).get("/?lang=en").text
    assert "<code>demo-almaly</code> / <code>demo-pass-1</code>" in listed


def test_security_headers_and_static_files(client: TestClient):
    home = client.get("/")
    assert home.headers["x-content-type-options"] == "nosniff"
    assert home.headers["x-frame-options"] == "DENY"
    assert "script-src 'self'" in home.headers["content-security-policy"]
    assert "content-security-policy" not in client.get("/api/docs").headers  # Swagger UI uses a CDN
    css = client.get("/static/kezek.css")
    assert css.status_code == 200 and "--tap: 44px" in css.text
    assert client.get("/static/htmx.min.js").status_code == 200
