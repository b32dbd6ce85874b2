"""The audit trail: one hash-chained event per state change (and per official's read of a person)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)  # 1, 2, 3 ... with no gaps
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_kind: Mapped[str] = mapped_column(String(16))  # official | citizen | system | api
    actor_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    kato: Mapped[str | None] = mapped_column(String(9), index=True)
    before: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]
    after: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
