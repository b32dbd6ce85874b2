"""Housing stock: dwellings to be distributed, and their hand-over from an akimat to the distributor.

Area is useful area in square decimetres (exact integers; 1 m² = 100 dm²). Akimats build or buy the
dwellings and, in the national regime, hand them over to the distributing body (Otbasy bank,
domain §5.2); in the akimat regime the akimat distributes its own communal fund, so a dwelling may
be entered directly as held by the distributor.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId, UtcDateTime

# rental: rented from the communal fund without purchase right (ladder tier ≤ 1 PM);
# credit_2 / credit_5: credit housing sold through the 2 % / 5 % preferential loans;
# rent_subsidy: a subsidised lease of a private flat (its "dwelling" is the leased flat).
DWELLING_KINDS = ("rental", "credit_2", "credit_5", "rent_subsidy")
DWELLING_STATUSES = (
    "awaiting_handover",  # entered by the akimat, not yet handed over to the distributing body
    "available",  # may be put in a batch
    "in_batch",  # in an open batch or a run not yet decided
    "offered",  # an offer to a family is pending
    "allocated",  # a family accepted it
    "withdrawn",  # taken out of distribution (with a reason)
)
HOLDERS = ("akimat", "distributor")


class DwellingHandover(Base):
    """The act by which an akimat hands dwellings over to the distributing body."""

    __tablename__ = "dwelling_handovers"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    act_number: Mapped[str] = mapped_column(String(64))
    act_date: Mapped[date] = mapped_column(Date)
    from_body: Mapped[str] = mapped_column(String(200))
    to_body: Mapped[str] = mapped_column(String(200))
    dwelling_count: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Dwelling(Base):
    __tablename__ = "dwellings"
    __table_args__ = (
        Index("ix_dwellings_kato_status_kind", "kato", "status", "kind"),
        UniqueConstraint("kato", "external_ref"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kato: Mapped[str] = mapped_column(String(9))
    address: Mapped[str] = mapped_column(String(300))
    rooms: Mapped[int] = mapped_column(Integer)
    area_dm2: Mapped[int] = mapped_column(Integer)
    floor: Mapped[int | None] = mapped_column(Integer)
    floors_total: Mapped[int | None] = mapped_column(Integer)
    wheelchair_accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(16))
    programme: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20))
    holder: Mapped[str] = mapped_column(String(16))
    handover_id: Mapped[int | None] = mapped_column(ForeignKey("dwelling_handovers.id"), index=True)
    # The row's reference in the source the dwelling came from (an import file, the akimat's register).
    external_ref: Mapped[str | None] = mapped_column(String(64))
    status_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
