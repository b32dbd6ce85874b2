"""Fixtures shared by tests/web and tests/auth: the real app on the test database.

Requests use the test's ``db`` session (one transaction, rolled back after the test), so the app's
commits become savepoints and nothing is left behind. Both engines, like every database test.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kezek import clock
from kezek.auth.deps import get_session
from kezek.settings import Settings
from kezek.web.app import create_app

SECRET = "kezek-test-secret-0123456789abcdefghijklmnop"

AppFactory = Callable[..., FastAPI]


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "environment": "test",
        "secret_key": SECRET,
        "worker_mode": "off",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def app_factory(db: Session, database_url: str) -> AppFactory:
    def build(**overrides: Any) -> FastAPI:
        app = create_app(make_settings(database_url, **overrides))
        app.dependency_overrides[get_session] = lambda: db
        return app

    return build


@pytest.fixture
def client(app_factory: AppFactory) -> TestClient:
    return TestClient(app_factory())


@pytest.fixture
def frozen_clock() -> Iterator[list[Any]]:
    """A clock the test moves by hand: ``frozen_clock[0] += timedelta(...)``."""
    now = [clock.now()]
    clock.set_clock(lambda: now[0])
    yield now
    clock.reset_clock()


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def form_token(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return csrf_from(response.text)


def sign_in_official(client: TestClient, username: str, password: str) -> None:
    token = form_token(client, "/official/sign-in")
    response = client.post(
        "/official/sign-in",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
