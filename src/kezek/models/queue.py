"""The queue: lists, entries, the position ledger, migration records, inventory and publications.

Order within a list is the date and time of the complete application (Law "On Housing Relations"
Art. 74 p.1), ties broken by the entry id. ``QueueEntry.position`` is kept equal to that rank among
the list's active entries; it only ever changes inside a movement that writes a ``QueueEvent``
(no silent renumbering), which is what lets a citizen see why their number changed.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, JsonDoc, UtcDateTime

REGIMES = ("akimat", "national")
# Art. 74 p.2 (akimat regime): six separate lists. National regime (from 2025-05-24): the priority
# categories (Art. 74 p.1, at least 70 % of the housing) and everyone else, each by date.
AKIMAT_LISTS = ("L1", "L2", "L3", "L4", "L5", "L6")
NATIONAL_LISTS = ("priority", "general")
ENTRY_STATUSES = ("active", "housed", "removed")
# Ledger event kinds; ``delta`` is +1 when the entry joins the list's order, -1 when it leaves.
EVENT_KINDS = (
    "registered",
    "housed",
    "removed",
    "restored",
    "recategorised_out",
    "recategorised_in",
    "recategorised",  # category changed within the same list (no movement)
    "migrated_out",
    "migrated_in",
    "succession",
    "inventory_failed",
    "inventory_passed",
    "contact_changed",
)


class QueueList(Base):
    __tablename__ = "queue_lists"
    __table_args__ = (UniqueConstraint("kato", "regime", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    regime: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(16))
    active_count: Mapped[int] = mapped_column(Integer, default=0)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)  # akimat lists closed by the 2025 migration


class QueueEntry(Base):
    __tablename__ = "queue_entries"
    __table_args__ = (
        Index("ix_queue_entries_order", "list_id", "status", "registered_at", "id"),
        Index("ix_queue_entries_position", "list_id", "position"),
        # One active registration per family (IMPL of domain §3.4).
        Index(
            "uq_queue_entries_active_family",
            "family_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("queue_lists.id"))
    kato: Mapped[str] = mapped_column(String(9), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    family_id: Mapped[int | None] = mapped_column(ForeignKey("families.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    category: Mapped[str] = mapped_column(String(32))
    categories: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")
    position: Mapped[int | None] = mapped_column(Integer)
    legacy_number: Mapped[str | None] = mapped_column(String(32))  # number in an imported akimat list
    skipped_for_offers: Mapped[bool] = mapped_column(Boolean, default=False)
    inventory_status: Mapped[str | None] = mapped_column(String(16))  # passed | failed | None
    inventory_checked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consent_ref: Mapped[str | None] = mapped_column(String(64))
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    phone: Mapped[str | None] = mapped_column(String(16))
    phone_verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(48))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class QueueEntryMember(Base):
    """The persons an entry covers. One active registration per person (IIN) in the country."""

    __tablename__ = "queue_entry_members"
    __table_args__ = (
        Index(
            "uq_queue_entry_members_active_person",
            "person_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    relation: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class QueueEvent(Base):
    """One movement (or change) of an entry, with its reason. The position ledger."""

    __tablename__ = "queue_events"
    __table_args__ = (
        Index("ix_queue_events_list_time", "list_id", "occurred_at"),
        Index("ix_queue_events_entry_time", "entry_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id"))
    list_id: Mapped[int] = mapped_column(ForeignKey("queue_lists.id"))
    kind: Mapped[str] = mapped_column(String(24))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The entry's order key, copied so "who moved ahead of me" is one indexed query.
    entry_registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delta: Mapped[int] = mapped_column(Integer, default=0)  # +1 joins the list, -1 leaves, 0 in place
    position_before: Mapped[int | None] = mapped_column(Integer)
    position_after: Mapped[int | None] = mapped_column(Integer)
    reason_code: Mapped[str | None] = mapped_column(String(48))
    note: Mapped[str | None] = mapped_column(Text)
    decision_ref: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(80))
    details: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]


class QueueMigrationRecord(Base):
    """Old number → new number when the akimat lists moved into the national queue (24.05.2025)."""

    __tablename__ = "queue_migration_records"
    __table_args__ = (UniqueConstraint("entry_id", "old_list_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id"), index=True)
    old_list_id: Mapped[int] = mapped_column(ForeignKey("queue_lists.id"))
    old_position: Mapped[int] = mapped_column(Integer)
    new_list_id: Mapped[int] = mapped_column(ForeignKey("queue_lists.id"))
    new_position: Mapped[int] = mapped_column(Integer)
    migrated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class InventoryRun(Base):
    """One re-verification of active entries (quarterly, or on demand)."""

    __tablename__ = "inventory_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kato_prefix: Mapped[str] = mapped_column(String(9), default="")
    as_of: Mapped[date] = mapped_column(Date)
    trigger: Mapped[str] = mapped_column(String(16))  # scheduled | on_demand
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | done | failed
    checked: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    proposed: Mapped[int] = mapped_column(Integer, default=0)
    unavailable: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(200))


class InventoryProposal(Base):
    """A proposed removal with reason codes and the data each rests on; an officer decides."""

    __tablename__ = "inventory_proposals"
    __table_args__ = (
        UniqueConstraint("run_id", "entry_id"),
        Index("ix_inventory_proposals_kato_status", "kato", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("inventory_runs.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id"), index=True)
    kato: Mapped[str] = mapped_column(String(9))
    reason_codes: Mapped[list[str]] = mapped_column(JsonDoc, default=list)
    evidence: Mapped[dict | None] = mapped_column(JsonDoc)  # type: ignore[type-arg]
    status: Mapped[str] = mapped_column(String(16), default="proposed")  # proposed | approved | rejected
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_note: Mapped[str | None] = mapped_column(Text)


class QueuePublication(Base):
    """A list as published on a date (the public pages serve these snapshots, not the live table)."""

    __tablename__ = "queue_publications"
    __table_args__ = (Index("ix_queue_publications_list_time", "list_id", "published_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("queue_lists.id"))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    as_of: Mapped[date] = mapped_column(Date)
    rows: Mapped[int] = mapped_column(Integer, default=0)


class QueuePublishedRow(Base):
    """One line of a published list: masked identity only, plus a keyed digest to find oneself."""

    __tablename__ = "queue_published_rows"
    __table_args__ = (
        Index("ix_queue_published_rows_pub_position", "publication_id", "position"),
        Index("ix_queue_published_rows_pub_digest", "publication_id", "iin_digest"),
        Index("ix_queue_published_rows_entry", "entry_id", "publication_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("queue_publications.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    category: Mapped[str] = mapped_column(String(32))
    initials: Mapped[str] = mapped_column(String(8))
    masked_iin: Mapped[str] = mapped_column(String(12))
    iin_digest: Mapped[str] = mapped_column(String(64))
    skipped_for_offers: Mapped[bool] = mapped_column(Boolean, default=False)
