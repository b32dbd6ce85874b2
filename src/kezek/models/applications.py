"""State-service cases ("applications"): registration in the housing queue.

One row per case, one row per regulation step with its own clock, one row per pause (the applicant
was asked for something), and the documents the applicant uploaded (stored with their SHA-256).
The case keeps what the decision rests on: the state data as received (with the system and date of
each source), the rules version, the as-of date, the trace and the reason codes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime

# Case statuses. Terminal: registered, refused, withdrawn.
APPLICATION_STATUSES = (
    "received",  # receipt issued, intake step running
    "fetching",  # waiting for the state information systems (an outage leaves the case here)
    "review",  # executor checks the data and the rules trace
    "awaiting_applicant",  # the clock is paused: the applicant was asked for a document
    "signing",  # the head signs the prepared decision
    "registered",
    "refused",
    "withdrawn",
)
CHANNELS = ("portal", "psc", "akimat", "representative")
STEPS = ("intake", "fetch", "executor", "head")


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_kato_status_due", "kato", "status", "due_on"),
        Index("ix_applications_applicant_status", "applicant_person_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # the receipt number
    service: Mapped[str] = mapped_column(String(32), default="queue_registration")
    regime: Mapped[str] = mapped_column(String(16))  # akimat | national (by the date of receipt)
    kato: Mapped[str] = mapped_column(String(9))  # the akimat (district/city) where the queue is kept
    applicant_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"))
    channel: Mapped[str] = mapped_column(String(16))  # portal | psc | akimat | representative
    submitted_by_kind: Mapped[str] = mapped_column(String(16))  # citizen | official
    submitted_by_id: Mapped[str] = mapped_column(String(64))
    representative_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    power_of_attorney: Mapped[str | None] = mapped_column(String(100))  # number and date of the power
    language: Mapped[str] = mapped_column(String(2))  # language of correspondence: kk | ru | en
    claimed_categories: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    emergency_dwelling: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(16))  # for SMS; verified against the mobile base
    email: Mapped[str | None] = mapped_column(String(200))
    consent_ref: Mapped[str | None] = mapped_column(String(64))  # consent to state-data fetches

    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    counted_from: Mapped[date] = mapped_column(Date)  # first day of the deadline (next working day)
    # Date and time of the complete application: the queue order (Law Art. 74 p.1).
    complete_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deadline_rule: Mapped[str] = mapped_column(String(64))  # which dated parameter set the deadline
    deadline_days: Mapped[int] = mapped_column(Integer)
    deadline_unit: Mapped[str] = mapped_column(String(16))  # working | calendar
    due_on: Mapped[date] = mapped_column(Date)  # moves later only by pauses
    paused_days: Mapped[int] = mapped_column(Integer, default=0)

    status: Mapped[str] = mapped_column(String(24), default="received")
    step: Mapped[str] = mapped_column(String(16), default="intake")
    assigned_official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))

    # What the decision rests on (reproducible): the data as received and the rules' answer.
    state_data: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]
    fetch_ref: Mapped[str | None] = mapped_column(String(64))  # the integration fetch request, if waiting
    fetch_error: Mapped[str | None] = mapped_column(String(200))
    as_of: Mapped[date | None] = mapped_column(Date)
    rules_version: Mapped[str | None] = mapped_column(String(64))
    assessment: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]
    proposed_outcome: Mapped[str | None] = mapped_column(String(16))  # registered | refused
    review_reasons: Mapped[list[str]] = mapped_column(JsonDoc, default=list)

    outcome: Mapped[str | None] = mapped_column(String(16))  # registered | refused
    reason_codes: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))  # "system" or official id
    decision_note: Mapped[str | None] = mapped_column(Text)
    queue_entry_id: Mapped[int | None] = mapped_column(Integer)  # set when registered
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class ApplicationStep(Base):
    """A step of the regulation (intake → fetch → executor → head) with its own clock."""

    __tablename__ = "application_steps"
    __table_args__ = (Index("ix_application_steps_application", "application_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(24))  # psc_operator | system | executor | head
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_on: Mapped[date] = mapped_column(Date)
    rule: Mapped[str] = mapped_column(String(64))  # the dated parameter of this step's clock
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_by: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[str | None] = mapped_column(String(32))


class ApplicationPause(Base):
    """The applicant was asked for something; the case's clock stands still until they answer."""

    __tablename__ = "application_pauses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    reason_code: Mapped[str] = mapped_column(String(48))
    request_text: Mapped[str] = mapped_column(Text)
    document_kind: Mapped[str | None] = mapped_column(String(48))
    requested_by: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answer_due_on: Mapped[date] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    paused_days: Mapped[int | None] = mapped_column(Integer)


class ApplicationDocument(Base):
    """A file the applicant gave: PDF or image only, size-limited, checked by content, hashed."""

    __tablename__ = "application_documents"
    __table_args__ = (Index("ix_application_documents_application", "application_id", "uploaded_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    pause_id: Mapped[int | None] = mapped_column(ForeignKey("application_pauses.id"))
    kind: Mapped[str] = mapped_column(String(48))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))  # detected from the bytes, not the name
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    uploaded_by: Mapped[str] = mapped_column(String(64))
