"""Officials sign in with username and password; the session cookie and its flags; signing out."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.auth.passwords import hash_password
from kezek.models import AuditEvent, Official
from tests.web.builders import PASSWORD, add_jurisdictions, add_official
from tests.web.fixtures import AppFactory, csrf_from, form_token, sign_in_official


def _post(client: TestClient, **data: str) -> object:
    token = form_token(client, "/official/sign-in")
    return client.post("/official/sign-in", data={"csrf_token": token, **data}, follow_redirects=False)


def test_sign_in_opens_the_workspace_with_roles_and_jurisdiction(client: TestClient, db: Session):
    add_jurisdictions(db)
    official = add_official(db, username="almaly", roles=("executor", "head"), scopes=("751110",))
    response = _post(client, username="almaly", password=PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/official"

    page = client.get("/official?lang=ru")
    assert page.status_code == 200
    assert "Исполнитель" in page.text and "Руководитель отдела" in page.text
    assert "Алмалинский район (751110)" in page.text
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "official.sign_in"))
    assert event is not None and event.object_id == str(official.id)


def test_wrong_password_and_unknown_user_get_the_same_answer(client: TestClient, db: Session):
    add_official(db, username="almaly")
    wrong = _post(client, username="almaly", password="not the password")
    unknown = _post(client, username="nobody", password="not the password")
    for response in (wrong, unknown):
        assert response.status_code == 400
        assert "Пайдаланушы аты немесе құпиясөз қате." in response.text
    assert client.get("/official", follow_redirects=False).status_code == 303


def test_empty_and_oversized_fields_are_named_not_500(client: TestClient):
    empty = _post(client, username="", password="")
    assert empty.status_code == 422
    assert 'href="#username"' in empty.text and 'href="#password"' in empty.text
    huge = _post(client, username="u" * 500, password="p" * 5000)
    assert huge.status_code == 422 and "Тым ұзын." in huge.text
    # No fields at all (not even the form's own): still a named error, not a crash.
    token = form_token(client, "/official/sign-in")
    bare = client.post("/official/sign-in", data={"csrf_token": token})
    assert bare.status_code == 422


def test_inactive_official_cannot_sign_in(client: TestClient, db: Session):
    official = add_official(db, username="gone")
    official.active = False
    db.flush()
    assert _post(client, username="gone", password=PASSWORD).status_code == 400


def test_pages_ask_to_sign_in_and_come_back(client: TestClient, db: Session):
    add_official(db, username="almaly")
    response = client.get("/official/persons?q=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/official/sign-in?next=%2Fofficial%2Fpersons%3Fq%3Dx"
    form = client.get(response.headers["location"])
    assert 'name="next" value="/official/persons?q=x"' in form.text
    signed = client.post(
        "/official/sign-in",
        data={
            "username": "almaly",
            "password": PASSWORD,
            "next": "/official/persons?q=x",
            "csrf_token": csrf_from(form.text),
        },
        follow_redirects=False,
    )
    assert signed.headers["location"] == "/official/persons?q=x"


def test_next_cannot_send_the_official_to_another_site(client: TestClient, db: Session):
    add_official(db, username="almaly")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = _post(client, username="almaly", password=PASSWORD, next=target)
        assert response.headers["location"] == "/official", target
        client.cookies.clear()


def test_sign_out_ends_the_session(client: TestClient, db: Session):
    add_official(db, username="almaly")
    sign_in_official(client, "almaly", PASSWORD)
    workspace = client.get("/official")
    assert workspace.status_code == 200
    out = client.post("/sign-out", data={"csrf_token": csrf_from(workspace.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/official", follow_redirects=False).status_code == 303


def test_a_password_change_ends_existing_sessions(client: TestClient, db: Session):
    official = add_official(db, username="almaly")
    sign_in_official(client, "almaly", PASSWORD)
    assert client.get("/official").status_code == 200
    official.password_hash = hash_password("a brand new password")
    db.flush()
    assert client.get("/official", follow_redirects=False).status_code == 303


def test_session_cookie_flags(app_factory: AppFactory, db: Session):
    add_official(db, username="almaly")
    for secure in (False, True):
        client = TestClient(app_factory(secure_cookies=secure), base_url="https://testserver")
        response = client.get("/official/sign-in?lang=ru")
        cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
        for name in ("kezek_session", "kezek_lang"):
            flags = [f.strip() for f in cookies[name].split(";")]
            assert "httponly" in flags and "samesite=lax" in flags
            assert ("secure" in flags) is secure, (name, flags)


def test_session_cookie_carries_no_personal_data(client: TestClient, db: Session):
    add_official(db, username="almaly", full_name="Сәуле Нұрланқызы")
    sign_in_official(client, "almaly", PASSWORD)
    import base64

    payload = client.cookies["kezek_session"].split(".")[0]
    decoded = base64.b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "almaly" not in decoded and "Сәуле" not in decoded
    assert db.scalar(select(Official.id).where(Official.username == "almaly")) is not None
