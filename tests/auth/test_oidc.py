"""Citizens through an OpenID Connect provider (authlib): a small provider on a loopback port signs
real ID tokens; the app discovers it, redirects, exchanges the code over HTTP and checks the token."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from kezek.models import AuditEvent
from tests.web.builders import ALMALY, add_jurisdictions, add_person
from tests.web.fixtures import AppFactory

CLIENT_ID = "kezek-test"


@dataclass
class Provider:
    url: str
    subject: list[str] = field(default_factory=lambda: [""])  # the "sub" the next sign-in gets


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    state = Provider(url=f"http://127.0.0.1:{port}")
    nonces: dict[str, str] = {}

    def metadata(_: Request) -> JSONResponse:
        return JSONResponse(
            {
                "issuer": state.url,
                "authorization_endpoint": f"{state.url}/authorize",
                "token_endpoint": f"{state.url}/token",
                "jwks_uri": f"{state.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    def authorize(request: Request) -> RedirectResponse:
        params = request.query_params
        code = secrets.token_urlsafe(8)
        nonces[code] = params["nonce"]
        query = urlencode({"code": code, "state": params["state"]})
        return RedirectResponse(f"{params['redirect_uri']}?{query}", status_code=302)

    async def token(request: Request) -> JSONResponse:
        code = (await request.form())["code"]
        now = int(time.time())
        claims = {
            "iss": state.url,
            "aud": CLIENT_ID,
            "sub": state.subject[0],
            "iat": now,
            "exp": now + 300,
            "nonce": nonces.pop(str(code)),
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return JSONResponse(
            {"access_token": "at", "token_type": "Bearer", "id_token": id_token, "expires_in": 300}
        )

    def jwks(_: Request) -> JSONResponse:
        return JSONResponse({"keys": [key.as_dict(private=False)]})

    app = Starlette(
        routes=[
            Route("/.well-known/openid-configuration", metadata),
            Route("/authorize", authorize),
            Route("/token", token, methods=["POST"]),
            Route("/jwks", jwks),
        ]
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the test provider did not start"
        time.sleep(0.02)
    yield state
    server.should_exit = True
    thread.join(timeout=5)


def oidc_app(app_factory: AppFactory, provider: Provider) -> TestClient:
    app = app_factory(
        oidc_server_metadata_url=f"{provider.url}/.well-known/openid-configuration",
        oidc_client_id=CLIENT_ID,
        oidc_client_secret="not-checked",
    )
    return TestClient(app)


def round_trip(client: TestClient) -> httpx.Response:
    """Follow the browser's path: app -> provider's authorize (real HTTP) -> app's callback."""
    start = client.get("/citizen/sign-in/oidc", follow_redirects=False)
    assert start.status_code == 302
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["location"])
    assert back.path == "/citizen/sign-in/oidc/callback" and "state" in parse_qs(back.query)
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_citizen_signs_in_through_the_provider(app_factory: AppFactory, provider: Provider, db: Session):
    add_jurisdictions(db)
    person = add_person(db, kato=ALMALY, surname="Тоқтарова", given_name="Әсем", sex="F")
    client = oidc_app(app_factory, provider)
    form = client.get("/citizen/sign-in?lang=ru")
    assert 'href="/citizen/sign-in/oidc"' in form.text and "Войти через провайдера идентификации" in form.text

    provider.subject[0] = person.iin
    response = round_trip(client)
    assert response.status_code == 303 and response.headers["location"] == "/citizen"
    assert "Тоқтарова Әсем" in client.get("/citizen").text
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "citizen.sign_in"))
    assert event is not None and event.reason == "openid connect"


def test_provider_without_a_valid_iin_is_refused(app_factory: AppFactory, provider: Provider):
    client = oidc_app(app_factory, provider)
    provider.subject[0] = "user-42"
    response = round_trip(client)
    assert response.status_code == 400
    assert "Сәйкестендіру провайдері ЖСН-іңізді бермеді" in response.text
    assert client.get("/citizen", follow_redirects=False).status_code == 303


def test_unregistered_iin_from_the_provider_is_a_friendly_404(app_factory: AppFactory, provider: Provider):
    client = oidc_app(app_factory, provider)
    provider.subject[0] = "900101301233"
    response = round_trip(client)
    assert response.status_code == 404 and "Бұл ЖСН бойынша тұлға жоқ" in response.text


def test_a_forged_callback_is_refused(app_factory: AppFactory, provider: Provider):
    client = oidc_app(app_factory, provider)
    client.get("/citizen/sign-in/oidc", follow_redirects=False)
    response = client.get("/citizen/sign-in/oidc/callback?code=stolen&state=guessed", follow_redirects=False)
    assert response.status_code == 400
    assert client.get("/citizen", follow_redirects=False).status_code == 303


def test_without_configuration_there_is_no_provider_route(client: TestClient):
    assert 'href="/citizen/sign-in/oidc"' not in client.get("/citizen/sign-in").text
    assert client.get("/citizen/sign-in/oidc").status_code == 404
