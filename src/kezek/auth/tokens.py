"""API tokens for other systems. The token is shown once when created; only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.models.auth import ROLES, ApiToken

TOKEN_PREFIX = "kzk_"  # noqa: S105 (marks Kezek tokens, e.g. for secret scanners)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(
    session: Session,
    *,
    name: str,
    roles: Sequence[str],
    scopes: Sequence[str],
    actor: Actor | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the plain token, which is never stored and never shown again."""
    name = name.strip()
    if not name:
        raise ValidationFailed("a token needs a name (the system that will use it)")
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ValidationFailed(f"unknown role(s): {', '.join(unknown)}; known: {', '.join(ROLES)}")
    if not roles:
        raise ValidationFailed("a token needs at least one role")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise Conflict(f"a token named {name!r} already exists")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_token(plain), roles=list(roles), scopes=list(scopes))
    session.add(token)
    session.flush()
    record(
        session,
        actor=actor or Actor.system(),
        action="api_token.create",
        object_type="api_token",
        object_id=token.id,
        after={"name": name, "roles": list(roles), "scopes": list(scopes)},
    )
    return token, plain


def find_api_token(session: Session, plain: str) -> ApiToken | None:
    """The live (not revoked) token with this value, if any."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    return session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(plain), ApiToken.revoked_at.is_(None))
    )


def revoke_api_token(session: Session, *, name: str, actor: Actor | None = None) -> ApiToken:
    token = session.scalar(select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None)))
    if token is None:
        raise NotFound(f"no live token named {name!r}")
    token.revoked_at = clock.now()
    record(
        session,
        actor=actor or Actor.system(),
        action="api_token.revoke",
        object_type="api_token",
        object_id=token.id,
        before={"revoked_at": None},
        after={"revoked_at": token.revoked_at},
    )
    return token
