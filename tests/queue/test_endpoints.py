"""The citizen's place over the JSON API: list, number, date, category; 401 and 404 as problems."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from kezek.auth import otp
from kezek.db import unit_of_work
from kezek.models.queue import QueueEntryMember
from kezek.models.registry import Person
from kezek.queue import endpoints
from kezek.queue import service as queue
from kezek.web.app import create_app
from tests.queue.builders import KARAGANDA, SYSTEM, jurisdiction, person, registered
from tests.web.fixtures import csrf_from, make_settings


@pytest.fixture
def codes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    monkeypatch.setattr(otp, "deliver_code", lambda issued, iin: sent.append(issued.code))
    return sent


def client_for(database_url: str) -> TestClient:
    app = create_app(make_settings(database_url))
    if not any(getattr(r, "path", "") == "/api/v1/queue/position" for r in app.routes):
        app.include_router(endpoints.router)  # until the application wires the router itself
    return TestClient(app)


def sign_in(client: TestClient, who: Person, codes: list[str]) -> None:
    client.post(
        "/citizen/sign-in",
        data={"iin": who.iin, "csrf_token": csrf_from(client.get("/citizen/sign-in").text)},
    )
    token = csrf_from(client.get("/citizen/sign-in/code").text)
    answer = client.post(
        "/citizen/sign-in/code", data={"code": codes[-1], "csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text


def test_the_citizen_sees_list_number_and_date_and_the_number_follows_removals(
    committed: Engine, database_url: str, codes: list[str]
) -> None:
    with unit_of_work(committed) as s:
        jurisdiction(s, KARAGANDA)
        first = registered(s, minutes=0)
        second = registered(s, minutes=5, size=2, category="large_family")
        registered(s, minutes=10)
        members = s.scalars(select(QueueEntryMember.person_id).where(QueueEntryMember.entry_id == second.id))
        child = s.get(Person, next(m for m in members if m != second.person_id))
        assert child is not None
        outsider = person(s, given="Бөтен")
        first_id, second_id = first.id, second.id
    client = client_for(database_url)
    unsigned = client.get("/api/v1/queue/position")
    assert unsigned.status_code == 401 and unsigned.headers["content-type"].startswith(
        "application/problem+json"
    )

    sign_in(client, child, codes)
    answer = client.get("/api/v1/queue/position")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["entry_id"] == second_id and body["position"] == 2 and body["relation"] == "child"
    assert body["list"] == {"kato": KARAGANDA, "regime": "national", "code": "general", "active_count": 3}
    assert body["category"] == "large_family" and body["registered_at"].startswith("2026-01-05T04:05:00")

    with unit_of_work(committed) as s:
        queue.remove(s, entry_id=first_id, actor=SYSTEM, reason_code="own_request", decision_ref="t-1")
    moved = client.get("/api/v1/queue/position").json()
    assert moved["position"] == 1 and moved["list"]["active_count"] == 2

    other = client_for(database_url)
    sign_in(other, outsider, codes)
    missing = other.get("/api/v1/queue/position")
    assert missing.status_code == 404 and missing.json()["code"] == "not_in_queue"
