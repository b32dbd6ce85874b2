"""Citizens sign in by IIN and a one-time code: only an HMAC is stored, the code goes to the log
with the IIN masked, it expires, allows a few attempts and works once."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from structlog.testing import capture_logs

from kezek.auth.otp import MAX_ATTEMPTS, CodeCheck, check_code, mask_iin
from kezek.models import AuditEvent, CitizenLoginCode, Person
from kezek.registry.iin import first_issuable
from tests.web.builders import ALMALY, add_jurisdictions, add_person
from tests.web.fixtures import SECRET, csrf_from, form_token


@pytest.fixture
def citizen(db: Session) -> Person:
    add_jurisdictions(db)
    return add_person(
        db, kato=ALMALY, surname="Жұмабекова", given_name="Әйгерім", sex="F", born=date(1988, 7, 14)
    )


def request_code(client: TestClient, iin: str) -> tuple[Any, list[dict[str, Any]]]:
    token = form_token(client, "/citizen/sign-in")
    with capture_logs() as logs:
        response = client.post(
            "/citizen/sign-in", data={"iin": iin, "csrf_token": token}, follow_redirects=False
        )
    return response, logs


def code_from(logs: list[dict[str, Any]]) -> str:
    [entry] = [e for e in logs if e.get("event") == "citizen sign-in code"]
    return str(entry["code"])


def enter_code(client: TestClient, code: str) -> Any:
    token = form_token(client, "/citizen/sign-in/code")
    return client.post(
        "/citizen/sign-in/code", data={"code": code, "csrf_token": token}, follow_redirects=False
    )


def test_code_in_log_with_masked_iin_then_cabinet(client: TestClient, citizen: Person, db: Session):
    response, logs = request_code(client, citizen.iin)
    assert response.status_code == 303 and response.headers["location"] == "/citizen/sign-in/code"
    code = code_from(logs)
    assert re.fullmatch(r"\d{6}", code)
    # The IIN appears in no log entry in clear; the code entry carries its last four digits only.
    assert all(citizen.iin not in repr(entry) for entry in logs)
    assert any(entry.get("iin") == mask_iin(citizen.iin) == "********" + citizen.iin[-4:] for entry in logs)
    # The database holds an HMAC of the code, not the code.
    row = db.scalar(select(CitizenLoginCode).where(CitizenLoginCode.iin == citizen.iin))
    assert row is not None and code not in row.code_hash and len(row.code_hash) == 64

    signed = enter_code(client, code)
    assert signed.status_code == 303 and signed.headers["location"] == "/citizen"
    cabinet = client.get("/citizen?lang=ru")
    assert cabinet.status_code == 200
    assert "Жұмабекова Әйгерім" in cabinet.text and mask_iin(citizen.iin) in cabinet.text
    assert citizen.iin not in cabinet.text
    assert "Здесь появятся ваши заявления" in cabinet.text
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "citizen.sign_in"))
    assert event is not None and event.object_id == str(citizen.id) and event.actor_kind == "citizen"


def test_a_code_works_once(client: TestClient, citizen: Person, db: Session):
    _, logs = request_code(client, citizen.iin)
    code = code_from(logs)
    assert enter_code(client, code).status_code == 303
    row = db.scalar(select(CitizenLoginCode).where(CitizenLoginCode.iin == citizen.iin))
    assert row is not None and row.used_at is not None
    again = check_code(db, code_id=row.id, code=code, secret_key=SECRET)
    assert again.outcome is CodeCheck.EXHAUSTED and again.iin is None


def test_wrong_codes_count_attempts_then_the_code_dies(client: TestClient, citizen: Person, db: Session):
    _, logs = request_code(client, citizen.iin)
    code = code_from(logs)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for attempt in range(1, MAX_ATTEMPTS):
        response = enter_code(client, wrong)
        assert response.status_code == 400
        assert f"Тағы {MAX_ATTEMPTS - attempt} мүмкіндігіңіз бар" in response.text
    row = db.scalar(select(CitizenLoginCode).where(CitizenLoginCode.iin == citizen.iin))
    assert row is not None and row.attempts == MAX_ATTEMPTS - 1  # counted although each answer was "no"
    last = enter_code(client, wrong)
    assert last.status_code == 400 and "Бұл кодты енді пайдалану мүмкін емес" in last.text
    # Even the right code is refused now: the form sends the citizen back to ask for a new one.
    assert (
        client.get("/citizen/sign-in/code", follow_redirects=False).headers["location"] == "/citizen/sign-in"
    )


def test_the_right_code_after_the_attempts_are_used_up_is_refused(client: TestClient, citizen: Person):
    _, logs = request_code(client, citizen.iin)
    code = code_from(logs)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(MAX_ATTEMPTS - 1):
        enter_code(client, wrong)
    token = csrf_from(client.get("/citizen/sign-in/code").text)
    client.post("/citizen/sign-in/code", data={"code": wrong, "csrf_token": token})
    # The session forgot the dead code, so even the right one leads back to the start.
    response = client.post(
        "/citizen/sign-in/code", data={"code": code, "csrf_token": token}, follow_redirects=False
    )
    assert response.headers["location"] == "/citizen/sign-in"
    assert client.get("/citizen", follow_redirects=False).status_code == 303


def test_an_expired_code_is_refused(client: TestClient, citizen: Person, frozen_clock: list[Any]):
    _, logs = request_code(client, citizen.iin)
    code = code_from(logs)
    frozen_clock[0] += timedelta(seconds=301)  # settings.otp_ttl_seconds defaults to 300
    response = enter_code(client, code)
    assert response.status_code == 400 and "Кодтың мерзімі өтті" in response.text
    assert client.get("/citizen", follow_redirects=False).status_code == 303


def test_a_code_just_before_expiry_still_works(client: TestClient, citizen: Person, frozen_clock: list[Any]):
    _, logs = request_code(client, citizen.iin)
    frozen_clock[0] += timedelta(seconds=299)
    assert enter_code(client, code_from(logs)).status_code == 303


def test_unregistered_iin_gets_the_same_answer_and_no_code(client: TestClient, db: Session):
    iin = first_issuable(date(1975, 5, 5), "M", 123)
    assert db.scalar(select(Person).where(Person.iin == iin)) is None
    response, logs = request_code(client, iin)
    assert response.status_code == 303 and response.headers["location"] == "/citizen/sign-in/code"
    assert not [e for e in logs if e.get("event") == "citizen sign-in code"]
    assert all(iin not in repr(entry) for entry in logs)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "ЖСН-іңізді енгізіңіз."),
        ("12345", "ЖСН дәл 12 цифрдан тұрады."),
        ("90010130123X", "ЖСН тек цифрлардан тұрады."),
        ("900101301234", "ЖСН-нің бақылау цифры сәйкес келмейді"),
        ("901301301233", "ЖСН-нің алғашқы алты цифры нақты туған күнге сәйкес келмейді."),
        ("9" * 400, "ЖСН дәл 12 цифрдан тұрады."),
    ],
)
def test_bad_iins_are_named_in_kazakh(client: TestClient, typed: str, message: str):
    response, _ = request_code(client, typed)
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text and 'href="#iin"' in response.text


def test_spaces_in_the_iin_are_allowed(client: TestClient, citizen: Person):
    spaced = f"{citizen.iin[:6]} {citizen.iin[6:]}"
    response, logs = request_code(client, spaced)
    assert response.status_code == 303 and code_from(logs)


@pytest.mark.parametrize("typed", ["", "12", "abcdef", "1234567"])
def test_malformed_codes_are_named_and_not_counted(
    client: TestClient, citizen: Person, db: Session, typed: str
):
    request_code(client, citizen.iin)
    response = enter_code(client, typed)
    assert response.status_code == 422
    row = db.scalar(select(CitizenLoginCode).where(CitizenLoginCode.iin == citizen.iin))
    assert row is not None and row.attempts == 0


def test_code_page_without_a_pending_code_sends_back(client: TestClient):
    assert (
        client.get("/citizen/sign-in/code", follow_redirects=False).headers["location"] == "/citizen/sign-in"
    )


def test_cabinet_needs_a_citizen_session(client: TestClient):
    response = client.get("/citizen", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/citizen/sign-in")
