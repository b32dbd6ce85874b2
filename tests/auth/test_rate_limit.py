"""Login rate limiting: per IP and per username for officials, per IP and per IIN for citizens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kezek.auth.ratelimit import LoginLimiter, Rate
from tests.web.builders import ALMALY, PASSWORD, add_jurisdictions, add_official, add_person
from tests.web.fixtures import AppFactory, form_token


def attempt(client: TestClient, username: str, password: str) -> Any:
    token = form_token(client, "/official/sign-in")
    return client.post(
        "/official/sign-in",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def test_parse_rates():
    assert Rate.parse("10/minute") == Rate(10, timedelta(minutes=1))
    assert Rate.parse("5 / 15 minutes") == Rate(5, timedelta(minutes=15))
    assert Rate.parse("100/hour") == Rate(100, timedelta(hours=1))
    for bad in ("", "ten/minute", "0/minute", "5/fortnight", "5"):
        with pytest.raises(ValueError, match="rate limit"):
            Rate.parse(bad)


def test_limiter_window_slides_with_the_clock(frozen_clock: list[Any]):
    limiter = LoginLimiter(Rate(2, timedelta(minutes=1)))
    limiter.hit("k")
    frozen_clock[0] += timedelta(seconds=30)
    limiter.hit("k")
    assert limiter.retry_after("k") == 30
    assert limiter.retry_after("other") == 0
    frozen_clock[0] += timedelta(seconds=30)  # the first hit has left the window
    assert limiter.retry_after("k") == 0
    limiter.hit("k")
    assert limiter.retry_after("k") == 30


def test_per_username_limit_holds_across_addresses(
    app_factory: AppFactory, db: Session, frozen_clock: list[Any]
):
    add_official(db, username="almaly")
    app = app_factory(login_rate_limit="3/minute")
    for n in range(3):
        response = attempt(TestClient(app, client=(f"10.0.0.{n}", 5000)), "almaly", "wrong password")
        assert response.status_code == 400
    # The fourth try, from yet another address and with the right password, is refused.
    blocked = attempt(TestClient(app, client=("10.0.0.99", 5000)), "almaly", PASSWORD)
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    assert "Әрекеттер тым көп. 1 минуттан кейін қайталаңыз." in blocked.text
    frozen_clock[0] += timedelta(seconds=61)
    assert attempt(TestClient(app, client=("10.0.0.99", 5000)), "almaly", PASSWORD).status_code == 303


def test_per_address_limit_holds_across_usernames(app_factory: AppFactory, db: Session):
    add_official(db, username="almaly")
    app = app_factory(login_rate_limit="3/minute")
    client = TestClient(app, client=("10.0.0.7", 5000))
    for name in ("a", "b", "c"):
        assert attempt(client, name, "wrong password").status_code == 400
    assert attempt(client, "almaly", PASSWORD).status_code == 429
    # Another address is not affected.
    assert attempt(TestClient(app, client=("10.0.0.8", 5000)), "almaly", PASSWORD).status_code == 303


def test_success_clears_the_username_count(app_factory: AppFactory, db: Session):
    add_official(db, username="almaly")
    app = app_factory(login_rate_limit="3/minute")
    assert attempt(TestClient(app, client=("10.0.1.1", 1)), "almaly", "wrong password").status_code == 400
    assert attempt(TestClient(app, client=("10.0.1.2", 1)), "almaly", "wrong password").status_code == 400
    assert attempt(TestClient(app, client=("10.0.1.3", 1)), "almaly", PASSWORD).status_code == 303
    assert attempt(TestClient(app, client=("10.0.1.4", 1)), "almaly", "wrong password").status_code == 400


def test_citizen_codes_per_iin_are_limited_in_the_database(app_factory: AppFactory, db: Session):
    add_jurisdictions(db)
    person = add_person(db, kato=ALMALY, surname="Қасым", given_name="Нұрлан")
    app = app_factory(login_rate_limit="2/minute")
    statuses = []
    for n in range(3):
        client = TestClient(app, client=(f"10.0.2.{n}", 1))  # a new address each time
        token = form_token(client, "/citizen/sign-in")
        response = client.post(
            "/citizen/sign-in", data={"iin": person.iin, "csrf_token": token}, follow_redirects=False
        )
        statuses.append(response.status_code)
    assert statuses == [303, 303, 429]
    # The count lives in the database: a fresh app (another process) refuses as well.
    again = TestClient(app_factory(login_rate_limit="2/minute"), client=("10.0.2.9", 1))
    token = form_token(again, "/citizen/sign-in")
    assert again.post("/citizen/sign-in", data={"iin": person.iin, "csrf_token": token}).status_code == 429


def test_citizen_code_requests_per_address_are_limited(app_factory: AppFactory, db: Session):
    add_jurisdictions(db)
    people = [
        add_person(db, kato=ALMALY, surname="Әлі", given_name=f"Бек{n}", serial=10 * n) for n in range(3)
    ]
    client = TestClient(app_factory(login_rate_limit="2/minute"), client=("10.0.3.1", 1))
    statuses = []
    for person in people:
        token = form_token(client, "/citizen/sign-in")
        response = client.post(
            "/citizen/sign-in", data={"iin": person.iin, "csrf_token": token}, follow_redirects=False
        )
        statuses.append(response.status_code)
    assert statuses == [303, 303, 429]
