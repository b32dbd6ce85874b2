"""Records held by the state information systems about persons.

In production these come from the real systems through the integration ports; on the embedded
default and in tests the synthetic population fills them and the sandbox emulator serves them.
Money is integer tiyn (1 tenge = 100 tiyn).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kezek.models.base import Base, BigId


class IncomeSpell(Base):
    """A monthly income from one source, constant over a span of months (pension, tax, social data)."""

    __tablename__ = "income_spells"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # salary | pension | social | entrepreneur | other
    monthly_tiyn: Mapped[int] = mapped_column(BigInteger)
    from_month: Mapped[date] = mapped_column(Date)
    to_month: Mapped[date | None] = mapped_column(Date)


class PropertyRecord(Base):
    """Ownership of a dwelling in the real-estate rights register, with acquisition and alienation."""

    __tablename__ = "property_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kato: Mapped[str] = mapped_column(String(9))
    kind: Mapped[str] = mapped_column(String(16))  # flat | house | dormitory_room
    area_dm2: Mapped[int] = mapped_column(Integer)  # useful area in square decimetres (exact)
    acquired_on: Mapped[date] = mapped_column(Date)
    acquisition: Mapped[str] = mapped_column(
        String(20)
    )  # purchase | gift | inheritance | privatisation | ...
    alienated_on: Mapped[date | None] = mapped_column(Date)
    alienation: Mapped[str | None] = mapped_column(String(20))  # sale | gift | exchange | division
    emergency_since: Mapped[date | None] = mapped_column(Date)  # recognised as emergency (avariynoe)


class StatusRecord(Base):
    """A social or employment status with its dates.

    kinds: large_family, altyn_alqa, kumis_alqa, mother_heroine, orphan, wwii_veteran, combat_veteran,
    veteran_equated, kandas, disability (detail = group 1|2|3), disabled_child (detail = group),
    chronic_disease, pensioner, single_parent, widow, civil_servant, budget_worker, military,
    state_housing_received, state_housing_privatised, preferential_purchase, otbasy_deposit.
    """

    __tablename__ = "status_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(64))
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
