"""Housing assistance (domain.md §7) as a state service: quarterly claims, the consent of every adult
member, the normative calculation with its cost lines, commission sessions and decisions with the
months they cover.

Money is integer tiyn everywhere. A claim is for one quarter, from the month of the claim to the
end of that quarter; the family re-applies each quarter (``previous_claim_id`` links the chain).
A decision is recorded individually per claim even when the commission approved a bulk proposal;
an assigned decision has one ``AssistanceMonth`` row per month covered (the payable schedule that
payment registries are built from).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime

# Claim statuses. Terminal: assigned, refused, consent_declined, consent_expired, withdrawn.
CLAIM_STATUSES = (
    "awaiting_consent",  # the clock is paused until every adult member has consented
    "fetching",  # state data being fetched (an outage leaves the claim here)
    "awaiting_documents",  # a document was asked for what the data cannot show (clock paused)
    "review",  # the executor checks the data and the calculation, prepares for the commission
    "commission",  # on the agenda of a commission session
    "assigned",
    "refused",
    "consent_declined",
    "consent_expired",
    "withdrawn",
)
TERMINAL_STATUSES = frozenset({"assigned", "refused", "consent_declined", "consent_expired", "withdrawn"})
CLAIM_STEPS = ("registration", "head", "prepare", "commission", "notice", "delivery")
CLAIM_TENURES = ("owned", "state_rent", "akimat_leased", "private_rent")  # kezek.rules.inputs.TENURES
CONSENT_ANSWERS = ("pending", "given", "declined", "expired")
OUTCOMES = ("assigned", "refused")
REFUSAL_REASONS = (
    "false_data",  # false or incomplete data
    "more_than_one_dwelling",
    "private_rent",
    "nothing_due",  # the amount is zero: costs within norms do not exceed the share of income
)


class AssistanceClaim(Base):
    __tablename__ = "assistance_claims"
    __table_args__ = (
        Index("ix_assistance_claims_kato_status_due", "kato", "status", "due_on"),
        Index("ix_assistance_claims_applicant_quarter", "applicant_person_id", "quarter_start"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # the receipt number
    kato: Mapped[str] = mapped_column(String(9))  # district/city department that decides
    applicant_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"))
    previous_claim_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_claims.id"))
    channel: Mapped[str] = mapped_column(String(16))  # portal | psc
    submitted_by_kind: Mapped[str] = mapped_column(String(16))  # citizen | official
    submitted_by_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))  # language of correspondence: kk | ru | en
    phone: Mapped[str | None] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(200))

    # The quarter and the months claimed: from the month of the claim to the end of the quarter.
    quarter_start: Mapped[date] = mapped_column(Date)  # first day of the quarter
    first_month: Mapped[date] = mapped_column(Date)  # first day of the month of the claim
    period_months: Mapped[int] = mapped_column(Integer)  # 1..3
    tenure: Mapped[str] = mapped_column(String(16))  # owned | state_rent | akimat_leased (| private_rent)
    dwelling_address: Mapped[str] = mapped_column(String(300))
    dwelling_area_dm2: Mapped[int | None] = mapped_column(Integer)  # from the data (or a document)

    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Clock: starts once every adult has consented (the complete set), paused while waiting.
    consent_until: Mapped[date] = mapped_column(Date)  # the consent window ends at the end of this day
    complete_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    counted_from: Mapped[date | None] = mapped_column(Date)
    deadline_rule: Mapped[str | None] = mapped_column(String(64))  # the dated parameter of the deadline
    deadline_days: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[date | None] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)

    status: Mapped[str] = mapped_column(String(24), default="awaiting_consent")
    step: Mapped[str] = mapped_column(String(16), default="registration")
    assigned_official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    end_reason: Mapped[str | None] = mapped_column(String(48))  # why a claim ended without a decision

    # State data as received (with system, request id and body hash of each source).
    state_data: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]
    fetch_ref: Mapped[str | None] = mapped_column(String(64))  # the integration fetch request
    fetch_error: Mapped[str | None] = mapped_column(String(200))
    iban: Mapped[str | None] = mapped_column(String(34))  # the recipient's account, from the bank data
    bank_bic: Mapped[str | None] = mapped_column(String(11))
    bank_name: Mapped[str | None] = mapped_column(String(200))

    proposed_outcome: Mapped[str | None] = mapped_column(String(16))  # assigned | refused
    proposed_reason: Mapped[str | None] = mapped_column(String(32))
    review_note: Mapped[str | None] = mapped_column(Text)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_sessions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class AssistanceConsent(Base):
    """One adult member's consent to the claim (and to the state-data fetches about them)."""

    __tablename__ = "assistance_consents"
    __table_args__ = (UniqueConstraint("claim_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("assistance_claims.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answer: Mapped[str] = mapped_column(String(16), default="pending")  # pending|given|declined|expired
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_via: Mapped[str | None] = mapped_column(String(16))  # cabinet | psc | applicant (own claim)
    consent_ref: Mapped[str | None] = mapped_column(String(64))  # kezek.integration consent reference


class AssistanceDocument(Base):
    """A document asked for what the state data cannot show (e.g. a bill of a provider outside the
    data), and the file the family gave. ``amount_tiyn`` is the figure the officer read from it."""

    __tablename__ = "assistance_documents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("assistance_claims.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # bill | id_card | bank_account | rent_invoice | phone
    service: Mapped[str | None] = mapped_column(String(16))  # kezek.rules.inputs.SERVICES
    reason: Mapped[str] = mapped_column(String(64))  # why the data cannot show it
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    provided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    filename: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    amount_tiyn: Mapped[int | None] = mapped_column(BigInteger)
    quantity_milli: Mapped[int | None] = mapped_column(BigInteger)
    tariff_tiyn: Mapped[int | None] = mapped_column(BigInteger)


class AssistanceCalculation(Base):
    """The normative calculation of a claim (kezek.rules.assistance), reproducible: the parameters
    as of the claim, the rules version, the trace. A new calculation supersedes (``current``)."""

    __tablename__ = "assistance_calculations"
    __table_args__ = (Index("ix_assistance_calculations_claim_current", "claim_id", "current"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("assistance_claims.id", ondelete="CASCADE"))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    as_of: Mapped[date] = mapped_column(Date)  # parameters as of this date (the claim's receipt)
    kato: Mapped[str] = mapped_column(String(9))  # jurisdiction whose parameters applied
    rules_version: Mapped[str] = mapped_column(String(64))
    family_size: Mapped[int] = mapped_column(Integer)
    period_months: Mapped[int] = mapped_column(Integer)
    norm_area_dm2: Mapped[int] = mapped_column(Integer)
    capped_area_dm2: Mapped[int] = mapped_column(Integer)
    income_quarter_tiyn: Mapped[int] = mapped_column(BigInteger)  # income counted, previous quarter
    share_ppm: Mapped[int] = mapped_column(Integer)  # share of income, parts per million (100000 = 10 %)
    income_share_tiyn: Mapped[int] = mapped_column(BigInteger)  # for the period
    costs_within_tiyn: Mapped[int] = mapped_column(BigInteger)  # for the period
    amount_period_tiyn: Mapped[int] = mapped_column(BigInteger)
    amount_month_tiyn: Mapped[int] = mapped_column(BigInteger)
    refusal_reasons: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    incomes: Mapped[list[dict]] = mapped_column(JsonDoc, default=list)  # type: ignore[type-arg]
    trace: Mapped[dict] = mapped_column(JsonDoc)  # type: ignore[type-arg]


class AssistanceCostLine(Base):
    """One cost line of a calculation: actual, norm (allowed), within the norm, the rule applied."""

    __tablename__ = "assistance_cost_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    calculation_id: Mapped[int] = mapped_column(
        ForeignKey("assistance_calculations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    service: Mapped[str] = mapped_column(String(16))  # kezek.rules.inputs.SERVICES
    actual_tiyn: Mapped[int] = mapped_column(BigInteger)  # for the period
    allowed_tiyn: Mapped[int] = mapped_column(BigInteger)  # the most the norm allows for the period
    within_tiyn: Mapped[int] = mapped_column(BigInteger)  # min(actual, allowed)
    quantity_milli: Mapped[int] = mapped_column(BigInteger, default=0)
    tariff_tiyn: Mapped[int] = mapped_column(BigInteger, default=0)
    rule: Mapped[str] = mapped_column(String(48))  # how the norm works: per_person, per_m2, as_billed, ...
    norm: Mapped[dict] = mapped_column(JsonDoc)  # type: ignore[type-arg]  # parameter, value, unit, reference
    source: Mapped[str] = mapped_column(String(48))  # system (utilities) or document:<id>


class AssistanceSession(Base):
    """A commission session deciding several claims; its protocol is rendered from ``payload``."""

    __tablename__ = "assistance_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    chair: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    protocol: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]
    protocol_sha256: Mapped[str | None] = mapped_column(String(64))


class AssistanceDecision(Base):
    """The decision on one claim (one per claim), even when approved as part of a bulk proposal."""

    __tablename__ = "assistance_decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("assistance_claims.id"), unique=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_sessions.id"), index=True)
    calculation_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_calculations.id"))
    kato: Mapped[str] = mapped_column(String(9), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # assigned | refused
    reason_code: Mapped[str | None] = mapped_column(String(32))  # REFUSAL_REASONS
    legal_reference: Mapped[str] = mapped_column(String(300))
    amount_month_tiyn: Mapped[int] = mapped_column(BigInteger, default=0)
    first_month: Mapped[date | None] = mapped_column(Date)
    last_month: Mapped[date | None] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer, default=0)
    total_tiyn: Mapped[int] = mapped_column(BigInteger, default=0)
    bulk: Mapped[bool] = mapped_column(Boolean, default=False)  # approved as part of a bulk proposal
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"))


class AssistanceMonth(Base):
    """One month of an assigned decision: the payable amount and the account to pay it to."""

    __tablename__ = "assistance_months"
    __table_args__ = (
        UniqueConstraint("decision_id", "month"),
        Index("ix_assistance_months_month_kato", "month", "kato"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("assistance_decisions.id", ondelete="CASCADE"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("assistance_claims.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))  # the recipient (the applicant)
    kato: Mapped[str] = mapped_column(String(9))
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    amount_tiyn: Mapped[int] = mapped_column(BigInteger)
    iban: Mapped[str | None] = mapped_column(String(34))
    bank_bic: Mapped[str | None] = mapped_column(String(11))
