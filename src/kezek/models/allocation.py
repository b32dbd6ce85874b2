"""Distribution of dwellings: policies, batches, reproducible runs, commission sessions, offers and
the public allocation journal (docs/adr/0008-allocation-runs.md).

A run's inputs and result are stored as canonical bytes (``AllocationRunBlob``) with their SHA-256;
the per-entry explanations are rows (``AllocationDecision``) for the pages. Overrides are a layer on
top of the automatic result, never an edit of it. The journal is a hash chain of public records.
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
)
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime

METHODS = ("largest_remainder", "webster")
RUN_STATUSES = ("draft", "in_commission", "approved", "rejected", "superseded")
OFFER_STATUSES = ("pending", "accepted", "refused", "expired", "skipped", "withdrawn")


class AllocationPolicy(Base):
    """A jurisdiction's distribution policy, versioned; the most specific KATO prefix wins."""

    __tablename__ = "allocation_policies"
    __table_args__ = (UniqueConstraint("kato_prefix", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kato_prefix: Mapped[str] = mapped_column(String(9))  # "" = the whole country
    version: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(24))
    priority_share_bp: Mapped[int | None] = mapped_column(Integer)  # national regime: >= 7000
    require_consent: Mapped[bool] = mapped_column(Boolean, default=True)
    require_phone: Mapped[bool] = mapped_column(Boolean, default=True)
    response_working_days: Mapped[int] = mapped_column(Integer, default=10)
    reminder_working_days: Mapped[int] = mapped_column(Integer, default=3)
    max_unreasonable_refusals: Mapped[int | None] = mapped_column(Integer)  # None: no penalty
    suspension_months: Mapped[int] = mapped_column(Integer, default=0)
    expiry_counts_as_refusal: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AllocationBatch(Base):
    """Available dwellings of one jurisdiction put together for one run."""

    __tablename__ = "allocation_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    regime: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | run | closed
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AllocationBatchItem(Base):
    __tablename__ = "allocation_batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "dwelling_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("allocation_batches.id", ondelete="CASCADE"))
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwellings.id"), index=True)


class AllocationRun(Base):
    __tablename__ = "allocation_runs"
    __table_args__ = (Index("ix_allocation_runs_kato_period_status", "kato", "period", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("allocation_batches.id"), index=True)
    kato: Mapped[str] = mapped_column(String(9))
    regime: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))  # the counters' period (a calendar year)
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    method: Mapped[str] = mapped_column(String(24))
    policy_kato: Mapped[str | None] = mapped_column(String(9))
    policy_version: Mapped[int] = mapped_column(Integer)  # 0 = the built-in default policy
    engine_version: Mapped[str] = mapped_column(String(32))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    result_hash: Mapped[str] = mapped_column(String(64))
    entries_count: Mapped[int] = mapped_column(Integer)
    dwellings_count: Mapped[int] = mapped_column(Integer)
    assigned_count: Mapped[int] = mapped_column(Integer)
    summary: Mapped[dict] = mapped_column(JsonDoc)  # type: ignore[type-arg]
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AllocationRunBlob(Base):
    """The canonical bytes of a run's inputs or result, compressed, with the SHA-256 of the raw bytes."""

    __tablename__ = "allocation_run_blobs"
    __table_args__ = (UniqueConstraint("run_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # inputs | result
    encoding: Mapped[str] = mapped_column(String(16))  # zlib
    raw_size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AllocationDecision(Base):
    """One entry considered by a run: assigned a dwelling, or skipped with the reason."""

    __tablename__ = "allocation_decisions"
    __table_args__ = (
        UniqueConstraint("run_id", "seq"),
        Index("ix_allocation_decisions_run_entry", "run_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id"), index=True)
    list_code: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)  # the queue number at the time of the run
    outcome: Mapped[str] = mapped_column(String(16))  # assigned | skipped
    reason_code: Mapped[str] = mapped_column(String(40))
    dwelling_id: Mapped[int | None] = mapped_column(ForeignKey("dwellings.id"))
    pick: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]


