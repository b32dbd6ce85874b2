"""Notices to citizens (registration, motivated refusal, receipt, queue changes) and the outbox.

A notice stores everything needed to render it again, identically, in any of the three languages:
the HTML page and the PDF are pure functions of ``payload`` and the language.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime

NOTICE_KINDS = (
    "receipt",
    "registration",
    "refusal",
    "document_request",
    "removal",
    "restoration",
    "migration",
)


class Notice(Base):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_person_issued", "person_id", "issued_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    kato: Mapped[str] = mapped_column(String(9), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("queue_entries.id"))
    language: Mapped[str] = mapped_column(String(2))  # the language of correspondence
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    appeal_until: Mapped[date | None] = mapped_column(Date)
    payload: Mapped[dict] = mapped_column(JsonDoc)  # type: ignore[type-arg]


class OutboxMessage(Base):
    """An SMS or e-mail waiting to go out; on the embedded default it is written to a file."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))
    channel: Mapped[str] = mapped_column(String(8))  # sms | email
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivery_ref: Mapped[str | None] = mapped_column(String(200))
