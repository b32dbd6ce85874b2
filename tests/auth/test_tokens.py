"""API tokens: only the SHA-256 is stored; unknown, revoked or malformed tokens get 401 problems."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.auth.tokens import create_api_token, find_api_token, revoke_api_token
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.models import ApiToken
from tests.web.builders import ALMALY, add_jurisdictions, add_person

PURPOSE = "queue_check"


def test_only_the_hash_is_stored(db: Session):
    token, plain = create_api_token(db, name="egov", roles=["executor"], scopes=["75"])
    row = db.scalar(select(ApiToken).where(ApiToken.id == token.id))
    assert row is not None and row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    stored = " ".join(str(v) for v in (row.name, row.token_hash, row.roles, row.scopes))
    assert plain not in stored and plain[4:] not in stored
    assert find_api_token(db, plain) is not None
    assert find_api_token(db, plain + "x") is None


def test_bad_token_requests_are_refused_clearly(db: Session):
    create_api_token(db, name="bank", roles=["executor"], scopes=["75"])
    with pytest.raises(Conflict):
        create_api_token(db, name="bank", roles=["executor"], scopes=["75"])
    with pytest.raises(ValidationFailed, match="unknown role"):
        create_api_token(db, name="x", roles=["king"], scopes=[])
    with pytest.raises(ValidationFailed, match="at least one role"):
        create_api_token(db, name="y", roles=[], scopes=[])
    with pytest.raises(NotFound):
        revoke_api_token(db, name="nobody")


def test_bearer_calls_and_their_failures(client: TestClient, db: Session):
    add_jurisdictions(db)
    person = add_person(db, kato=ALMALY, surname="Бекова", given_name="Дана", sex="F")
    _, plain = create_api_token(db, name="bank", roles=["executor"], scopes=["7511"])
    url = f"/api/v1/persons/{person.iin}"

    assert (
        client.get(url, params={"purpose": PURPOSE}, headers={"Authorization": f"Bearer {plain}"}).status_code
        == 200
    )

    for header in (None, "Bearer nonsense", f"Basic {plain}", "Bearer ", f"Bearer {plain}x"):
        headers = {"Authorization": header} if header is not None else {}
        response = client.get(url, params={"purpose": PURPOSE}, headers=headers)
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["code"] == "not_authenticated"

    revoke_api_token(db, name="bank")
    revoked = client.get(url, params={"purpose": PURPOSE}, headers={"Authorization": f"Bearer {plain}"})
    assert revoked.status_code == 401
