"""Officials, their roles and jurisdiction scopes; API tokens; citizens' one-time codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime

ROLES = (
    "psc_operator",
    "executor",
    "head",
    "commission_member",
    "distribution_officer",
    "auditor",
    "administrator",
)


class Official(Base):
    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    # KATO prefixes the official may see and act on; "" means the whole country.
    scopes: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    language: Mapped[str] = mapped_column(String(2), default="ru")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class ApiToken(Base):
    """A token for another system; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    scopes: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CitizenLoginCode(Base):
    """A one-time code sent to a citizen (written to the server log on the embedded default)."""

    __tablename__ = "citizen_login_codes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    iin: Mapped[str] = mapped_column(String(12), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
