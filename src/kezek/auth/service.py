"""Creating and authenticating officials. Services never commit: the caller's unit of work does."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor, record
from kezek.auth.passwords import hash_password
from kezek.errors import Conflict, ValidationFailed
from kezek.models.auth import ROLES, Official


def create_official(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: Sequence[str],
    scopes: Sequence[str],
    language: str = "ru",
    actor: Actor | None = None,
) -> Official:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ValidationFailed(f"unknown role(s): {', '.join(unknown)}; known: {', '.join(ROLES)}")
    if len(password) < 8:
        raise ValidationFailed("password must have at least 8 characters")
    if session.scalar(select(Official.id).where(Official.username == username)) is not None:
        raise Conflict(f"an official named {username!r} already exists")
    official = Official(
        username=username,
        full_name=full_name,
        password_hash=hash_password(password),
        roles=list(roles),
        scopes=list(scopes),
        language=language,
        active=True,
    )
    session.add(official)
    session.flush()
    record(
        session,
        actor=actor or Actor.system(),
        action="official.create",
        object_type="official",
        object_id=official.id,
        after={"username": username, "roles": list(roles), "scopes": list(scopes)},
    )
    return official
