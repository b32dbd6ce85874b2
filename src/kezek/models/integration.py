"""State-data integration tables (owned by the integration package).

- ``consents``: a person's recorded consent to have their state data fetched for a purpose.
- ``fetch_requests``: a family's data fetch with a visible status ("waiting for the property
  register") that a job retries until every system has answered.
- ``state_data_answers``: every answer exactly as received (system, time, request id, body, hash),
  so decisions can cite their data.
- ``state_data_requests``: the request log: who asked, why (purpose, case), which IIN, from which
  systems, under which consent, with what outcome.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_person_purpose", "person_id", "purpose"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id", ondelete="SET NULL"))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))  # egov | psc | portal | paper
    evidence: Mapped[str | None] = mapped_column(String(200))  # e.g. the egov consent number
    given_at: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(80))  # actor kind:id
    kato: Mapped[str] = mapped_column(String(9), index=True)


class FetchRequest(Base):
    __tablename__ = "fetch_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    case_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    requested_by_kind: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[str] = mapped_column(String(64))
    # [{"person_id": 1, "iin": "...", "consent_id": 7 | null}, ...] frozen when the request is made
    subjects: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc)
    systems: Mapped[list[str]] = mapped_column(JsonDoc)
    as_of: Mapped[date] = mapped_column(Date)
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | waiting | complete | cancelled
    waiting_for: Mapped[list[str]] = mapped_column(JsonDoc)
    errors: Mapped[dict[str, str]] = mapped_column(JsonDoc)  # system -> last error code
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class StateDataAnswer(Base):
    __tablename__ = "state_data_answers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    fetch_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("fetch_requests.id", ondelete="SET NULL"), index=True
    )
    system: Mapped[str] = mapped_column(String(32))
    request_id: Mapped[str] = mapped_column(String(64), index=True)  # our X-Request-Id
    answer_id: Mapped[str] = mapped_column(String(64))  # the system's reference
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    as_of: Mapped[date] = mapped_column(Date)
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    iin_count: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)  # exactly as received
    body_sha256: Mapped[str] = mapped_column(String(64))
    duration_ms: Mapped[int] = mapped_column(Integer)


class StateDataRequest(Base):
    """One line of the request log: one person's data asked from one or more systems at once."""

    __tablename__ = "state_data_requests"
    __table_args__ = (Index("ix_state_data_requests_iin_occurred", "iin", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))  # official | citizen | system | api
    actor_id: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(32))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    legal_basis: Mapped[str | None] = mapped_column(String(200))
    iin: Mapped[str] = mapped_column(String(12))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    kato: Mapped[str | None] = mapped_column(String(9), index=True)
    systems: Mapped[list[str]] = mapped_column(JsonDoc)
    # system -> {"outcome": "ok" | error code, "answer_id": id of state_data_answers | null}
    outcomes: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id"))
    fetch_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("fetch_requests.id", ondelete="SET NULL"), index=True
    )
