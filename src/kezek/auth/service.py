"""Creating and authenticating officials. Services never commit: the caller's unit of work does."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor, record
from kezek.auth.passwords import hash_password, verify_password
from kezek.auth.scope import kato_prefix
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


# A hash of a random password, verified when the username is unknown, so that a wrong username
# takes as long as a wrong password and response times do not reveal which usernames exist.
_UNKNOWN_USER_HASH: list[str] = []


def authenticate_official(session: Session, *, username: str, password: str) -> Official | None:
    """The active official with this username and password, or None (never says which part was wrong)."""
    official = session.scalar(select(Official).where(Official.username == username.strip()))
    if official is None or not official.active:
        if not _UNKNOWN_USER_HASH:
            _UNKNOWN_USER_HASH.append(hash_password(secrets.token_urlsafe(16)))
        verify_password(_UNKNOWN_USER_HASH[0], password)
        return None
    return official if verify_password(official.password_hash, password) else None


def normalise_scopes(scopes: Sequence[str]) -> list[str]:
    """Jurisdiction scopes as KATO prefixes: a full 9-digit code becomes its significant prefix
    (751110000 -> 751110), "all" (or an empty string) is the whole country."""
    result: list[str] = []
    for raw in scopes:
        value = raw.strip()
        if value.lower() in ("all", ""):
            prefix = ""
        elif value.isascii() and value.isdigit() and len(value) <= 9:
            prefix = kato_prefix(value) if len(value) == 9 else value
        else:
            raise ValidationFailed(f"scope {raw!r} is not a KATO code or prefix (digits, at most 9) or 'all'")
        if prefix not in result:
            result.append(prefix)
    return result
