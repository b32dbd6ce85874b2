"""The registry: jurisdictions (KATO), persons keyed by IIN, families, address registrations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kezek.models.base import Base, BigId, UtcDateTime


class Jurisdiction(Base):
    """An administrative-territorial unit by its 9-digit KATO code."""

    __tablename__ = "jurisdictions"

    kato: Mapped[str] = mapped_column(String(9), primary_key=True)
    parent_kato: Mapped[str | None] = mapped_column(String(9), index=True)
    level: Mapped[str] = mapped_column(String(16))  # region | city_republican | district | city
    name_kk: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    iin: Mapped[str] = mapped_column(String(12), unique=True)
    surname: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))  # M | F
    citizenship: Mapped[str] = mapped_column(String(16))  # citizen | kandas | foreign
    death_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(16))  # verified in the mobile-citizens base
    kato: Mapped[str] = mapped_column(String(9), index=True)  # jurisdiction of permanent registration
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class Family(Base):
    __tablename__ = "families"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    head_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kato: Mapped[str] = mapped_column(String(9), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())

    members: Mapped[list[FamilyMember]] = relationship(
        back_populates="family", lazy="raise", order_by="FamilyMember.id"
    )


class FamilyMember(Base):
    __tablename__ = "family_members"
    __table_args__ = (UniqueConstraint("family_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[str] = mapped_column(String(16))  # head | spouse | child | parent | other

    family: Mapped[Family] = relationship(back_populates="members", lazy="raise")
    person: Mapped[Person] = relationship(lazy="raise")


class AddressRegistration(Base):
    """A permanent registration (propiska) at an address, with its dates."""

    __tablename__ = "address_registrations"
    __table_args__ = (Index("ix_address_registrations_person_from", "person_id", "registered_from"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    kato: Mapped[str] = mapped_column(String(9))
    address: Mapped[str] = mapped_column(String(300))
    registered_from: Mapped[date] = mapped_column(Date)
    registered_to: Mapped[date | None] = mapped_column(Date)
