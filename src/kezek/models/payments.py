"""Housing-assistance payments: monthly registries per bank, their lines, bank responses,
overpayment proposals, shadow-mode comparisons and the yearly budget allocation.

A ``PaymentLine`` pays one ``AssistanceMonth``. At most one line per month may be live (draft,
sent or paid): a partial unique index says so on both engines, so nothing is paid twice even if
two officials generate a registry at the same moment. A returned line stays as history; once the
case is corrected a new line for the same month may be generated in a later registry.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime

REGISTRY_STATUSES = ("draft", "sent", "closed")
LINE_STATUSES = ("draft", "sent", "paid", "returned")
LIVE_LINE_STATUSES = ("draft", "sent", "paid")
CORRECTION_STATUSES = ("open", "corrected")
PROPOSAL_STATUSES = ("proposed", "confirmed", "dismissed")
SHADOW_STATUSES = ("equal", "differs", "missing_in_kezek", "missing_in_file")

_LIVE = "status IN ('draft', 'sent', 'paid')"


class PaymentRegistry(Base):
    __tablename__ = "payment_registries"
    __table_args__ = (UniqueConstraint("kato_prefix", "month", "bank_code", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(35), unique=True)  # MsgId of the pain.001 file
    kato_prefix: Mapped[str] = mapped_column(String(9))  # the paying jurisdiction ("" = country)
    month: Mapped[date] = mapped_column(Date)  # first day of the month the registry pays
    bank_code: Mapped[str] = mapped_column(String(3))
    bank_bic: Mapped[str | None] = mapped_column(String(11))
    bank_name: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(Integer, default=1)  # 2, 3 ... supplementary registries
    status: Mapped[str] = mapped_column(String(8), default="draft")
    payer: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    execution_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_by: Mapped[str | None] = mapped_column(String(80))
    sha256: Mapped[str | None] = mapped_column(String(64))  # digest of the content, fixed when sent
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    total_tiyn: Mapped[int] = mapped_column(BigInteger, default=0)


class PaymentLine(Base):
    __tablename__ = "payment_lines"
    __table_args__ = (
        Index(
            "uq_payment_lines_live_month",
            "month_id",
            unique=True,
            postgresql_where=text(_LIVE),
            sqlite_where=text(_LIVE),
        ),
        Index("ix_payment_lines_registry", "registry_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    registry_id: Mapped[int] = mapped_column(ForeignKey("payment_registries.id", ondelete="CASCADE"))
    month_id: Mapped[int] = mapped_column(ForeignKey("assistance_months.id"), index=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("assistance_claims.id"), index=True)
    claim_number: Mapped[str] = mapped_column(String(40))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    reference: Mapped[str] = mapped_column(String(35), unique=True)  # EndToEndId
    for_month: Mapped[date] = mapped_column(Date)
    kato: Mapped[str] = mapped_column(String(9))
    iin: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    iban: Mapped[str] = mapped_column(String(34))
    amount_tiyn: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(8), default="draft")
    response_id: Mapped[int | None] = mapped_column(ForeignKey("payment_bank_responses.id"))
    value_date: Mapped[date | None] = mapped_column(Date)
    return_code: Mapped[str | None] = mapped_column(String(8))
    return_reason: Mapped[str | None] = mapped_column(String(200))
    # a returned payment goes back to the case: open until an official corrects the account
    correction: Mapped[str | None] = mapped_column(String(10))
    corrected_iban: Mapped[str | None] = mapped_column(String(34))
    corrected_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    corrected_by: Mapped[str | None] = mapped_column(String(80))


class PaymentBankResponse(Base):
    __tablename__ = "payment_bank_responses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    imported_by: Mapped[str] = mapped_column(String(80))
    rows: Mapped[int] = mapped_column(Integer)
    paid: Mapped[int] = mapped_column(Integer)
    returned: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)


class OverpaymentProposal(Base):
    """Paid more than is due after the data changed: a proposal an official decides on.
    Kezek never recovers anything by itself."""

    __tablename__ = "payment_overpayments"
    __table_args__ = (
        Index(
            "uq_payment_overpayments_open",
            "claim_id",
            unique=True,
            postgresql_where=text("status = 'proposed'"),
            sqlite_where=text("status = 'proposed'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("assistance_claims.id"), index=True)
    claim_number: Mapped[str] = mapped_column(String(40))
    kato: Mapped[str] = mapped_column(String(9), index=True)
    cause: Mapped[str] = mapped_column(String(40))  # income_higher | recalculation | data_changed ...
    detail: Mapped[str | None] = mapped_column(String(300))
    paid_tiyn: Mapped[int] = mapped_column(BigInteger)
    due_tiyn: Mapped[int] = mapped_column(BigInteger)
    difference_tiyn: Mapped[int] = mapped_column(BigInteger)
    months: Mapped[list[Any]] = mapped_column(JsonDoc)  # [[month, paid, due], ...]
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(String(500))


class ShadowRun(Base):
    __tablename__ = "assistance_shadow_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kato_prefix: Mapped[str] = mapped_column(String(9))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    counts: Mapped[dict[str, Any]] = mapped_column(JsonDoc)  # status -> lines
    total_kezek_tiyn: Mapped[int] = mapped_column(BigInteger)
    total_file_tiyn: Mapped[int] = mapped_column(BigInteger)


class ShadowLine(Base):
    __tablename__ = "assistance_shadow_lines"
    __table_args__ = (Index("ix_assistance_shadow_lines_run", "run_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("assistance_shadow_runs.id", ondelete="CASCADE"))
    line: Mapped[int] = mapped_column(Integer)  # 0 for claims missing from the file
    claim_number: Mapped[str] = mapped_column(String(40))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("assistance_claims.id"))
    kezek_tiyn: Mapped[int | None] = mapped_column(BigInteger)
    file_tiyn: Mapped[int | None] = mapped_column(BigInteger)
    difference_tiyn: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)  # the lines that explain a difference


class AssistanceBudget(Base):
    """The yearly allocation for housing assistance of a jurisdiction (from the local budget)."""

    __tablename__ = "assistance_budgets"
    __table_args__ = (UniqueConstraint("kato", "year"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kato: Mapped[str] = mapped_column(String(9))
    year: Mapped[int] = mapped_column(Integer)
    amount_tiyn: Mapped[int] = mapped_column(BigInteger)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)
    set_by: Mapped[str] = mapped_column(String(80))


__all__ = [
    "AssistanceBudget",
    "OverpaymentProposal",
    "PaymentBankResponse",
    "PaymentLine",
    "PaymentRegistry",
    "ShadowLine",
    "ShadowRun",
]