class CommissionSession(Base):
    __tablename__ = "commission_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id"), unique=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # the protocol number
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text)
    quorum: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | decided
    decision: Mapped[str | None] = mapped_column(String(16))  # approved | rejected
    opened_by: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    protocol_sha256_kk: Mapped[str | None] = mapped_column(String(64))
    protocol_sha256_ru: Mapped[str | None] = mapped_column(String(64))


class CommissionMember(Base):
    __tablename__ = "commission_members"
    __table_args__ = (UniqueConstraint("session_id", "full_name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("commission_sessions.id", ondelete="CASCADE"))
    official_id: Mapped[int | None] = mapped_column(ForeignKey("officials.id"))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # chair | secretary | member
    present: Mapped[bool] = mapped_column(Boolean, default=True)


class CommissionVote(Base):
    __tablename__ = "commission_votes"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("commission_sessions.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("commission_members.id"))
    vote: Mapped[str] = mapped_column(String(16))  # for | against | abstain
    dissent: Mapped[str | None] = mapped_column(Text)
    cast_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AllocationOverride(Base):
    """A manual change to the automatic result, with its written reason (shown in the protocol and
    in the public journal)."""

    __tablename__ = "allocation_overrides"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id"), index=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwellings.id"))
    from_entry_id: Mapped[int | None] = mapped_column(ForeignKey("queue_entries.id"))
    to_entry_id: Mapped[int | None] = mapped_column(ForeignKey("queue_entries.id"))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Offer(Base):
    """A dwelling offered to a family, or a skip at offer time (status ``skipped``, never sent)."""

    __tablename__ = "allocation_offers"
    __table_args__ = (
        Index("ix_allocation_offers_entry_status", "entry_id", "status"),
        Index("ix_allocation_offers_status_deadline", "status", "deadline"),
        Index("ix_allocation_offers_run", "run_id", "dwelling_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("allocation_runs.id"))
    kato: Mapped[str] = mapped_column(String(9), index=True)
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwellings.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    list_code: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(Integer)  # queue number at the time of the run
    round: Mapped[int] = mapped_column(Integer)  # 1 for the run's own result, +1 per re-offer
    origin: Mapped[str] = mapped_column(String(16))  # run | override | reoffer
    status: Mapped[str] = mapped_column(String(16))
    skip_reason: Mapped[str | None] = mapped_column(String(40))
    offered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deadline: Mapped[date | None] = mapped_column(Date)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(80))
    refusal_reason: Mapped[str | None] = mapped_column(String(32))
    refusal_reasonable: Mapped[bool | None] = mapped_column(Boolean)
    refusal_note: Mapped[str | None] = mapped_column(Text)
    notice_ref: Mapped[str | None] = mapped_column(String(64))


class OfferSuspension(Base):
    """No offers to an entry for a while, by the policy on repeated unreasonable refusals."""

    __tablename__ = "allocation_suspensions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id"), index=True)
    from_day: Mapped[date] = mapped_column(Date)
    until_day: Mapped[date] = mapped_column(Date)
    reason_code: Mapped[str] = mapped_column(String(40))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_offers.id"))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JournalRecord(Base):
    """One line of the public allocation journal. ``body`` is the canonical JSON text that is hashed:
    hash = SHA-256(prev_hash + "\\n" + body); anyone holding the file can re-check the chain."""

    __tablename__ = "allocation_journal"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    kato: Mapped[str] = mapped_column(String(9), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_runs.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AllocationEntryFacts(Base):
    """Facts about a queue entry that only distribution needs: a wheelchair-accessible dwelling is
    needed, and the family's income over the ladder's months by source (national regime)."""

    __tablename__ = "allocation_entry_facts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id"), unique=True)
    needs_wheelchair: Mapped[bool] = mapped_column(Boolean, default=False)
    ladder_income: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]  # source -> tiyn
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
